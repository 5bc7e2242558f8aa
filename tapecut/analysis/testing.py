"""What analysis tests share: the deterministic fake embedder, and no process-wide caches
carried from one test to the next."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

FAKE_EMBEDDER = "tapecut.ai.backends.fake.FakeEmbedder"


def forget_caches() -> None:
    """Drop the backends, stage settings, vector index and theme caches this process holds."""
    # Imported here: the app registry is not ready when pytest loads a conftest.
    from tapecut.ai import registry
    from tapecut.analysis import ann, stages_config, themes
    from tapecut.analysis.stages import embedding

    registry.reset()
    stages_config.reset()
    ann.reset()
    themes.reset_cache()
    embedding._baselines.clear()


@pytest.fixture(autouse=True)
def fake_ai(settings: Any) -> Iterator[None]:
    """The fake embedder and no chat model, with fresh caches before and after the test."""
    settings.TAPECUT_AI_EMBEDDER = FAKE_EMBEDDER
    settings.TAPECUT_AI_CHAT = "tapecut.ai.base.NullChat"
    forget_caches()
    yield
    forget_caches()
