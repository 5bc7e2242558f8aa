"""A pytest plugin loaded with ``-p`` (see pyproject.toml), before pytest-django reads settings.

It gives every test run a throwaway var dir (test database, message store), unless the caller
set ``TAPECUT_VAR_DIR`` already (``make test`` does, and removes it afterwards).
"""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("TAPECUT_VAR_DIR", tempfile.mkdtemp(prefix="tapecut-test-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tapecut.settings")
# Tests run on the deterministic fake AI backends (like Django's locmem mail outbox); the real
# local model has its own tests in tapecut/ai.
os.environ.setdefault("TAPECUT_AI_EMBEDDER", "tapecut.ai.backends.fake.FakeEmbedder")
os.environ.setdefault("TAPECUT_AI_CHAT", "tapecut.ai.backends.fake.FakeChat")
# Tests run with DEBUG off, where Tapecut refuses public keys (tapecut.E001, E013, E014): fixed
# keys for the tests only, shared with the processes that tests start.
os.environ.setdefault("SECRET_KEY", "tapecut-tests-only-secret-key-0123456789")
os.environ.setdefault("TAPECUT_IDENTITY_KEYS", "dGFwZWN1dC10ZXN0cy1vbmx5LWZlcm5ldC1rZXktMDE=")
os.environ.setdefault("TAPECUT_IDENTITY_HMAC_KEY", "tapecut-tests-only-hmac-key")
# The tests' receiving mail server; mail from tapecut.custody.testing carries its verdict.
os.environ.setdefault("TAPECUT_AUTHSERV_IDS", "mx.corp.example")
