from decimal import Decimal

import pytest
from django.test import override_settings

from tapecut.ai import prices


def test_defaults_know_common_models_and_charge_unknown_ones_high():
    table = prices.parse_prices("")
    assert table["gpt-4o-mini"] == prices.Price(Decimal("0.15"), Decimal("0.60"))
    assert table["*"].usd_in > table["gpt-4o"].usd_in


@override_settings(
    TAPECUT_AI_PRICES='{"gpt-4o-mini": {"in": 1, "out": 2}, "mine": {"in": "0.5", "out": 0}}'
)
def test_the_setting_overrides_and_adds_entries():
    assert prices.cost_usd("gpt-4o-mini", 1_000_000, 500_000) == Decimal(2)
    assert prices.cost_usd("mine", 2_000_000, 10) == Decimal(1)
    assert prices.price_for("mine") == (prices.Price(Decimal("0.5"), Decimal(0)), True)


def test_bedrock_inference_profiles_find_the_base_model():
    price, known = prices.price_for("eu.anthropic.claude-3-haiku-20240307-v1:0")
    assert known and price.usd_in == Decimal("0.25")
    assert prices.price_for("somebody/unknown") == (prices.parse_prices("")["*"], False)


@pytest.mark.parametrize(
    "raw",
    [
        '{"m": 1}',
        "[1, 2]",
        '{"m": {"in": 1}}',
        '{"m": {"in": -1, "out": 0}}',
        '{"m": {"in": true, "out": 0}}',
        '{"m": {"in": "x", "out": 0}}',
        "{oops",
    ],
)
def test_a_bad_price_table_is_refused_with_a_reason(raw):
    with pytest.raises(prices.PriceTableError, match="TAPECUT_AI_PRICES"):
        prices.parse_prices(raw)
