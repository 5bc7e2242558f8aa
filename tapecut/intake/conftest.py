"""The real mail in ``../shared/data/email`` for the tests that read it.

The suite passes without that folder (a plain clone has none); CI has it beside the checkout and
runs these tests. Where it is absent they are skipped with the path they looked for, and with
``TAPECUT_REQUIRE_SHARED=1`` they fail instead, so that a run meant to read it cannot pass
without it.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED_EMAIL = Path(__file__).resolve().parents[3] / "shared" / "data" / "email"


@pytest.fixture
def shared_email() -> Path:
    if not SHARED_EMAIL.is_dir():
        message = f"shared e-mail corpus not found at {SHARED_EMAIL}"
        if os.environ.get("TAPECUT_REQUIRE_SHARED") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return SHARED_EMAIL
