"""The inbox: filters, search, saved views and bulk actions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from tapecut.analysis.models import Category, ReportAnalysis
from tapecut.intake.models import Mode, Report
from tapecut.triage.factories import make_category, make_report, make_theme
from tapecut.triage.models import SavedView

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports():  # type: ignore[no-untyped-def]
    old = timezone.now() - dt.timedelta(days=40)
    return {
        "travel": make_report("Travel form", "Three signatures for a taxi receipt."),
        "canteen": make_report("Canteen", "The canteen closes too early.", received_at=old),
        "german": make_report(
            "Reisekosten", "Drei Unterschriften für eine Quittung.", language="de"
        ),
        "anon": make_report("Parking", "Parking permits take weeks.", mode=Mode.ANONYMOUS),
    }


def subjects(client, query: str) -> set[str]:  # type: ignore[no-untyped-def]
    page = client.get(f"/inbox/?{query}")
    assert page.status_code == 200
    return {r["subject"] for r in page.context["page"].object_list}


def test_filters_and_search(reports, client_as):  # type: ignore[no-untyped-def]
    client = client_as("triager")
    make_theme("Travel", [reports["travel"], reports["german"]])
    since = (timezone.now() - dt.timedelta(days=7)).date().isoformat()
    theme_id = ReportAnalysis.objects.get(report=reports["travel"]).theme_id
    assert subjects(client, "") == {"Travel form", "Canteen", "Reisekosten", "Parking"}
    assert subjects(client, "q=signatures") == {"Travel form"}
    assert subjects(client, "q=canteen+early") == {"Canteen"}
    assert subjects(client, "q=canteen+taxi") == set()
    assert subjects(client, "language=de") == {"Reisekosten"}
    assert subjects(client, "mode=anonymous") == {"Parking"}
    assert subjects(client, "channel=form") == set()
    assert subjects(client, f"since={since}") == {"Travel form", "Reisekosten", "Parking"}
    assert subjects(client, f"theme={theme_id}") == {"Travel form", "Reisekosten"}
    assert subjects(client, f"theme={theme_id}&language=en") == {"Travel form"}
    # A bad value is ignored with the form's error, never a server error.
    assert client.get("/inbox/?since=yesterday&status=nonsense").status_code == 200


def test_saved_views_are_per_user(reports, client_as, personas):  # type: ignore[no-untyped-def]
    client = client_as("triager")
    response = client.post("/inbox/saved/", {"name": "German", "query": "language=de"})
    assert response["Location"] == "/inbox/?language=de"
    view = SavedView.objects.get(user=personas.triager)
    assert "German" in client.get("/inbox/").content.decode()
    admin = client_as("admin")
    assert "German" not in admin.get("/inbox/").content.decode()
    assert admin.post(f"/inbox/saved/{view.pk}/delete/").status_code == 404
    client.post(f"/inbox/saved/{view.pk}/delete/")
    assert not SavedView.objects.exists()


def test_bulk_actions(reports, client_as):  # type: ignore[no-untyped-def]
    client = client_as("triager")
    theme = make_theme("Parking", [])
    category = Category.objects.filter(active=True).first() or make_category()
    chosen = [reports["travel"].pk, reports["anon"].pk]
    client.post(
        "/inbox/",
        {"reports": chosen, "theme": theme.pk, "category": category.pk, "status": "open"},
    )
    analyses = ReportAnalysis.objects.filter(report_id__in=chosen)
    assert {a.theme_id for a in analyses} == {theme.pk}
    assert {a.category_id for a in analyses} == {category.pk}
    assert all(a.category_confirmed_at for a in analyses)  # corrections are training examples
    assert set(Report.objects.filter(pk__in=chosen).values_list("status", flat=True)) == {"open"}
    theme.refresh_from_db()
    assert theme.report_count == 2
    assert Report.objects.get(pk=reports["canteen"].pk).status == "new"
    # Nothing chosen to set: an error, and nothing changes.
    page = client.post("/inbox/", {"reports": [reports["canteen"].pk]}, follow=True)
    assert "Choose a theme, a category, a status or a triager" in page.content.decode()


def test_rows_escape_what_reporters_wrote(client_as):  # type: ignore[no-untyped-def]
    report = make_report('<script>alert("x")</script> & "quotes"', "text")
    theme = make_theme("<b>Bold</b> theme", [report])
    html = client_as("triager").get("/inbox/").content.decode()
    assert "<script>alert" not in html and "<b>Bold</b>" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quotes&quot;" in html
    assert f'<a href="/themes/{theme.pk}/">&lt;b&gt;Bold&lt;/b&gt; theme</a>' in html
    assert f'<a href="/reports/{report.pk}/">' in html
    assert f'aria-label="Select report {report.pk}"' in html


def test_a_report_without_analysis_or_subject_still_shows(client_as):  # type: ignore[no-untyped-def]
    report = make_report("", "No subject at all.")
    ReportAnalysis.objects.filter(report=report).delete()
    html = client_as("triager").get("/inbox/").content.decode()
    assert f'<a href="/reports/{report.pk}/">(no subject)</a>' in html
    assert "No reports match." not in html


def test_theme_lists_follow_renames_and_keep_the_choice(reports, client_as):  # type: ignore[no-untyped-def]
    client = client_as("triager")
    theme = make_theme("Travel", [reports["travel"]])
    assert f'<option value="{theme.pk}">Travel</option>' in client.get("/inbox/").content.decode()
    theme.title = "Travel & expenses"
    theme.save()
    page = client.get(f"/inbox/?theme={theme.pk}").content.decode()
    # Once chosen in the filter (selected), once offered for the bulk action.
    assert f'<option value="{theme.pk}" selected>Travel &amp; expenses</option>' in page
    assert f'<option value="{theme.pk}">Travel &amp; expenses</option>' in page
    added = make_theme("Canteen hours", [reports["canteen"]])
    assert f'value="{added.pk}">Canteen hours<' in client.get("/inbox/").content.decode()


def test_a_long_inbox_is_counted_only_up_to_the_cap(reports, client_as, monkeypatch):  # type: ignore[no-untyped-def]
    from tapecut.triage.views import inbox

    client = client_as("triager")
    monkeypatch.setattr(inbox, "COUNT_CAP", 2)
    monkeypatch.setattr(inbox, "PAGE_SIZE", 1)
    page = client.get("/inbox/")
    html = page.content.decode()
    assert "More than 2 reports: narrow them down with the filters." in html
    assert "1 / 3+" in html  # pages up to the cap and one more, then "+"
    # Filtered below the cap: the exact number again.
    exact = client.get("/inbox/?language=de").content.decode()
    assert "1 report" in exact and "More than" not in exact
