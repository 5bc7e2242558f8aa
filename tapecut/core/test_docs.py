"""The docs keep up with the code: settings, management commands, benchmarks and evaluations."""

from __future__ import annotations

import pkgutil
import re
from pathlib import Path

import tapecut

PACKAGE = Path(tapecut.__file__).resolve().parent
ROOT = PACKAGE.parent
DOCS = ROOT / "docs"

ENV_CALL = re.compile(r"\benv_(?:str|bool|int|float|list)\(\s*(?P<arg>[^,)]*)")
LITERAL = re.compile(r"""^["']([A-Z][A-Z0-9_]*)["']$""")
TABLE_ROW = re.compile(r"^\|\s*`?([A-Z][A-Z0-9_]*)`?\s*\|", re.MULTILINE)
# Read by Django or the process environment itself, not through tapecut.envconf.
NOT_THROUGH_ENVCONF = {"DJANGO_SETTINGS_MODULE"}


def source_files() -> list[Path]:
    return [
        p
        for p in sorted(PACKAGE.rglob("*.py"))
        if "migrations" not in p.parts and not p.name.startswith("test_") and p.name != "envconf.py"
    ]


def env_reads() -> dict[str, list[str]]:
    """Every ``env_*(...)`` call's first argument, with where it is."""
    found: dict[str, list[str]] = {}
    for path in source_files():
        for match in ENV_CALL.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(match["arg"].strip(), []).append(str(path.relative_to(ROOT)))
    return found


def literal_reads() -> dict[str, list[str]]:
    return {m[1]: where for arg, where in env_reads().items() if (m := LITERAL.match(arg))}


def documented_settings() -> set[str]:
    return set(TABLE_ROW.findall((DOCS / "configuration.md").read_text(encoding="utf-8")))


def all_docs() -> str:
    pages = [ROOT / "README.md", *sorted(DOCS.glob("*.md"))]
    return "\n".join(p.read_text(encoding="utf-8") for p in pages if p.exists())


def test_every_setting_is_read_by_a_literal_name():
    dynamic = {arg: where for arg, where in env_reads().items() if not LITERAL.match(arg)}
    assert not dynamic, f"name settings literally so that they can be documented: {dynamic}"


def test_every_setting_has_a_row_in_docs_configuration():
    documented = documented_settings()
    missing = {name: where for name, where in literal_reads().items() if name not in documented}
    assert not missing, f"add a row to docs/configuration.md for: {missing}"


def test_every_documented_setting_is_still_read_somewhere():
    stale = documented_settings() - set(literal_reads()) - NOT_THROUGH_ENVCONF
    assert not stale, f"docs/configuration.md documents settings nothing reads: {sorted(stale)}"


def management_commands() -> list[str]:
    return sorted(
        p.stem
        for p in PACKAGE.glob("*/management/commands/*.py")
        if not p.name.startswith("_") and not p.name.startswith("test")
    )


def test_every_management_command_is_documented():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    text += (DOCS / "commands.md").read_text(encoding="utf-8")
    missing = [c for c in management_commands() if not re.search(rf"`tapecut {c}\b", text)]
    assert not missing, f"describe these in docs/commands.md as `tapecut NAME`: {missing}"


def test_no_command_is_described_twice():
    headings = re.findall(r"^### `tapecut ([a-z0-9-]+)`", (DOCS / "commands.md").read_text(), re.M)
    twice = sorted({h for h in headings if headings.count(h) > 1})
    assert not twice, f"docs/commands.md describes these twice: {twice}"


def plugin_names(package: str) -> list[str]:
    """Benchmark or evaluation names, as ``tapecut bench``/``tapecut eval`` list them."""
    path = PACKAGE / package
    return sorted(
        info.name.replace("_", "-")
        for info in pkgutil.iter_modules([str(path)])
        if not info.name.startswith(("_", "test"))
        # What PackageCommand lists: modules with a run() (helpers and `management` are not).
        and not info.ispkg
        and "\ndef run(" in (path / f"{info.name}.py").read_text(encoding="utf-8")
    )


def test_every_benchmark_and_evaluation_is_documented():
    text = all_docs()
    missing = [f"bench {n}" for n in plugin_names("bench") if f"tapecut bench {n}" not in text]
    missing += [f"eval {n}" for n in plugin_names("evals") if f"tapecut eval {n}" not in text]
    assert not missing, f"document these in docs/ as `tapecut bench|eval NAME`: {missing}"


def test_the_readme_names_the_two_commands_and_links_the_settings():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make run" in readme
    assert "make test" in readme
    assert "docs/configuration.md" in readme


def test_every_dependency_is_explained_in_the_readme():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    readme = (ROOT / "README.md").read_text(encoding="utf-8").lower()
    deps = list(project["dependencies"])
    deps += [d for extra in project["optional-dependencies"].values() for d in extra]
    names = {re.split(r"[<>=!~\[ ;]", dep, maxsplit=1)[0] for dep in deps}
    missing = sorted(n for n in names if n.lower() not in readme)
    assert not missing, f"say in README.md why Tapecut depends on: {missing}"
