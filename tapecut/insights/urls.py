from django.urls import path

from tapecut.insights import cost_views, guide, views

app_name = "insights"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("how-we-count/", guide.how_we_count, name="guide"),
    path("export/<slug:kind>.<slug:fmt>", views.export, name="export"),
    path("cost/themes/<int:pk>/", cost_views.theme_cost, name="theme_cost"),
    path("cost/changes/<int:pk>/", cost_views.change_cost, name="change_cost"),
]
