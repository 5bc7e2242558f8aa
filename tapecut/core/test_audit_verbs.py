"""Audit verbs are a closed set: every verb the code writes is a member of AuditVerb."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tapecut.core import audit
from tapecut.core.audit import AuditVerb

PACKAGE = Path(__file__).resolve().parents[1]


def written_verbs() -> dict[str, str]:
    """Each literal verb passed to ``audit.record`` in the code (not tests) → where."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        if path.name.startswith("test_") or "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "record"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "audit"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                found[str(node.args[0].value)] = f"{path.relative_to(PACKAGE)}:{node.lineno}"
    return found


def test_every_written_verb_is_in_the_set():
    verbs = written_verbs()
    assert len(verbs) > 30
    unknown = {v: where for v, where in verbs.items() if v not in set(AuditVerb)}
    assert unknown == {}, "add these to tapecut.core.audit.AuditVerb"


@pytest.mark.django_db
def test_record_refuses_a_verb_outside_the_set():
    with pytest.raises(ValueError):
        audit.record("something.new")
    assert audit.record(AuditVerb.KEYS_ROTATE).verb == "keys.rotate"
