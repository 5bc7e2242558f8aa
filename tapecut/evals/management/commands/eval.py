"""``tapecut eval NAME …``: evaluation commands, one module each in ``tapecut.evals``."""

from __future__ import annotations

import tapecut.evals
from tapecut.core.plugin_commands import PackageCommand


class Command(PackageCommand):
    help = "Run an evaluation; its last output line is one JSON object."
    package = tapecut.evals
