"""The login page (throttled), the two-factor steps and single sign-on.

Included before django.contrib.auth.urls, so that /accounts/login/ is the throttled one.
"""

from django.urls import include, path

from tapecut.accounts import login, sso, twofactor_views

twofactor_patterns = [
    path("setup/", twofactor_views.setup, name="setup"),
    path("verify/", twofactor_views.verify, name="verify"),
]

urlpatterns = [
    path("accounts/login/", login.login_view, name="login"),
    path("accounts/2fa/", include((twofactor_patterns, "twofactor"))),
    path("sso/login/", sso.start, name="sso_login"),
    path("sso/callback/", sso.callback, name="sso_callback"),
]
