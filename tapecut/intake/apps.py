from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "tapecut.intake"
    label = "intake"
