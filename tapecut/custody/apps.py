from django.apps import AppConfig


class CustodyConfig(AppConfig):
    """The reporter's side: submissions, receipts, automatic answers, reveal, keys."""

    name = "tapecut.custody"
    label = "custody"

    def ready(self) -> None:
        # Signal receivers, the auto-reply job handler and the system checks.
        from tapecut.custody import checks, receivers  # noqa: F401
