"""Which AI backends run: chosen by dotted path in settings, imported lazily, cached.

``get_embedder()`` and ``get_chat()`` are what the analysis stages call. A backend class that
costs money says so with ``billable = True``; once the month's spending reaches
``TAPECUT_AI_MONTHLY_BUDGET_USD`` such a backend is replaced by the local fallback (embeddings)
or by ``NullChat`` (labels), until the month turns.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from typing import TYPE_CHECKING, Any, cast

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.utils.module_loading import import_string

from tapecut.ai.base import ChatModel, Embedder, NullChat

if TYPE_CHECKING:
    from tapecut.ledger.budget import BudgetStatus

log = logging.getLogger(__name__)

# The budget is a database sum; a few seconds' delay in noticing it is spent is fine.
BUDGET_RECHECK_SECONDS = 30.0

_lock = threading.Lock()
_instances: dict[str, Any] = {}
_budget_checked: tuple[float, bool] | None = None
_budget_noted: set[str] = set()


def import_backend(path: str) -> type:
    """The class at ``path``, or ImproperlyConfigured saying why it cannot be imported."""
    try:
        return cast(type, import_string(path))
    except ImproperlyConfigured:
        raise
    except ImportError as exc:
        raise ImproperlyConfigured(f"Cannot import the AI backend {path!r}: {exc}") from exc


def load_backend(path: str) -> Any:
    """One shared instance per dotted path (models are loaded once per process)."""
    with _lock:
        if path not in _instances:
            _instances[path] = import_backend(path)()
        return _instances[path]


def is_billable(path: str) -> bool:
    return bool(getattr(import_backend(path), "billable", False))


def get_embedder() -> Embedder:
    path = settings.TAPECUT_AI_EMBEDDER
    if is_billable(path) and _budget_reached():
        path = settings.TAPECUT_AI_FALLBACK_EMBEDDER
    return cast(Embedder, load_backend(path))


def get_chat() -> ChatModel:
    path = settings.TAPECUT_AI_CHAT
    if is_billable(path) and _budget_reached():
        return NullChat()
    return cast(ChatModel, load_backend(path))


def budget_status() -> BudgetStatus:
    """The month's spending, and whether cheaper backends stand in (for the dashboard)."""
    from tapecut.ledger.budget import budget_status as ledger_status

    status = ledger_status()
    paid = [p for p in (settings.TAPECUT_AI_EMBEDDER, settings.TAPECUT_AI_CHAT) if is_billable(p)]
    if not (status.reached and paid):
        return status
    note = (
        f"The AI budget of ${status.limit_usd} for {status.month} is spent "
        f"(${status.spent_usd}): embeddings use {settings.TAPECUT_AI_FALLBACK_EMBEDDER}, "
        "labels fall back to keywords until the month ends."
    )
    return dataclasses.replace(status, fallback_active=True, note=note)


def _budget_reached() -> bool:
    global _budget_checked
    now = time.monotonic()
    if _budget_checked and now - _budget_checked[0] < BUDGET_RECHECK_SECONDS:
        return _budget_checked[1]
    from tapecut.ledger.budget import budget_status as ledger_status

    status = ledger_status()
    _budget_checked = (now, status.reached)
    if status.reached and status.month not in _budget_noted:
        _note_reached(status)
    return status.reached


def _note_reached(status: BudgetStatus) -> None:
    from tapecut.ledger.actions import do_note_budget_reached

    _budget_noted.add(status.month)
    log.warning(
        "AI budget for %s reached ($%s of $%s): paid backends are off until the month ends",
        status.month,
        status.spent_usd,
        status.limit_usd,
    )
    do_note_budget_reached(status.month, spent_usd=status.spent_usd, limit_usd=status.limit_usd)


def reset() -> None:
    """Forget loaded backends and the cached budget state (settings changed, tests)."""
    global _budget_checked
    with _lock:
        _instances.clear()
    _budget_checked = None
    _budget_noted.clear()


def _on_setting_changed(*, setting: str, **kwargs: Any) -> None:
    if setting.startswith(("TAPECUT_AI_", "TAPECUT_OPENAI_", "TAPECUT_BEDROCK_")) or setting in {
        "TAPECUT_SENTENCE_TRANSFORMERS_MODEL"
    }:
        reset()
        from tapecut.ai import prices

        prices._table.cache_clear()


def connect_signals() -> None:
    setting_changed.connect(_on_setting_changed, dispatch_uid="tapecut.ai.registry")
