"""``tapecut bench NAME …``: benchmark commands, one module each in ``tapecut.bench``."""

from __future__ import annotations

import tapecut.bench
from tapecut.core.plugin_commands import PackageCommand


class Command(PackageCommand):
    help = "Run a benchmark; its last output line is one JSON object."
    package = tapecut.bench
