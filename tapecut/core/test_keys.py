"""No public keys outside DEBUG; the demo still starts with one command, with private files.

``tapecut check`` in a fresh process without keys must fail with stable ids; ``tapecut demo``
in the same environment generates its own keys into the var dir and starts; everything it
wrote there is readable by its own user alone.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tapecut import keyfile
from tapecut.core.checks import check_secret_key

KEY_NAMES = ("SECRET_KEY", "TAPECUT_IDENTITY_KEYS", "TAPECUT_IDENTITY_HMAC_KEY")


def _env(var_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in KEY_NAMES and not k.endswith("_FILE")}
    env.pop("DATABASE_URL", None)
    env.pop("TAPECUT_ALLOW_DEV_KEY", None)
    env.update(TAPECUT_VAR_DIR=str(var_dir), DEBUG="false")
    return env


def _tapecut(var_dir: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tapecut", *args],
        env=_env(var_dir),
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def test_the_development_secret_key_is_refused_outside_debug(settings, monkeypatch):
    monkeypatch.setattr("sys.argv", ["tapecut", "smtpd"])
    settings.SECRET_KEY = "tapecut-development-key-not-for-production"
    settings.DEBUG = False
    assert [e.id for e in check_secret_key(None)] == ["tapecut.E001"]
    settings.DEBUG = True
    assert check_secret_key(None) == []
    settings.DEBUG = False
    monkeypatch.setattr("sys.argv", ["tapecut", "makemigrations"])  # builds need no secrets
    assert check_secret_key(None) == []


@pytest.mark.slow
def test_without_keys_tapecut_refuses_to_start_and_the_demo_makes_its_own(tmp_path):
    refused = _tapecut(tmp_path, "check")
    assert refused.returncode != 0
    for check_id in ("tapecut.E001", "tapecut.E013", "tapecut.E014"):
        assert check_id in refused.stderr, refused.stderr

    demo = _tapecut(tmp_path, "demo", "--no-serve", "--no-analysis")
    assert demo.returncode == 0, demo.stderr[-3000:]
    keys = json.loads((tmp_path / keyfile.FILE_NAME).read_text())
    assert set(keys) == set(KEY_NAMES)
    assert _tapecut(tmp_path, "check").returncode == 0

    loose = []
    for path in [tmp_path, *tmp_path.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        if mode & 0o077:
            loose.append(f"{path.relative_to(tmp_path)}: {oct(mode)}")
    assert loose == []


def test_the_web_entry_point_refuses_public_keys(settings, monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    from tapecut.core.checks import refuse_public_keys

    monkeypatch.setattr("sys.argv", ["/usr/bin/gunicorn", "tapecut.wsgi"])
    refuse_public_keys()  # the test settings have real keys
    settings.TAPECUT_IDENTITY_KEYS = ""
    with pytest.raises(ImproperlyConfigured, match=r"tapecut\.E013"):
        refuse_public_keys()
