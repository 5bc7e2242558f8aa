"""``tapecut.evals NAME …``: benchmark commands, one module each in ``tapecut.evals``.

A module defines ``HELP``, ``add_arguments(parser)`` and ``run(options, out) -> dict``; the dict
is printed as one JSON object on the last line.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

import tapecut.evals


def eval_modules() -> dict[str, Any]:
    found = {}
    for info in pkgutil.iter_modules(tapecut.evals.__path__):
        if info.name.startswith("_") or info.name.startswith("test"):
            continue
        module = importlib.import_module(f"tapecut.evals.{info.name}")
        if hasattr(module, "run"):
            found[info.name.replace("_", "-")] = module
    return found


class Command(BaseCommand):
    help = "Run an evaluation; its last output line is one JSON object."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="eval", required=True)
        for name, module in sorted(eval_modules().items()):
            p = sub.add_parser(name, help=getattr(module, "HELP", ""))
            module.add_arguments(p)

    def handle(self, *args: Any, **options: Any) -> None:
        module = eval_modules()[options["eval"]]
        result = module.run(options, self.stdout)
        self.stdout.write(json.dumps(result, default=str))
