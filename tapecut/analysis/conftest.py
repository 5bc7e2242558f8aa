"""Analysis tests run on the deterministic fake embedder, with no chat model unless asked."""

from tapecut.analysis.testing import FAKE_EMBEDDER, fake_ai  # noqa: F401 - the fixture
