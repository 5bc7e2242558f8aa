"""Content-addressed file store for raw messages and attachments.

A blob lives at ``STORE/ab/cd/<sha256>``. It is written to a temporary file in the same folder,
flushed to disk and then renamed, so a crash or a full disk never leaves a half-written blob
under its final name.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from pathlib import Path

from django.conf import settings


class StoreFull(OSError):
    """The store could not take the bytes (disk full, quota)."""


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def blob_path(digest: str, root: Path | None = None) -> Path:
    root = Path(root or settings.TAPECUT_STORE_DIR)
    return root / digest[:2] / digest[2:4] / digest


def put_blob(data: bytes, digest: str | None = None, root: Path | None = None) -> str:
    """Store ``data`` once; return its SHA-256. Existing blobs are left as they are."""
    digest = digest or sha256_hex(data)
    path = blob_path(digest, root)
    if path.exists() and path.stat().st_size == len(data):
        return digest
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        if exc.errno in (28, 122):  # ENOSPC, EDQUOT
            raise StoreFull(exc.errno, "message store is full") from exc
        raise
    return digest


def get_blob(digest: str, root: Path | None = None) -> bytes:
    return blob_path(digest, root).read_bytes()
