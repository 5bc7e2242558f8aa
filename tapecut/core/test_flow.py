"""Imports follow the flow: a package imports only packages before it in FLOW, never after.

So there is no import cycle between the top-level packages of tapecut/, and no product package
imports the tooling (bench, evals, faults, devtools, e2e). Tests and migrations are left out:
a test may import anything it needs. Imports inside functions count like any other.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1]

# Lowest first. Each package may import those before it (docs/architecture.md, "Layers").
FLOW = [
    "envconf",
    "core",
    "accounts",
    "intake",
    "custody",
    "ledger",
    "ai",
    "analysis",
    "triage",
    "notify",
    "privacy",
    "insights",
    "api",
    "demo",
]
# The tooling sits above the product, and no product package may import it.
TOOLING = ["devtools", "evals", "bench", "faults", "e2e"]
# The project's own modules (settings, urls, the CLI) wire everything together.
PROJECT = {
    "settings",
    "urls",
    "wsgi",
    "asgi",
    "cli",
    "__main__",
    "__init__",
    "pytest_env",
    "keyfile",
}


def production_files() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).parts
        if "migrations" in parts or path.name.startswith("test_") or path.name == "conftest.py":
            continue
        top = parts[0].removesuffix(".py")
        if top not in PROJECT:
            yield top, path


def imported_packages(path: Path) -> Iterator[tuple[str, int]]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        for name in names:
            parts = name.split(".")
            if parts[0] == "tapecut" and len(parts) > 1:
                yield parts[1], node.lineno


def against_the_flow() -> list[str]:
    order = {name: rank for rank, name in enumerate(FLOW + TOOLING)}
    wrong = []
    for top, path in production_files():
        for target, line in imported_packages(path):
            if target == top or target in PROJECT:
                continue
            where = f"{path.relative_to(PACKAGE.parent)}:{line} imports tapecut.{target}"
            if top not in order or target not in order:
                wrong.append(f"{where} (add the package to FLOW in {__file__})")
            elif order[target] > order[top]:
                wrong.append(where)
    return wrong


def test_every_package_is_placed_in_the_flow():
    tops = {top for top, _path in production_files()}
    assert tops - set(FLOW + TOOLING) == set(), f"place these packages in FLOW: {tops}"


def test_imports_follow_the_flow():
    wrong = against_the_flow()
    assert wrong == [], "imports against the flow:\n" + "\n".join(wrong)


def test_no_product_package_imports_the_tooling():
    product = set(FLOW)
    wrong = [
        f"{path.relative_to(PACKAGE.parent)}:{line} imports tapecut.{target}"
        for top, path in production_files()
        if top in product
        for target, line in imported_packages(path)
        if target in TOOLING
    ]
    assert wrong == []


def test_the_check_sees_an_import_against_the_flow(tmp_path, monkeypatch):
    # A lower package importing a higher one is caught, even inside a function.
    fake = tmp_path / "tapecut"
    (fake / "intake").mkdir(parents=True)
    (fake / "triage").mkdir()
    (fake / "intake" / "x.py").write_text("def f():\n    from tapecut.triage import views\n")
    (fake / "triage" / "y.py").write_text("from tapecut.intake import models\n")
    monkeypatch.setattr(__import__(__name__, fromlist=["_"]), "PACKAGE", fake)
    assert against_the_flow() == ["tapecut/intake/x.py:2 imports tapecut.triage"]
