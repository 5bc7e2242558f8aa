"""TAPECUT_UNITS: from a sender to an organisational unit."""

from __future__ import annotations

import json

import pytest
from django.core.checks import run_checks
from django.test import override_settings

from tapecut.core.models import AuditEvent
from tapecut.insights import actions
from tapecut.insights.units import UnitsError, parse_units, unit_for
from tapecut.intake.models import Mode, Report, Reporter
from tapecut.intake.signals import reports_created

MAPPING = {
    "anna@finance.corp.example": "Research",
    "finance.corp.example": "Finance",
    "corp.example": "Head office",
    "field:department=LAB": "Research",
}


@pytest.fixture(autouse=True)
def _fresh_mapping():
    actions._parsed.cache_clear()
    yield
    actions._parsed.cache_clear()


def test_the_most_specific_key_wins() -> None:
    units = parse_units(json.dumps(MAPPING))
    assert unit_for("Anna@Finance.Corp.Example", units) == "Research"
    assert unit_for("bob@finance.corp.example", units) == "Finance"
    assert unit_for("cem@eu.finance.corp.example", units) == "Finance"
    assert unit_for("dana@corp.example", units) == "Head office"
    assert unit_for("eve@elsewhere.example", units) == ""
    assert unit_for("", units, {"Department": "lab"}) == "Research"
    assert unit_for("eve@elsewhere.example", units, {"department": "other"}) == ""
    assert unit_for("x@y.example", parse_units("")) == ""


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
        ('{"corp.example": 3}', "must be a non-empty string"),
        ('{"corp.example": " "}', "must be a non-empty string"),
        ('{"localhost": "IT"}', "neither an address, a domain"),
        ('{"field:=x": "IT"}', "field:NAME=VALUE"),
        ('{"field:dept": "IT"}', "field:NAME=VALUE"),
        ('{"corp.example": "' + "x" * 101 + '"}', "longer than 100"),
    ],
)
def test_a_malformed_mapping_is_refused_with_a_reason(raw: str, message: str) -> None:
    with pytest.raises(UnitsError, match=message):
        parse_units(raw)


def test_the_start_up_check_names_the_setting() -> None:
    with override_settings(TAPECUT_UNITS="{oops"):
        errors = [m for m in run_checks() if m.id == "tapecut.E040"]
    assert len(errors) == 1 and "TAPECUT_UNITS" in errors[0].msg
    with override_settings(TAPECUT_UNITS=json.dumps(MAPPING)):
        assert not [m for m in run_checks() if m.id == "tapecut.E040"]


@pytest.mark.django_db
def test_named_reporters_get_their_unit_and_others_keep_theirs() -> None:
    bob = Reporter.objects.create(address="bob@finance.corp.example", mode=Mode.NAMED)
    set_by_hand = Reporter.objects.create(
        address="dana@corp.example", mode=Mode.NAMED, unit="Board"
    )
    hidden = Reporter.objects.create(address_hmac="ab" * 32, mode=Mode.ANONYMOUS)
    stranger = Reporter.objects.create(address="x@elsewhere.example", mode=Mode.NAMED)
    with override_settings(TAPECUT_UNITS=json.dumps(MAPPING)):
        assert actions.do_assign_units() == 1
        assert actions.do_assign_units() == 0  # nothing left to do
    units = dict(Reporter.objects.values_list("pk", "unit"))
    assert units == {bob.pk: "Finance", set_by_hand.pk: "Board", hidden.pk: "", stranger.pk: ""}
    event = AuditEvent.objects.get(verb="insights.units_assigned")
    assert event.detail == {"reporters": 1}


@pytest.mark.django_db
def test_new_reports_give_their_reporters_a_unit(django_assert_max_num_queries) -> None:
    bob = Reporter.objects.create(address="bob@finance.corp.example", mode=Mode.NAMED)
    eve = Reporter.objects.create(address="eve@corp.example", mode=Mode.NAMED)
    reports = [
        Report.objects.create(reporter=who, channel="smtp", received_at="2026-01-05T10:00Z")
        for who in (bob, eve, bob)
    ]
    # A few statements however many reports: the analysis jobs, the reporters, their units.
    with override_settings(TAPECUT_UNITS=json.dumps(MAPPING)), django_assert_max_num_queries(7):
        reports_created.send(sender=Report, reports=reports, trees={})
    assert dict(Reporter.objects.values_list("address", "unit")) == {
        "bob@finance.corp.example": "Finance",
        "eve@corp.example": "Head office",
    }


@pytest.mark.django_db
def test_without_a_mapping_nothing_is_written() -> None:
    Reporter.objects.create(address="bob@finance.corp.example", mode=Mode.NAMED)
    assert actions.do_assign_units() == 0
    assert not AuditEvent.objects.filter(verb="insights.units_assigned").exists()
