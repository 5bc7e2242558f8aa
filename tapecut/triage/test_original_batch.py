"""A batch of new reports gets its display copies and analysis jobs in a few statements, and the
copy made from the parser's tree is the one made from the bytes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tapecut.core.models import Job
from tapecut.intake.models import InboundMessage, Mode, Report
from tapecut.intake.parsing import parse_message_tree
from tapecut.intake.signals import reports_created
from tapecut.intake.storing import do_store_inbound, raw_bytes
from tapecut.triage.models import OriginalCopy
from tapecut.triage.original import prepare

pytestmark = pytest.mark.django_db

INTAKE = Path(__file__).parents[1] / "intake" / "fixtures" / "eml"
HOSTILE = Path(__file__).parent / "fixtures" / "hostile"
ANALYSE_JOB = "analysis.report"


def mail(n: int) -> bytes:
    return (
        f"From: Person {n} <p{n}@example.org>\r\nTo: mailbox@example.org\r\n"
        f"Subject: Form {n} asks twice\r\nMessage-ID: <b{n}@example.org>\r\n\r\n"
        f"Form {n} wants the same number twice.\r\n"
    ).encode()


def new_reports(count: int, mode: str = Mode.NAMED) -> list[Report]:
    reports = []
    for n in range(count):
        msg, _new = do_store_inbound(mail(n), channel="import", mode=mode, enqueue=False)
        reports.append(
            Report.objects.create(inbound=msg, subject=f"Form {n}", received_at=msg.received_at)
        )
    return reports


def trees(reports: list[Report]) -> dict[int, Any]:
    return {r.pk: parse_message_tree(raw_bytes(r.inbound))[1] for r in reports if r.inbound}


@pytest.mark.parametrize("count", [3, 40])
def test_a_batch_gets_copies_and_jobs_in_a_few_statements(
    count: int, django_assert_max_num_queries: Any
) -> None:
    reports = new_reports(count)
    parsed = trees(reports)
    with django_assert_max_num_queries(6):  # a copy and a job per report would be 2 × count
        reports_created.send(Report, reports=reports, trees=parsed)
    copies = OriginalCopy.objects.filter(inbound__report__in=reports)
    assert copies.count() == count
    keys = {str(key) for key in Job.objects.filter(kind=ANALYSE_JOB).values_list("key", flat=True)}
    assert keys == {f"analyse:{r.pk}" for r in reports}
    first = copies.get(inbound=reports[0].inbound)
    assert ["Subject", "Form 0 asks twice"] in first.headers
    assert "Form 0 wants the same number twice." in first.text


def test_a_batch_again_keeps_one_copy_and_one_pending_job_per_report() -> None:
    reports = new_reports(5)
    reports_created.send(Report, reports=reports, trees=trees(reports))
    reports_created.send(Report, reports=reports, trees={})
    assert OriginalCopy.objects.count() == 5
    assert Job.objects.filter(kind=ANALYSE_JOB).count() == 5


def test_protected_reports_get_the_sanitised_copy_not_the_parsed_bytes() -> None:
    reports = new_reports(2, mode=Mode.ANONYMOUS)
    reports_created.send(Report, reports=reports, trees=trees(reports))
    for copy in OriginalCopy.objects.all():
        shown = " ".join(value for _name, value in copy.headers) + copy.text
        assert "example.org" not in shown and "Person" not in shown


@pytest.mark.parametrize(
    "path", sorted(INTAKE.glob("*.eml")) + sorted(HOSTILE.glob("*.eml")), ids=lambda p: p.name
)
def test_the_copy_from_the_parsers_tree_is_the_copy_from_the_bytes(path: Path) -> None:
    msg: InboundMessage
    msg, _new = do_store_inbound(path.read_bytes(), channel="import", enqueue=False)
    tree = parse_message_tree(raw_bytes(msg))[1]
    assert prepare(msg, tree) == prepare(msg)
