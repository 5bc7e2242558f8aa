"""Single sign-on through OpenID Connect (mozilla-django-oidc), on only when configured.

The provider is the source of truth for roles when its userinfo carries the claim named by
``TAPECUT_OIDC_ROLES_CLAIM``: values equal to a Tapecut role name are granted, other Tapecut
roles are taken away. Without that claim, roles are managed locally.
"""

from __future__ import annotations

import logging
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.exceptions import SuspiciousOperation
from django.http import Http404, HttpRequest, HttpResponse
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.views import (
    OIDCAuthenticationCallbackView,
    OIDCAuthenticationRequestView,
)

from tapecut.accounts.roles import ROLES
from tapecut.core import audit

ALL_ROLES = frozenset(ROLES)
log = logging.getLogger(__name__)


class RoleMappingBackend(OIDCAuthenticationBackend):
    def authenticate(self, request: Any, **kwargs: Any) -> Any:
        try:
            return super().authenticate(request, **kwargs)
        except SuspiciousOperation as exc:
            # A refused token is a failed login (audited, sent back to the login page), not
            # a "400 Bad Request" page.
            log.warning("single sign-on refused: %s", exc)
            return None

    def verify_token(self, token: str, **kwargs: Any) -> Any:
        payload = super().verify_token(token, **kwargs)
        # The library leaves the audience unchecked: a token the provider issued to another
        # application must not log anyone in here.
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        if self.OIDC_RP_CLIENT_ID not in audiences:
            raise SuspiciousOperation("The ID token was issued for another client.")
        return payload

    def create_user(self, claims: dict[str, Any]) -> Any:
        user = super().create_user(claims)
        audit.record("user.sso_created", user, actor_label="sso")
        return self.update_user(user, claims)

    def update_user(self, user: Any, claims: dict[str, Any]) -> Any:
        names = [str(claims.get(key) or "") for key in ("given_name", "family_name")]
        if any(names) and (user.first_name, user.last_name) != tuple(names):
            user.first_name, user.last_name = names[0][:150], names[1][:150]
            user.save(update_fields=["first_name", "last_name"])
        claim = settings.TAPECUT_OIDC_ROLES_CLAIM
        if claim in claims:
            sync_roles(user, claims[claim])
        return user


def sync_roles(user: Any, values: Any) -> None:
    wanted = {str(v) for v in (values if isinstance(values, list) else [values])} & ALL_ROLES
    current = set(user.groups.filter(name__in=ALL_ROLES).values_list("name", flat=True))
    if wanted == current:
        return
    user.groups.remove(*Group.objects.filter(name__in=current - wanted))
    user.groups.add(*Group.objects.filter(name__in=wanted - current))
    audit.record(
        "user.roles_synced",
        user,
        actor_label="sso",
        added=sorted(wanted - current),
        removed=sorted(current - wanted),
    )


def _enabled_or_404() -> None:
    if not settings.TAPECUT_OIDC_ENABLED:
        raise Http404("single sign-on is not configured")


def start(request: HttpRequest) -> HttpResponse:
    _enabled_or_404()
    return OIDCAuthenticationRequestView.as_view()(request)


def callback(request: HttpRequest) -> HttpResponse:
    _enabled_or_404()
    return OIDCAuthenticationCallbackView.as_view()(request)
