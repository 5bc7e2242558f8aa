from django.urls import path

from tapecut.custody import views

app_name = "custody"

urlpatterns = [
    path("identity/reports/<int:pk>/reveal/", views.reveal, name="reveal"),
    path("identity/messages/<int:pk>/original.eml", views.original, name="original"),
]
