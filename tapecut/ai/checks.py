"""Start-up checks for the AI settings (tapecut.E020–E025, W020)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register
from django.core.exceptions import ImproperlyConfigured

from tapecut.ai import prices
from tapecut.ai.registry import import_backend

DOCS = "see docs/ai-backends.md"


@register()
def check_ai_backends(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    roles = [
        ("TAPECUT_AI_EMBEDDER", "embed", "tapecut.E020"),
        ("TAPECUT_AI_CHAT", "complete", "tapecut.E021"),
        ("TAPECUT_AI_FALLBACK_EMBEDDER", "embed", "tapecut.E023"),
    ]
    for name, method, check_id in roles:
        path = getattr(settings, name)
        try:
            cls = import_backend(path)
        except ImproperlyConfigured as exc:
            messages.append(Error(f"{name}: {exc}", hint=DOCS, id=check_id))
            continue
        if not callable(getattr(cls, method, None)):
            messages.append(
                Error(f"{name}: {path} has no {method}() method.", hint=DOCS, id=check_id)
            )
            continue
        messages.extend(_backend_messages(name, cls))
    return messages


def _backend_messages(name: str, cls: type) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    billable = bool(getattr(cls, "billable", False))
    if name == "TAPECUT_AI_FALLBACK_EMBEDDER" and billable:
        messages.append(
            Error(
                f"{name} must be a local embedder; {cls.__name__} costs money.",
                hint=DOCS,
                id="tapecut.E023",
            )
        )
    check = getattr(cls, "check_settings", None)
    if callable(check):
        messages.extend(check())
    model_name = getattr(cls, "model_name", None)
    if billable and callable(model_name):
        model = model_name()
        if not _price_known(model):
            messages.append(
                Warning(
                    f"{name}: no price known for model {model!r}; the '*' price is charged.",
                    hint=f"Add it to TAPECUT_AI_PRICES; {DOCS}",
                    id="tapecut.W020",
                )
            )
    return messages


@register()
def check_ai_budget(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    messages: list[CheckMessage] = []
    try:
        prices.parse_prices(settings.TAPECUT_AI_PRICES)
    except prices.PriceTableError as exc:
        messages.append(Error(str(exc), hint=DOCS, id="tapecut.E022"))
    if settings.TAPECUT_AI_MONTHLY_BUDGET_USD < 0:
        messages.append(
            Error("TAPECUT_AI_MONTHLY_BUDGET_USD must be ≥ 0.", hint=DOCS, id="tapecut.E024")
        )
    return messages


def _price_known(model: str) -> bool:
    try:
        return prices.price_for(model)[1]
    except prices.PriceTableError:
        return True  # tapecut.E022 reports the broken table itself
