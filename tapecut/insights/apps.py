from django.apps import AppConfig


class InsightsConfig(AppConfig):
    name = "tapecut.insights"
    label = "insights"
