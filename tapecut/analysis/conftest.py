"""Analysis tests run on the deterministic fake embedder, with no chat model unless asked."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

FAKE_EMBEDDER = "tapecut.ai.backends.fake.FakeEmbedder"


@pytest.fixture(autouse=True)
def fake_ai(settings: Any) -> Iterator[None]:
    settings.TAPECUT_AI_EMBEDDER = FAKE_EMBEDDER
    settings.TAPECUT_AI_CHAT = "tapecut.ai.base.NullChat"
    _forget()
    yield
    _forget()


def _forget() -> None:
    # Imported here: the app registry is not ready when pytest loads this file.
    from tapecut.ai import registry
    from tapecut.analysis import ann, stages_config, themes
    from tapecut.analysis.stages import embedding

    registry.reset()
    stages_config.reset()
    ann.reset()
    themes.reset_cache()
    embedding._baselines.clear()
