"""What a model call costs: a price table in USD per million tokens, in and out.

The defaults are list prices at the time of writing; prices change, so an installation
overrides or adds entries with ``TAPECUT_AI_PRICES`` (JSON, ``{"model": {"in": 0.15,
"out": 0.6}}``). A paid model missing from the table is charged at the ``"*"`` entry, a
deliberately high price: an unknown model should use the budget up early, not never.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from django.conf import settings

MILLION = Decimal(1_000_000)
# Bedrock cross-region inference profiles put a geography before the model id.
_REGION_PREFIXES = ("us.", "eu.", "apac.", "us-gov.", "global.")


@dataclass(frozen=True)
class Price:
    usd_in: Decimal  # per million input tokens
    usd_out: Decimal  # per million output tokens


DEFAULT_PRICES: dict[str, tuple[str, str]] = {
    "*": ("5.00", "15.00"),
    # OpenAI
    "gpt-4o-mini": ("0.15", "0.60"),
    "gpt-4o": ("2.50", "10.00"),
    "gpt-4.1-nano": ("0.10", "0.40"),
    "gpt-4.1-mini": ("0.40", "1.60"),
    "gpt-4.1": ("2.00", "8.00"),
    "text-embedding-3-small": ("0.02", "0"),
    "text-embedding-3-large": ("0.13", "0"),
    # Amazon Bedrock
    "anthropic.claude-3-haiku-20240307-v1:0": ("0.25", "1.25"),
    "anthropic.claude-3-5-haiku-20241022-v1:0": ("0.80", "4.00"),
    "amazon.nova-micro-v1:0": ("0.035", "0.14"),
    "amazon.nova-lite-v1:0": ("0.06", "0.24"),
    "amazon.titan-embed-text-v2:0": ("0.02", "0"),
    "cohere.embed-multilingual-v3": ("0.10", "0"),
}


class PriceTableError(ValueError):
    """TAPECUT_AI_PRICES is not a JSON object of {"in": number, "out": number} entries."""


def parse_prices(raw: str) -> dict[str, Price]:
    """The defaults, overridden entry by entry by the JSON in ``raw``."""
    table = {name: Price(Decimal(i), Decimal(o)) for name, (i, o) in DEFAULT_PRICES.items()}
    if not raw.strip():
        return table
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise PriceTableError(f"TAPECUT_AI_PRICES is not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise PriceTableError("TAPECUT_AI_PRICES must be a JSON object keyed by model name")
    for name, entry in data.items():
        table[str(name)] = _parse_entry(str(name), entry)
    return table


def _parse_entry(name: str, entry: object) -> Price:
    if not isinstance(entry, dict) or not {"in", "out"} <= set(entry):
        raise PriceTableError(f'TAPECUT_AI_PRICES[{name!r}] needs "in" and "out" (USD per 1M)')
    values = []
    for key in ("in", "out"):
        value = entry[key]
        if isinstance(value, bool) or not isinstance(value, int | float | str):
            raise PriceTableError(f"TAPECUT_AI_PRICES[{name!r}][{key!r}] must be a number")
        try:
            number = Decimal(str(value))
        except ArithmeticError:
            raise PriceTableError(f"TAPECUT_AI_PRICES[{name!r}][{key!r}] is not a number") from None
        if not number.is_finite() or number < 0:
            raise PriceTableError(f"TAPECUT_AI_PRICES[{name!r}][{key!r}] must be ≥ 0")
        values.append(number)
    return Price(values[0], values[1])


@cache
def _table(raw: str) -> dict[str, Price]:
    return parse_prices(raw)


def prices() -> dict[str, Price]:
    return _table(settings.TAPECUT_AI_PRICES)


def price_for(model: str) -> tuple[Price, bool]:
    """The model's price and whether the table knows it (False: the "*" price applies)."""
    table = prices()
    for name in _candidates(model):
        if name in table:
            return table[name], True
    return table["*"], False


def cost_usd(model: str, tokens_in: int, tokens_out: int) -> Decimal:
    price, _known = price_for(model)
    return (price.usd_in * tokens_in + price.usd_out * tokens_out) / MILLION


def _candidates(model: str) -> list[str]:
    names = [model]
    for prefix in _REGION_PREFIXES:
        if model.startswith(prefix):
            names.append(model[len(prefix) :])
    return names
