"""The ``tapecut`` console script: Django's management commands under one name."""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tapecut.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["tapecut", *argv])
    if args[1:2] == ["demo"]:
        # The demo starts with one command: random keys into its var dir, before the settings
        # read them (outside DEBUG Tapecut refuses to start without real keys).
        from tapecut import keyfile

        keyfile.ensure(keyfile.default_var_dir())
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
