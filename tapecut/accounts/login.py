"""Password logins, throttled: per account and per client address, counted in the database.

``ThrottledModelBackend`` stands in for Django's ModelBackend, so every password login (our
login page, the admin's, anything calling ``authenticate``) is refused once an account or an
address has failed too often in the current window, before the password is checked. The
login page says so plainly instead of "wrong password". Counters are keyed hashes, never
usernames or addresses (tapecut.core.throttle).
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.views import LoginView
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from tapecut.core import crypto, throttle

ACCOUNT = "login-account"
ADDRESS = "login-address"


def account_key(username: str) -> str:
    return crypto.keyed_hash("login:" + username.strip().lower())


def login_allowed(request: HttpRequest, username: str) -> bool:
    seconds = settings.TAPECUT_LOGIN_WINDOW_SECONDS
    return throttle.allowed(
        ACCOUNT, account_key(username), settings.TAPECUT_LOGIN_FAILURES_PER_USER, seconds
    ) and throttle.allowed(
        ADDRESS, throttle.client_key(request), settings.TAPECUT_LOGIN_FAILURES_PER_IP, seconds
    )


def username_from(credentials: dict[str, Any]) -> str:
    field = get_user_model().USERNAME_FIELD
    return str(credentials.get(field) or credentials.get("username") or "")


class ThrottledModelBackend(ModelBackend):
    """Django's username-and-password backend, refusing everybody while their account or
    address is locked."""

    def authenticate(
        self, request: Any, username: Any = None, password: Any = None, **kw: Any
    ) -> Any:
        name = str(username or kw.get(get_user_model().USERNAME_FIELD) or "")
        if request is not None and name and not login_allowed(request, name):
            # Stops authenticate() here: the password is not even checked while locked.
            raise PermissionDenied("too many failed logins")
        return super().authenticate(request, username=username, password=password, **kw)


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "throttled": _(
            "Too many failed logins for this account or from your network. "
            "Please wait %(minutes)s minutes and try again."
        ),
    }

    def clean(self) -> dict[str, Any]:
        username = self.cleaned_data.get("username")
        if username and self.request is not None and not login_allowed(self.request, username):
            minutes = max(1, settings.TAPECUT_LOGIN_WINDOW_SECONDS // 60)
            raise ValidationError(
                self.error_messages["throttled"], code="throttled", params={"minutes": minutes}
            )
        return super().clean()


login_view = LoginView.as_view(authentication_form=LoginForm)
