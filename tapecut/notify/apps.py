from django.apps import AppConfig


class NotifyConfig(AppConfig):
    name = "tapecut.notify"
    label = "notify"
    verbose_name = "Team notifications"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.conf import settings

        from tapecut.core import schedule
        from tapecut.notify import dispatch  # noqa: F401  (registers the job handler)

        schedule.register(
            schedule.Periodic("notify", settings.TAPECUT_SCHEDULE_NOTIFY_SECONDS, ("notify",))
        )
