"""Password logins: the throttle per account and per address, and the password rules."""

from __future__ import annotations

from datetime import timedelta
from unittest import mock

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from tapecut.core.models import AuditEvent
from tapecut.triage.personas import PASSWORD, make_user

pytestmark = pytest.mark.django_db

LOCKED = "Too many failed logins"


@pytest.fixture
def quick(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.TAPECUT_LOGIN_FAILURES_PER_USER = 3
    settings.TAPECUT_LOGIN_FAILURES_PER_IP = 100
    return settings


def log_in(client: Client, username: str, password: str, path: str = "/accounts/login/"):
    return client.post(path, {"username": username, "password": password})


def logged_in(client: Client) -> bool:
    return "_auth_user_id" in client.session


def test_an_account_locks_after_too_many_failures_even_for_the_right_password(quick):
    make_user("tom", "triager", password=PASSWORD)
    client = Client()
    for _ in range(3):
        page = log_in(client, "tom", "wrong password!")
        assert page.status_code == 200 and LOCKED not in page.content.decode()
    page = log_in(client, "TOM", PASSWORD)  # the name as typed, in any case
    assert LOCKED in page.content.decode()
    assert not logged_in(client)
    locked = AuditEvent.objects.get(verb="login.locked")
    assert locked.detail == {"scope": "account", "known": True}
    # Another account from the same address is not locked.
    make_user("olga", "owner", password=PASSWORD)
    assert log_in(client, "olga", PASSWORD).status_code == 302


def test_the_admin_login_is_locked_too(quick):
    make_user("ada", "admin", staff=True, password=PASSWORD)
    client = Client()
    for _ in range(3):
        log_in(client, "ada", "wrong password!", "/admin/login/")
    log_in(client, "ada", PASSWORD, "/admin/login/")
    assert not logged_in(client)


def test_an_address_locks_after_too_many_failures_on_any_account(quick):
    quick.TAPECUT_LOGIN_FAILURES_PER_USER = 100
    quick.TAPECUT_LOGIN_FAILURES_PER_IP = 4
    make_user("tom", "triager", password=PASSWORD)
    client = Client()
    for n in range(4):
        log_in(client, f"guess{n}", "wrong password!")
    assert LOCKED in log_in(client, "tom", PASSWORD).content.decode()
    assert AuditEvent.objects.filter(verb="login.locked", detail__scope="address").count() == 1
    # Another client address is not locked.
    other = Client(REMOTE_ADDR="192.0.2.7")
    assert log_in(other, "tom", PASSWORD).status_code == 302


def test_the_lock_ends_with_its_window(quick):
    quick.TAPECUT_LOGIN_WINDOW_SECONDS = 60
    make_user("tom", "triager", password=PASSWORD)
    client = Client()
    # The clock is set, not waited for: a slow machine cannot spread the failures over windows.
    locked_at = timezone.now()
    with mock.patch("django.utils.timezone.now", return_value=locked_at):
        for _ in range(3):
            log_in(client, "tom", "wrong password!")
        assert LOCKED in log_in(client, "tom", PASSWORD).content.decode()
    # Windows start on whole multiples of their length: a window later is the next one.
    later = locked_at + timedelta(seconds=60)
    with mock.patch("django.utils.timezone.now", return_value=later):
        assert log_in(client, "tom", PASSWORD).status_code == 302


def test_counters_keep_no_name_and_no_address(quick):
    from tapecut.core.models import ThrottleCounter

    log_in(Client(), "someone@home.example", "wrong password!")
    keys = list(ThrottleCounter.objects.values_list("key", flat=True))
    assert len(keys) == 2
    assert not any("someone" in k or "127.0.0.1" in k for k in keys)


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Sh0rt-pass!", "password_too_short"),  # 11 characters: the minimum is 12
        ("password1234", "password_too_common"),
        ("481516234200", "password_entirely_numeric"),
        ("tomtriager12", "password_too_similar"),  # too close to the username
    ],
)
def test_weak_passwords_are_refused(password, code):
    user = make_user("tomtriager")
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    assert code in [error.code for error in refused.value.error_list]


def test_a_long_passphrase_is_accepted():
    validate_password(PASSWORD, make_user("tom"))


def test_the_password_change_page_applies_the_rules(quick):
    user = make_user("tom", password=PASSWORD)
    client = Client()
    client.force_login(user)
    data = {"old_password": PASSWORD, "new_password1": "short-pass", "new_password2": "short-pass"}
    page = client.post("/accounts/password_change/", data)
    assert page.status_code == 200 and "at least 12 characters" in page.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
