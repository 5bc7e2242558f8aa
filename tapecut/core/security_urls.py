"""/.well-known/security.txt (the login and two-factor pages are in tapecut.accounts.urls)."""

from django.urls import path

from tapecut.core import security

urlpatterns = [
    path(".well-known/security.txt", security.security_txt, name="security_txt"),
]
