from django.apps import AppConfig


class TriageConfig(AppConfig):
    name = "tapecut.triage"
    label = "triage"
