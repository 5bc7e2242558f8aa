from django.urls import path
from django.views.generic import RedirectView

app_name = "intake"

# Reports are read in the triage workspace (tapecut.triage: /inbox/ and /reports/<id>/); this
# old address, still the login redirect, leads to the start page for the user's role.
urlpatterns = [
    path("reports/", RedirectView.as_view(url="/", permanent=False), name="report_list"),
]
