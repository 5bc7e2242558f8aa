from django.apps import AppConfig


class AnalysisConfig(AppConfig):
    name = "tapecut.analysis"
    label = "analysis"
