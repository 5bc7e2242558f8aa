"""scripts/audit-deps.sh tells "nothing found" from "nothing checked" (with a stand-in
pip-audit that prints what the real one prints in each case; no network)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import tapecut

SCRIPT = Path(tapecut.__file__).resolve().parent.parent / "scripts" / "audit-deps.sh"


def run(tmp_path: Path, stdout: str, status: int = 0, **env: str) -> subprocess.CompletedProcess:
    fake = tmp_path / "pip-audit"
    (tmp_path / "out.json").write_text(stdout, encoding="utf-8")
    fake.write_text(
        f"#!/bin/sh\ncat {tmp_path / 'out.json'}\necho 'pip-audit says hello' >&2\nexit {status}\n"
    )
    fake.chmod(0o755)
    return subprocess.run(
        ["sh", str(SCRIPT)],
        env={**os.environ, "PIP_AUDIT": str(fake), "PYTHON": sys.executable, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def deps(*entries: dict) -> str:
    return json.dumps({"dependencies": list(entries), "fixes": []})


CLEAN = {"name": "django", "version": "5.2.19", "vulns": []}
EDITABLE = {"name": "tapecut", "skip_reason": "distribution marked as editable"}
SKIPPED = {"name": "nh3", "skip_reason": "Dependency not found on PyPI and could not be audited"}
VULNERABLE = {
    "name": "jinja2",
    "version": "3.1.2",
    "vulns": [{"id": "GHSA-h5c8-rqwp-cp95", "fix_versions": ["3.1.3"], "description": "x"}],
}


def test_clean_packages_pass(tmp_path: Path) -> None:
    done = run(tmp_path, deps(CLEAN, EDITABLE))
    assert done.returncode == 0, done.stderr
    assert "1 packages audited, no known vulnerabilities" in done.stdout


def test_known_vulnerabilities_fail_and_are_named(tmp_path: Path) -> None:
    done = run(tmp_path, deps(CLEAN, VULNERABLE), status=1)
    assert done.returncode == 1
    assert "jinja2 3.1.2: GHSA-h5c8-rqwp-cp95 (fixed in: 3.1.3)" in done.stdout


@pytest.mark.parametrize(
    ("stdout", "status"),
    [
        ("", 1),  # pip-audit could not reach the service: a traceback, no report
        (deps(SKIPPED, EDITABLE), 0),  # it "found nothing" because it checked nothing
    ],
)
def test_nothing_checked_is_said_loudly_and_fails_only_when_required(
    tmp_path: Path, stdout: str, status: int
) -> None:
    done = run(tmp_path, stdout, status)
    assert done.returncode == 0
    assert "NOT AUDITED" in done.stderr and "AUDIT_REQUIRED=1" in done.stderr
    required = run(tmp_path, stdout, status, AUDIT_REQUIRED="1")
    assert required.returncode == 2 and "NOT AUDITED" in required.stderr


def test_a_few_unaudited_packages_are_a_warning(tmp_path: Path) -> None:
    done = run(tmp_path, deps(CLEAN, SKIPPED))
    assert done.returncode == 0
    assert "could not be audited: nh3" in done.stderr
