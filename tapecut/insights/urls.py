from django.urls import path

from tapecut.insights import views

app_name = "insights"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("export/<slug:kind>.<slug:fmt>", views.export, name="export"),
]
