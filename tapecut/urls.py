from django.contrib import admin
from django.urls import include, path

from tapecut.api.api import api
from tapecut.core.site_views import favicon
from tapecut.custody import form_views

urlpatterns = [
    path("favicon.ico", favicon, name="favicon"),
    path("admin/", admin.site.urls),
    # Throttled login, two-factor steps, single sign-on (before the auth URLs: its login wins).
    path("", include("tapecut.accounts.urls")),
    path("", include("tapecut.core.security_urls")),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("tapecut.intake.urls")),
    path("report/", form_views.report_form, name="report_form"),
    path("receipt/", form_views.receipt, name="receipt"),
    path("", include("tapecut.custody.urls")),
    path("api/v1/", api.urls),
    path("", include("tapecut.triage.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("insights/", include("tapecut.insights.urls")),
    path("privacy/", include("tapecut.privacy.urls")),
    path("", include("tapecut.insights.ops_urls")),
]
