"""A change's words in the reader's language: its own text, or one written for that language.

The team writes a change in one language (its title, problem and decision) and may add a
version in another (ChangeText). Readers, and the news to reporters, get their language where it
exists and the change's own text otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction

from tapecut.core import audit
from tapecut.triage.models import Change, ChangeText


@dataclass(frozen=True)
class Words:
    title: str
    problem: str
    decision: str
    language: str  # the language written for, or "" for the change's own text


def localized(change: Change, language: str, known: dict[str, ChangeText] | None = None) -> Words:
    """``known``: the change's texts by language, when the caller already has them."""
    lang = (language or "")[:2]
    text = (known or {}).get(lang) if known is not None else _text(change, lang)
    if text is None:
        return Words(change.title, change.problem, change.decision, "")
    return Words(
        text.title or change.title,
        text.problem or change.problem,
        text.decision or change.decision,
        lang,
    )


def _text(change: Change, lang: str) -> ChangeText | None:
    return ChangeText.objects.filter(change=change, language=lang).first() if lang else None


def texts_by_change(change_ids: list[int]) -> dict[int, dict[str, ChangeText]]:
    found: dict[int, dict[str, ChangeText]] = {}
    for text in ChangeText.objects.filter(change_id__in=change_ids):
        found.setdefault(text.change_id, {})[text.language] = text
    return found


def do_set_text(change: Change, language: str, *, actor: Any, **fields: str) -> ChangeText | None:
    """Write (or with all fields empty, remove) the change's text in one language."""
    values = {k: str(fields.get(k, "")).strip() for k in ("title", "problem", "decision")}
    with transaction.atomic():
        if not any(values.values()):
            ChangeText.objects.filter(change=change, language=language).delete()
            text = None
        else:
            values["title"] = values["title"][:200]
            text, _new = ChangeText.objects.update_or_create(
                change=change, language=language, defaults=values
            )
        audit.record("change.text", change, actor=actor, language=language)
    return text
