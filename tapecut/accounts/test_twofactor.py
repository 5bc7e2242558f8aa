"""Two-factor login: set up an authenticator app, type its code at each login, no way around."""

from __future__ import annotations

import re

import pytest
from django.core.management import call_command
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tapecut.accounts.checks import check_login_defences
from tapecut.accounts.twofactor import current_code
from tapecut.core.models import AuditEvent
from tapecut.core.security_checks import check_production_security
from tapecut.triage.personas import PASSWORD, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def required(settings):
    settings.TAPECUT_REQUIRE_2FA = True
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return settings


def password_login(username: str, next_url: str = "/inbox/") -> tuple[Client, str]:
    client = Client()
    page = client.post(
        f"/accounts/login/?next={next_url}", {"username": username, "password": PASSWORD}
    )
    assert page.status_code == 302
    return client, page["Location"]


def code_for_secret(secret: str) -> str:
    import base64

    key = base64.b32decode(secret.replace(" ", "") + "=" * (-len(secret.replace(" ", "")) % 8))
    return str(totp(key)).zfill(6)


def test_a_triager_sets_up_an_app_at_first_login(required):
    make_user("tom", "triager", password=PASSWORD)
    client, location = password_login("tom")
    # The inbox sends a half-logged-in triager to set up the app first.
    page = client.get(location)
    assert page.status_code == 302 and page["Location"].startswith("/accounts/2fa/setup/")
    setup = client.get(page["Location"])
    html = setup.content.decode()
    assert "otpauth://totp/Tapecut%3Atom?secret=" in html and "issuer=Tapecut" in html
    assert 'src="data:image/svg+xml;base64,' in html  # the QR code, no inline SVG or style
    found = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', html)
    assert found is not None
    secret = found.group(1)
    wrong = client.post("/accounts/2fa/setup/?next=/inbox/", {"token": "000000"})
    assert wrong.status_code == 400
    # django-otp slows guessing down after a wrong code (test_guessing_codes_is_slowed_down).
    TOTPDevice.objects.update(throttling_failure_count=0)
    done = client.post(
        "/accounts/2fa/setup/", {"token": code_for_secret(secret), "next": "/inbox/"}
    )
    assert done.status_code == 302 and done["Location"] == "/inbox/"
    assert client.get("/inbox/").status_code == 200
    assert TOTPDevice.objects.get().confirmed
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"2fa.enrolment_started", "2fa.failed", "2fa.enrolled"} <= verbs


def test_every_later_login_asks_for_the_code(required):
    user = make_user("carl", "custodian", password=PASSWORD)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client, location = password_login("carl", "/identity/reports/1/reveal/")
    page = client.get(location)
    assert page["Location"].startswith("/accounts/2fa/verify/")
    # Nothing privileged opens before the code: not the inbox, not the admin, not a download.
    for path in ("/inbox/", "/admin/", "/identity/messages/1/original.eml", "/audit/"):
        assert client.get(path)["Location"].startswith("/accounts/2fa/verify/"), path
    assert client.post("/accounts/2fa/verify/", {"token": "12"}).status_code == 400
    TOTPDevice.objects.update(throttling_failure_count=0)  # as above
    ok = client.post("/accounts/2fa/verify/?next=/board/", {"token": current_code(device)})
    assert ok.status_code == 302 and ok["Location"] == "/board/"
    assert client.get("/board/").status_code == 200
    assert AuditEvent.objects.filter(verb="2fa.verified").count() == 1


def test_guessing_codes_is_slowed_down(required):
    user = make_user("ada", "admin", staff=True, password=PASSWORD)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client, _location = password_login("ada")
    client.post("/accounts/2fa/verify/", {"token": "000000"})
    # Right after a wrong guess, even the right code is refused for a while.
    refused = client.post("/accounts/2fa/verify/", {"token": current_code(device)})
    assert refused.status_code == 400


@pytest.mark.parametrize(
    ("roles", "staff", "asked"),
    [
        (("triager",), False, True),
        (("custodian",), False, True),
        (("admin",), False, True),
        ((), True, True),  # staff reach the admin site
        (("owner",), False, False),
        (("leader",), False, False),
        (("reporter",), False, False),
    ],
)
def test_who_is_asked(required, roles, staff, asked):
    user = make_user("someone", *roles, staff=staff)
    client = Client()
    client.force_login(user)
    page = client.get("/board/")
    assert (page.status_code == 302 and "/accounts/2fa/" in page["Location"]) is asked


def test_without_the_requirement_only_those_with_an_app_are_asked(settings):
    settings.TAPECUT_REQUIRE_2FA = False
    plain, enrolled = make_user("tom", "triager"), make_user("ada", "admin")
    TOTPDevice.objects.create(user=enrolled, name="phone", confirmed=True)
    for user, asked in ((plain, False), (enrolled, True)):
        client = Client()
        client.force_login(user)
        page = client.get("/inbox/")
        assert (page.status_code == 302) is asked


def test_half_logged_in_one_may_still_leave_and_read_public_files(required):
    client = Client()
    client.force_login(make_user("tom", "triager"))
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/.well-known/security.txt").status_code == 404  # reached, no contact
    assert client.post("/accounts/logout/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_next_never_leads_elsewhere(required):
    user = make_user("tom", "triager")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    client = Client()
    client.force_login(user)
    page = client.post(
        "/accounts/2fa/verify/?next=https://evil.example/", {"token": current_code(device)}
    )
    assert page["Location"] == "/"


def test_reset2fa_removes_the_devices_and_says_so(capsys):
    user = make_user("tom", "triager")
    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    call_command("reset2fa", "tom")
    assert "Removed 1" in capsys.readouterr().out
    assert not TOTPDevice.objects.exists()
    assert AuditEvent.objects.filter(verb="2fa.removed").count() == 1


def test_checks_name_unknown_roles_and_a_production_without_two_factors(settings):
    settings.TAPECUT_2FA_ROLES = ["triager", "boss"]
    assert [e.id for e in check_login_defences(None)] == ["tapecut.E070"]
    settings.DEBUG, settings.TAPECUT_REQUIRE_2FA = False, False
    settings.TAPECUT_SECURITY_CONTACT = []
    ids = [w.id for w in check_production_security(None)]
    assert ids == ["tapecut.W070", "tapecut.W071"]
