"""Theme titles and summaries from a language model, written only from redacted reports.

A theme needs at least ``MIN_REPORTS`` reports before any model writes about it: from fewer, a
reader could guess who wrote them. Below that, and with no model configured (``NullChat``), a
theme has keyword labels only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from typing import Protocol

from tapecut.ai.base import CallContext, ChatModel, Label, NullChat

MIN_REPORTS = 5
SAMPLE = 12
SAMPLE_CHARS = 600
SYSTEM = (
    "You name recurring problems that employees report about red tape. You get several "
    "reports about one problem; personal data in them is already replaced by placeholders. "
    'Answer with JSON only: {"title": "...", "summary": "..."}. The title has at most eight '
    "words; the summary two sentences about the shared problem, never about a single person. "
    "Write in the language given."
)


class Labeler(Protocol):
    def label(
        self, texts: Sequence[str], language: str, keywords: Sequence[str], theme_id: int
    ) -> Label | None: ...


class NullLabeler:
    """Writes nothing: themes keep their keywords."""

    def label(
        self, texts: Sequence[str], language: str, keywords: Sequence[str], theme_id: int
    ) -> Label | None:
        return None


class ChatLabeler:
    """Asks the configured chat model; looked up at each call, since the registry swaps in
    ``NullChat`` once the month's AI budget is spent."""

    def __init__(self, chat: Callable[[], ChatModel]) -> None:
        self.chat = chat

    def label(
        self, texts: Sequence[str], language: str, keywords: Sequence[str], theme_id: int
    ) -> Label | None:
        chat = self.chat()
        if len(texts) < MIN_REPORTS or isinstance(chat, NullChat):
            return None
        lang = "German" if language == "de" else "English"
        reports = "\n\n".join(
            f"Report {i + 1}:\n{t[:SAMPLE_CHARS]}" for i, t in enumerate(texts[:SAMPLE])
        )
        user = f"Language: {lang}\nKeywords: {', '.join(keywords)}\n\n{reports}"
        result = chat.complete(SYSTEM, user, CallContext("theme_label", theme_id=theme_id))
        return parse_label(result.text, keywords)


def parse_label(text: str, keywords: Sequence[str]) -> Label | None:
    """The model's JSON answer; None when it gave none we can use."""
    match = re.search(r"\{.*\}", text or "", re.S)
    if not match:
        return None
    try:
        data = json.loads(match.group(0))
    except ValueError:
        return None
    title = str(data.get("title", "")).strip()[:200] if isinstance(data, dict) else ""
    if not title:
        return None
    return Label(
        title=title, summary=str(data.get("summary", "")).strip()[:2000], keywords=list(keywords)
    )
