"""Keys of a demo installation, generated into its var dir so that ``make run`` needs no setup.

Outside ``DEBUG`` Tapecut refuses to start with a public key (checks tapecut.E001, E013, E014):
``SECRET_KEY`` signs follow links and sessions, the identity keys protect reporters. A demo
must still start with one command, so ``tapecut demo`` writes random keys to
``<var dir>/demo-keys.json`` (mode 0600, in a 0700 folder) before Django starts, and the
settings read them when the environment sets none. A production installation sets its own keys
(``*_FILE`` from a secret store); ``tapecut check --deploy`` warns (tapecut.W012) when keys come
from this file, which lies beside the database it protects. No Django here: the settings and
the console script read it before Django is set up.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
from pathlib import Path

FILE_NAME = "demo-keys.json"
NAMES = ("SECRET_KEY", "TAPECUT_IDENTITY_KEYS", "TAPECUT_IDENTITY_HMAC_KEY")


def default_var_dir() -> Path:
    """The var dir as the settings compute it (``TAPECUT_VAR_DIR`` or ``var/`` beside the code)."""
    configured = os.environ.get("TAPECUT_VAR_DIR") or str(
        Path(__file__).resolve().parent.parent / "var"
    )
    return Path(configured).resolve()


def read(var_dir: Path) -> dict[str, str]:
    path = var_dir / FILE_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    return {k: str(v) for k, v in data.items() if k in NAMES and v}


def ensure(var_dir: Path) -> Path:
    """Write fresh random keys unless the file exists; return its path."""
    var_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    path = var_dir / FILE_NAME
    if path.exists():
        return path
    keys = {
        "SECRET_KEY": secrets.token_urlsafe(50),
        # A Fernet key: 32 random bytes, URL-safe base64.
        "TAPECUT_IDENTITY_KEYS": base64.urlsafe_b64encode(secrets.token_bytes(32)).decode(),
        "TAPECUT_IDENTITY_HMAC_KEY": secrets.token_hex(32),
    }
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path  # another process wrote it a moment ago
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        json.dump(keys, out)
    return path
