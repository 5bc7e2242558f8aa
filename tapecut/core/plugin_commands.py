"""A management command whose sub-commands are the modules of one package.

``tapecut bench NAME`` and ``tapecut eval NAME`` are built on it. A module defines ``HELP``,
``add_arguments(parser)`` and ``run(options, out) -> dict``; the dict is printed as one JSON
object on the last line, so that scripts can read the result.
"""

from __future__ import annotations

import importlib
import json
import pkgutil
from types import ModuleType
from typing import Any

from django.core.management.base import BaseCommand, CommandParser


def discover(package: ModuleType) -> dict[str, ModuleType]:
    """Sub-command name (``intake-crash``) → module, for every public module with ``run``."""
    found = {}
    for info in pkgutil.iter_modules(package.__path__):
        if info.name.startswith(("_", "test")):
            continue
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        if hasattr(module, "run"):
            found[info.name.replace("_", "-")] = module
    return found


class PackageCommand(BaseCommand):
    package: ModuleType

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True)
        for name, module in sorted(discover(self.package).items()):
            module.add_arguments(sub.add_parser(name, help=getattr(module, "HELP", "")))

    def handle(self, *args: Any, **options: Any) -> None:
        module = discover(self.package)[options["subcommand"]]
        result = module.run(options, self.stdout)
        self.stdout.write(json.dumps(result, default=str))
