from django.urls import path
from django.views.generic import RedirectView

from tapecut.intake import views

app_name = "intake"

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="intake:report_list"), name="home"),
    path("reports/", views.report_list, name="report_list"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
]
