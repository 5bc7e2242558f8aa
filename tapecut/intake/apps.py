from django.apps import AppConfig


class IntakeConfig(AppConfig):
    name = "tapecut.intake"
    label = "intake"

    def ready(self) -> None:
        # Registers the intake job handlers (intake.parse) for ``tapecut worker``.
        from tapecut.intake import processing  # noqa: F401
