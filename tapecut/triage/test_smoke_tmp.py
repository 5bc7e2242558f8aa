import pytest
from tapecut.triage.factories import make_report, make_theme, make_category
from tapecut.triage import actions

@pytest.mark.django_db
def test_smoke(client_as, personas):
    r = make_report(html="<p>Hello <a href='http://x.example'>y</a><script>alert(1)</script></p>")
    make_category()
    t = make_theme("Signatures", [r])
    ch = actions.do_create_change(title="One signature", actor=personas.triager, themes=[t])
    c = client_as("triager")
    for url in ["/", "/inbox/", "/inbox/?q=signatures&status=new", f"/reports/{r.pk}/", f"/reports/{r.pk}/original/", "/themes/", f"/themes/{t.pk}/", "/changes/", f"/changes/{ch.pk}/", "/changes/new/?theme=%d" % t.pk, "/board/"]:
        resp = c.get(url, follow=True)
        assert resp.status_code == 200, (url, resp.status_code)
    print(c.get(f"/reports/{r.pk}/original/").content.decode()[-1500:])
