from django.urls import path

from tapecut.privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.reporter_data, name="reporter_data"),
    path("export/", views.export, name="export"),
    path("erase/", views.erase, name="erase"),
]
