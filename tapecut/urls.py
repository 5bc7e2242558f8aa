from django.contrib import admin
from django.urls import include, path

from tapecut.api.api import api
from tapecut.intake import form_views

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("tapecut.intake.urls")),
    path("report/", form_views.report_form, name="report_form"),
    path("receipt/", form_views.receipt, name="receipt"),
    path("", include("tapecut.accounts.urls")),
    path("api/v1/", api.urls),
    path("", include("tapecut.triage.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
