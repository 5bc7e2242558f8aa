from __future__ import annotations

import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from tapecut.ai import checks, registry
from tapecut.ai.backends.fake import FakeChat, FakeEmbedder
from tapecut.ai.base import CallContext, NullChat

FAKE_EMBEDDER = "tapecut.ai.backends.fake.FakeEmbedder"
FAKE_CHAT = "tapecut.ai.backends.fake.FakeChat"


def check_ids() -> list[str]:
    return [str(m.id) for m in checks.check_ai_backends(None) + checks.check_ai_budget(None)]


@override_settings(TAPECUT_AI_EMBEDDER=FAKE_EMBEDDER, TAPECUT_AI_CHAT=FAKE_CHAT)
def test_backends_come_from_settings_once_per_process():
    embedder = registry.get_embedder()
    assert isinstance(embedder, FakeEmbedder)
    assert registry.get_embedder() is embedder
    assert isinstance(registry.get_chat(), FakeChat)


def test_changing_the_setting_swaps_the_backend():
    with override_settings(TAPECUT_AI_CHAT=FAKE_CHAT):
        assert isinstance(registry.get_chat(), FakeChat)
    with override_settings(TAPECUT_AI_CHAT="tapecut.ai.base.NullChat"):
        assert isinstance(registry.get_chat(), NullChat)


def test_an_unimportable_path_is_a_configuration_error():
    with pytest.raises(ImproperlyConfigured, match=r"tapecut\.ai\.backends\.nowhere"):
        registry.import_backend("tapecut.ai.backends.nowhere.Embedder")
    with pytest.raises(ImproperlyConfigured, match="NoSuchClass"):
        registry.import_backend("tapecut.ai.backends.fake.NoSuchClass")


def test_a_missing_optional_package_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "openai", None)  # what a missing package looks like
    monkeypatch.delitem(sys.modules, "tapecut.ai.backends.openai_compat", raising=False)
    with pytest.raises(ImproperlyConfigured) as info:
        registry.import_backend("tapecut.ai.backends.openai_compat.OpenAIChat")
    assert "pip install 'tapecut[openai]'" in str(info.value)
    assert "\n" not in str(info.value)


def test_checks_pass_for_the_defaults_and_the_fakes():
    with override_settings(TAPECUT_AI_EMBEDDER=FAKE_EMBEDDER, TAPECUT_AI_CHAT=FAKE_CHAT):
        assert check_ids() == []
    assert check_ids() == []


@override_settings(
    TAPECUT_AI_EMBEDDER="tapecut.ai.backends.gone.Embedder",
    TAPECUT_AI_CHAT="tapecut.ai.backends.fake.FakeEmbedder",  # no complete()
    TAPECUT_AI_FALLBACK_EMBEDDER="tapecut.ai.backends.openai_compat.OpenAIEmbedder",
    TAPECUT_AI_PRICES="{not json",
    TAPECUT_AI_MONTHLY_BUDGET_USD=-1.0,
    TAPECUT_OPENAI_API_KEY="",
    TAPECUT_OPENAI_BASE_URL="",
)
def test_checks_name_each_misconfiguration():
    ids = check_ids()
    for expected in ["tapecut.E020", "tapecut.E021", "tapecut.E022", "tapecut.E023"]:
        assert expected in ids
    assert "tapecut.E024" in ids
    assert "tapecut.E025" in ids  # the OpenAI fallback has no key


@override_settings(
    TAPECUT_AI_CHAT="tapecut.ai.backends.openai_compat.OpenAIChat",
    TAPECUT_OPENAI_API_KEY="sk-test",
    TAPECUT_OPENAI_CHAT_MODEL="someone-elses-model",
)
def test_a_paid_model_without_a_price_is_warned_about():
    assert check_ids() == ["tapecut.W020"]


@pytest.mark.django_db
@override_settings(
    TAPECUT_AI_EMBEDDER="tapecut.ai.backends.openai_compat.OpenAIEmbedder",
    TAPECUT_AI_CHAT="tapecut.ai.backends.openai_compat.OpenAIChat",
    TAPECUT_AI_FALLBACK_EMBEDDER=FAKE_EMBEDDER,
    TAPECUT_OPENAI_API_KEY="sk-test",
    TAPECUT_AI_MONTHLY_BUDGET_USD=1.0,
)
def test_a_spent_budget_switches_to_the_local_backends():
    from decimal import Decimal

    from tapecut.core.models import AuditEvent
    from tapecut.ledger.actions import record_call

    assert registry.get_embedder().name == "openai:text-embedding-3-small"
    assert registry.budget_status().fallback_active is False
    record_call(backend="openai:gpt-4o-mini", model="gpt-4o-mini", cost_usd=Decimal("1.2"))
    registry.reset()  # the budget is re-read every 30 seconds; do not wait in a test

    assert isinstance(registry.get_embedder(), FakeEmbedder)
    assert isinstance(registry.get_chat(), NullChat)
    status = registry.budget_status()
    assert status.reached and status.fallback_active
    assert "spent" in status.note and status.spent_usd == Decimal("1.2")
    registry.get_chat()
    assert AuditEvent.objects.filter(verb="ai.budget_reached").count() == 1
    assert registry.get_chat().complete("s", "u", CallContext("theme_label")).text == ""


@pytest.mark.django_db
@override_settings(TAPECUT_AI_MONTHLY_BUDGET_USD=0.0)
def test_the_budget_never_stops_local_backends():
    with override_settings(TAPECUT_AI_EMBEDDER=FAKE_EMBEDDER, TAPECUT_AI_CHAT=FAKE_CHAT):
        assert isinstance(registry.get_embedder(), FakeEmbedder)
        assert isinstance(registry.get_chat(), FakeChat)
        assert registry.budget_status().fallback_active is False
