import os
from pathlib import Path

from django.apps import AppConfig
from django.conf import settings


class CoreConfig(AppConfig):
    name = "tapecut.core"
    label = "core"
    verbose_name = "Tapecut core"

    def ready(self) -> None:
        # Registers the system checks (checks, security_checks).
        from tapecut.core import checks, security_checks  # noqa: F401
        from tapecut.core.scrub import install_log_scrubber

        # No mail address reaches a log line, whoever logs it (docs/threat-model.md).
        install_log_scrubber()
        private_files()


def private_files() -> None:
    """What Tapecut writes (database, message store, outbox) is readable by its own user alone."""
    os.umask(0o077)
    var_dir = Path(settings.VAR_DIR)
    if var_dir.is_dir() and var_dir.stat().st_uid == os.getuid():
        var_dir.chmod(0o700)
