"""The login page (throttled), the two-factor steps and /.well-known/security.txt.

Included before django.contrib.auth.urls, so that /accounts/login/ is the throttled one.
"""

from django.urls import include, path

from tapecut.core import login, security, twofactor_views

twofactor_patterns = [
    path("setup/", twofactor_views.setup, name="setup"),
    path("verify/", twofactor_views.verify, name="verify"),
]

urlpatterns = [
    path("accounts/login/", login.login_view, name="login"),
    path("accounts/2fa/", include((twofactor_patterns, "twofactor"))),
    path(".well-known/security.txt", security.security_txt, name="security_txt"),
]
