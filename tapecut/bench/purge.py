"""``tapecut bench purge --reports N``: how long retention takes and holds the database.

On a throwaway SQLite database, N mails (half named, half pseudonymous, each with a small
attachment) go through intake and the parser; they are dated two years back, and every other
report is answered by a change done a year ago. Then ``tapecut purge --dry-run`` and
``tapecut purge`` run, timed: ``plan_seconds``, ``purge_seconds``, and ``longest_batch_ms``, the
longest single transaction (intake waits at most that long for SQLite's one writer). The
insights funnel is compared before and after (``counts_unchanged``).
"""

from __future__ import annotations

import time
from datetime import timedelta
from email.message import EmailMessage
from typing import Any

from django.core.management.base import CommandError, CommandParser
from django.utils import timezone

HELP = "Retention over N expired reports on a throwaway database: plan and purge times."


def add_arguments(parser: CommandParser) -> None:
    parser.add_argument("--reports", type=int, default=2000, help="expired reports to store")
    parser.add_argument("--json", action="store_true", help="print only the JSON line")


def _mail(n: int) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Person {n} <person{n % 500}@corp.example>"
    msg["To"] = "bureaucracy@corp.example"
    msg["Subject"] = f"Form {n} needs three signatures"
    msg["Message-ID"] = f"<bench-purge-{n}@corp.example>"
    msg.set_content(f"Report {n}: every request needs three signatures and a stamp.\n")
    msg.add_attachment(b"%PDF-1.4 scan " * 50, "application", "pdf", filename=f"scan{n}.pdf")
    return msg.as_bytes()


def fill(count: int) -> None:
    from tapecut.core import jobs
    from tapecut.intake.models import InboundMessage, Report
    from tapecut.intake.storing import do_store_inbound
    from tapecut.triage.actions import do_link_change
    from tapecut.triage.models import Change

    for n in range(count):
        mode = "named" if n % 2 else "pseudonymous"
        do_store_inbound(_mail(n), channel="smtp", mode=mode, envelope_to=["b@corp.example"])
    jobs.run_pending(kinds=["intake.parse"])
    then = timezone.now() - timedelta(days=730)
    Report.objects.update(received_at=then)
    InboundMessage.objects.update(received_at=then)
    done = Change.objects.create(title="One signature", status=Change.Status.DONE)
    Change.objects.filter(pk=done.pk).update(done_at=timezone.now() - timedelta(days=365))
    do_link_change(done, actor=None, reports=list(Report.objects.order_by("id"))[::2])


def run(options: dict[str, Any], out: Any) -> dict[str, Any]:
    from tapecut.devtools.throwaway import throwaway_database
    from tapecut.insights import metrics
    from tapecut.insights.selection import parse_filters, select
    from tapecut.privacy import actions

    if options["reports"] < 1:
        raise CommandError("--reports must be at least 1")
    batches: list[float] = []
    real_batch = actions._purge_batch

    def timed_batch(*args: Any) -> dict[str, int]:
        start = time.perf_counter()
        try:
            return real_batch(*args)
        finally:
            batches.append(time.perf_counter() - start)

    with throwaway_database():
        started = time.perf_counter()
        fill(options["reports"])
        fill_seconds = time.perf_counter() - started
        before = metrics.funnel(select(parse_filters({})))
        started = time.perf_counter()
        plan = actions.plan_purge()
        plan_seconds = time.perf_counter() - started
        actions._purge_batch = timed_batch  # type: ignore[assignment]
        try:
            started = time.perf_counter()
            result = actions.do_purge()
            purge_seconds = time.perf_counter() - started
        finally:
            actions._purge_batch = real_batch  # type: ignore[assignment]
        after = metrics.funnel(select(parse_filters({})))
    if not options["json"]:
        out.write(f"stored and parsed {options['reports']} mails in {fill_seconds:.1f} s\n")
    return {
        "reports": options["reports"],
        "expired": len(plan.expired),
        "plan_seconds": round(plan_seconds, 2),
        "purge_seconds": round(purge_seconds, 2),
        "per_report_ms": round(purge_seconds * 1000 / max(1, len(plan.expired)), 1),
        "batch_size": actions.BATCH,
        "longest_batch_ms": round(max(batches, default=0) * 1000),
        "counts": result.counts,
        "counts_unchanged": before == after,
    }
