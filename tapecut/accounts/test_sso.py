"""Single sign-on against a provider mocked at mozilla-django-oidc's HTTP calls."""

from __future__ import annotations

import time
from typing import Any
from unittest import mock
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
from django.contrib.auth import get_user_model
from django.test import Client, override_settings

from tapecut.accounts.roles import has_role
from tapecut.core.models import AuditEvent

pytestmark = pytest.mark.django_db

SECRET = "client-secret-for-tests"
SSO = override_settings(
    TAPECUT_OIDC_ENABLED=True,
    TAPECUT_OIDC_ROLES_CLAIM="roles",
    AUTHENTICATION_BACKENDS=[
        "django.contrib.auth.backends.ModelBackend",
        "tapecut.accounts.sso.RoleMappingBackend",
    ],
    OIDC_RP_CLIENT_ID="tapecut",
    OIDC_RP_CLIENT_SECRET=SECRET,
    OIDC_OP_AUTHORIZATION_ENDPOINT="https://idp.example/authorize",
    OIDC_OP_TOKEN_ENDPOINT="https://idp.example/token",
    OIDC_OP_USER_ENDPOINT="https://idp.example/userinfo",
    OIDC_RP_SIGN_ALGO="HS256",
    OIDC_RP_SCOPES="openid email profile",
    OIDC_USE_PKCE=True,
    OIDC_AUTHENTICATION_CALLBACK_URL="sso_callback",
    LOGIN_REDIRECT_URL_FAILURE="/accounts/login/?sso=failed",
)


class Reply:
    """What ``requests`` would return from the provider."""

    def __init__(self, body: dict[str, Any]) -> None:
        self.body, self.status_code, self.url = body, 200, "https://idp.example"
        self.headers: dict[str, str] = {}

    def json(self) -> dict[str, Any]:
        return self.body

    def raise_for_status(self) -> None:
        return None


def login_through_provider(claims: dict[str, Any], *, audience: str = "tapecut") -> Any:
    client = Client()
    start = client.get("/sso/login/?next=/board/")
    assert start.status_code == 302
    query = parse_qs(urlsplit(start["Location"]).query)
    assert start["Location"].startswith("https://idp.example/authorize?")
    assert query["code_challenge_method"] == ["S256"]
    id_token = jwt.encode(
        {"nonce": query["nonce"][0], "aud": audience, "sub": "42", "exp": time.time() + 60},
        SECRET,
        algorithm="HS256",
    )
    token = Reply({"id_token": id_token, "access_token": "opaque-access-token"})
    with (
        mock.patch("mozilla_django_oidc.auth.requests.post", return_value=token) as post,
        mock.patch("mozilla_django_oidc.auth.requests.get", return_value=Reply(claims)) as get,
    ):
        done = client.get(f"/sso/callback/?code=the-code&state={query['state'][0]}")
    assert post.call_args.kwargs["data"]["code"] == "the-code"
    if audience == "tapecut":
        assert get.call_args.kwargs["headers"] == {"Authorization": "Bearer opaque-access-token"}
    return client, done


@SSO
def test_a_new_user_signs_in_with_the_roles_the_provider_gives(personas: Any) -> None:
    claims = {"email": "sam@corp.example", "given_name": "Sam", "roles": ["triager", "boss"]}
    client, done = login_through_provider(claims)
    assert done.status_code == 302 and done["Location"] == "/board/"
    user = get_user_model().objects.get(email="sam@corp.example")
    assert user.first_name == "Sam"
    assert has_role(user, "triager") and not has_role(user, "admin")
    assert client.get("/inbox/").status_code == 200
    login = AuditEvent.objects.get(verb="login", actor=user)
    assert login.detail == {"method": "sso"}


@SSO
def test_the_provider_takes_roles_away(personas: Any) -> None:
    personas.triager.email = "tom@corp.example"
    personas.triager.save()
    client, _done = login_through_provider({"email": "tom@corp.example", "roles": ["leader"]})
    user = get_user_model().objects.get(pk=personas.triager.pk)
    assert has_role(user, "leader") and not has_role(user, "triager")
    assert client.get("/inbox/").status_code == 403
    assert AuditEvent.objects.filter(verb="user.roles_synced").exists()


@SSO
def test_a_token_for_another_application_is_refused(personas: Any) -> None:
    _client, done = login_through_provider({"email": "x@corp.example"}, audience="other-app")
    assert done["Location"] == "/accounts/login/?sso=failed"
    page = Client().get(done["Location"]).content.decode()
    assert "Single sign-on did not work" in page and "/sso/login/" in page
    assert not get_user_model().objects.filter(email="x@corp.example").exists()
    assert AuditEvent.objects.filter(verb="login.failed").exists()


def test_off_unless_configured() -> None:
    assert Client().get("/sso/login/").status_code == 404


# Argon2 is slow on purpose; these logins only need some hasher.
@override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
def test_logins_and_failures_are_audited(personas: Any) -> None:
    personas.leader.set_password("a long password for lea")
    personas.leader.save()
    client = Client()
    client.post("/accounts/login/", {"username": "lea", "password": "wrong"})
    client.post("/accounts/login/", {"username": "lea", "password": "a long password for lea"})
    failed = AuditEvent.objects.get(verb="login.failed")
    assert failed.detail == {"username": "lea"} and "wrong" not in str(failed.detail)
    assert AuditEvent.objects.get(verb="login").detail == {"method": "password"}
