"""Test-wide settings: a throwaway var dir and the in-memory mail outbox."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("TAPECUT_VAR_DIR", tempfile.mkdtemp(prefix="tapecut-test-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tapecut.settings")
