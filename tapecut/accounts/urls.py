from django.urls import path

from tapecut.accounts import views

app_name = "accounts"

urlpatterns = [
    path("identity/reports/<int:pk>/reveal/", views.reveal, name="reveal"),
    path("identity/messages/<int:pk>/original.eml", views.original, name="original"),
]
