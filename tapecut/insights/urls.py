from django.urls import path

from tapecut.insights import guide, views

app_name = "insights"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("how-we-count/", guide.how_we_count, name="guide"),
    path("export/<slug:kind>.<slug:fmt>", views.export, name="export"),
]
