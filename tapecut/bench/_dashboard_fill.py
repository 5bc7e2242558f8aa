"""A large, plausible organisation for ``tapecut bench dashboard`` and the dashboard screenshots.

Everything is written with ``bulk_create`` in a few transactions, straight into the tables (a
throwaway database: no audit trail, no jobs). Report texts are recombined from real sentences
(the Konstanz reports in ``shared/data`` where present, else the demo mailbox); theme titles,
units and changes are invented here, so that nothing from the real data shows on a dashboard.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from tapecut.analysis.models import Category, DuplicateLink, ReportAnalysis, Theme
from tapecut.intake.models import Channel, FollowUp, Mode, Report, Reporter
from tapecut.ledger.models import ModelCall
from tapecut.triage.models import Change, ChangeReport, FixFeedback, Notice
from tapecut.triage.personas import make_user

REAL_DATA = Path(__file__).resolve().parents[3] / "shared/data/reports/maengelmelder-konstanz.csv"
BATCH = 2000
YEARS = 2
UNITS = [
    "Finance",
    "Research",
    "HR",
    "IT",
    "Legal",
    "Procurement",
    "Facilities",
    "Sales",
    "Marketing",
    "Customer service",
    "Logistics",
    "Board office",
]
TITLES = [
    "Taxi receipts need three signatures",
    "Weekly status typed into three systems",
    "Sick notes still go by fax",
    "Laptops arrive weeks late",
    "Nine approvals for a USB cable",
    "Paper form for annual leave",
    "Compliance training every year, same content",
    "Password rotation in six systems",
    "Monthly KPI sheet nobody reads",
    "Three quotes for pipette tips",
    "Invoices paid late, fees charged",
    "Room booking form",
    "Travel tool forces the cheapest fare",
    "Business cards need the director",
    "Overtime approved in advance",
    "Timesheets in two systems",
    "Legal review takes weeks",
    "Residents' parking permit every year",
    "Same data for every permit",
    "Minutes approved at the next meeting",
]
CHANNELS = [
    (Channel.SMTP, 60),
    (Channel.FORM, 25),
    (Channel.IMAP, 8),
    (Channel.API, 5),
    (Channel.IMPORT, 2),
]
STATUS_MIX = [
    ("done", 35),
    ("declined", 15),
    ("in_progress", 20),
    ("approved", 15),
    ("proposed", 15),
]
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


@dataclass(frozen=True)
class Filled:
    reports: int
    themes: int
    changes: int
    source: str  # where the report texts came from
    leader: Any
    seconds: float


def demo_texts() -> list[str]:
    from tapecut.demo.corpus import load_templates

    return [t.body for t in load_templates()]


def source_texts(data: Path | None) -> tuple[list[str], str]:
    path = data or REAL_DATA
    if path.is_file():
        from tapecut.bench.analysis import read_texts

        return read_texts(path, "text"), path.name
    return demo_texts(), "demo mailbox (tapecut/demo/mail)"


def sentences(texts: list[str]) -> list[str]:
    found = [s.strip() for t in texts for s in _SENTENCE.split(t) if len(s.strip()) > 12]
    return list(dict.fromkeys(found))


def texts(pool: list[str], rng: random.Random) -> Iterator[str]:
    while True:
        yield " ".join(rng.sample(pool, k=min(len(pool), rng.randint(1, 3))))


def _batched(make: Callable[[int], Any], n: int, model: Any) -> list[Any]:
    out: list[Any] = []
    for start in range(0, n, BATCH):
        rows = [make(i) for i in range(start, min(n, start + BATCH))]
        out += model.objects.bulk_create(rows, batch_size=BATCH)
    return out


def _people(n_reporters: int, rng: random.Random) -> list[Reporter]:
    def make(i: int) -> Reporter:
        unit = rng.choice(UNITS) if rng.random() < 0.85 else ""
        return Reporter(address=f"person{i}@corp.example", mode=Mode.NAMED, unit=unit)

    return _batched(make, n_reporters, Reporter)


def _reports(n: int, now: datetime, rng: random.Random, pool: list[str]) -> list[Report]:
    reporters = _people(max(1, n // 4), rng)
    source = texts(pool, rng)
    channels = [c for c, _w in CHANNELS]
    weights = [w for _c, w in CHANNELS]
    span = YEARS * 365 * 86400

    def make(i: int) -> Report:
        text = next(source)
        return Report(
            reporter=rng.choice(reporters),
            channel=rng.choices(channels, weights)[0],
            subject=text[:60],
            text=text,
            status=Report.Status.OPEN,
            received_at=now - timedelta(seconds=span * rng.random() ** 1.3),
        )

    return _batched(make, n, Report)


def _themes(n: int, rng: random.Random) -> list[Theme]:
    def make(i: int) -> Theme:
        return Theme(title=TITLES[i] if i < len(TITLES) else f"{rng.choice(TITLES)} ({i})")

    return _batched(make, max(1, n // 50), Theme)


def _analyses(reports: list[Report], themes: list[Theme], rng: random.Random) -> None:
    categories = list(Category.objects.all())
    # A few big themes and a long tail, as real re-clustering finds them.
    weights = [1 / (i + 1) for i in range(len(themes))]

    def make(i: int) -> ReportAnalysis:
        return ReportAnalysis(
            report=reports[i],
            state=ReportAnalysis.State.DONE,
            category=rng.choice(categories) if categories and rng.random() < 0.85 else None,
            theme=rng.choices(themes, weights)[0] if rng.random() < 0.7 else None,
            hours_per_year=round(rng.uniform(0.5, 80), 1) if rng.random() < 0.6 else None,
            analysed_at=reports[i].received_at + timedelta(seconds=rng.uniform(1, 90)),
        )

    _batched(make, len(reports), ReportAnalysis)


def _merges(reports: list[Report], rng: random.Random) -> None:
    ordered = sorted(reports, key=lambda r: r.received_at)
    picks = rng.sample(range(1, len(ordered)), k=len(ordered) // 12) if len(ordered) > 1 else []

    def make(i: int) -> DuplicateLink:
        j = picks[i]
        return DuplicateLink(
            report=ordered[j],
            original=ordered[rng.randrange(j)],
            kind=DuplicateLink.Kind.LEXICAL,
            score=0.95,
            state=DuplicateLink.State.MERGED,
        )

    _batched(make, len(picks), DuplicateLink)


def _followups(reports: list[Report], rng: random.Random) -> None:
    answered = rng.sample(reports, k=len(reports) * 3 // 10)

    def make(i: int) -> FollowUp:
        report = answered[i]
        return FollowUp(
            report=report,
            author=FollowUp.Author.TEAM,
            text="Thank you, we are looking into it.",
            created_at=report.received_at + timedelta(hours=rng.expovariate(1 / 30)),
        )

    _batched(make, len(answered), FollowUp)


def _change(i: int, now: datetime, owners: list[Any], rng: random.Random) -> Change:
    status = rng.choices([s for s, _w in STATUS_MIX], [w for _s, w in STATUS_MIX])[0]
    created = now - timedelta(days=rng.uniform(5, YEARS * 365))
    decided = created + timedelta(days=rng.expovariate(1 / 12))
    stamps: dict[str, Any] = {}
    if status == "declined":
        stamps["declined_at"] = decided
    elif status != "proposed":
        stamps["approved_at"] = decided
    if status in {"in_progress", "done"}:
        stamps["started_at"] = decided + timedelta(days=rng.uniform(0, 10))
    if status == "done":
        stamps["done_at"] = stamps["started_at"] + timedelta(days=rng.expovariate(1 / 40))
    due = (created + timedelta(days=rng.uniform(20, 120))).date()
    return Change(
        title=f"{rng.choice(TITLES)}: fix {i}",
        status=status,
        owner=rng.choice(owners),
        due_date=due,
        created_at=created,
        **stamps,
    )


def _changes(
    n: int, themes: list[Theme], reports: list[Report], now: datetime, rng: random.Random
) -> list[Change]:
    owners = [make_user(f"owner{i}", "owner") for i in range(6)]
    made = [_change(i, now, owners, rng) for i in range(max(1, n // 200))]
    # created_at is set on insert (auto_now_add), so the invented one is written afterwards.
    created = [c.created_at for c in made]
    changes = Change.objects.bulk_create(made, batch_size=BATCH)
    for change, at in zip(changes, created, strict=True):
        change.created_at = at
    Change.objects.bulk_update(changes, ["created_at"], batch_size=500)
    theme_links = [
        Change.themes.through(change_id=c.pk, theme_id=t.pk)
        for c in changes
        for t in rng.sample(themes, k=min(len(themes), rng.randint(1, 2)))
    ]
    Change.themes.through.objects.bulk_create(theme_links, batch_size=BATCH)
    report_links = [
        ChangeReport(change_id=c.pk, report_id=r.pk)
        for c in changes
        for r in rng.sample(reports, k=min(len(reports), rng.randint(0, 4)))
    ]
    ChangeReport.objects.bulk_create(report_links, batch_size=BATCH)
    return changes


def _feedback(changes: list[Change], reports: list[Report], rng: random.Random) -> None:
    done = [c for c in changes if c.status == "done"]
    notices = [
        Notice(
            kind=Notice.Kind.OUTCOME,
            change=c,
            report=rng.choice(reports),
            channel=Notice.Channel.EMAIL,
            state=Notice.State.SENT,
        )
        for c in done
        for _i in range(rng.randint(0, 6))
    ]
    # Reports without a reporter on the notice: once per change and report (the constraint).
    unique = {(n.change_id, n.report_id): n for n in notices}
    created = Notice.objects.bulk_create(list(unique.values()), batch_size=BATCH)
    answers = [
        FixFeedback(notice=n, change=n.change, answer="yes" if rng.random() < 0.7 else "no")
        for n in created
    ]
    FixFeedback.objects.bulk_create(answers, batch_size=BATCH)


def _calls(n: int, now: datetime, rng: random.Random) -> None:
    backends = [
        ("local:e5", "embedding", 0.0),
        ("openai:gpt-4o-mini", "theme_label", 0.004),
        ("openai:gpt-4o-mini", "classification", 0.001),
    ]

    def make(i: int) -> ModelCall:
        backend, purpose, price = rng.choice(backends)
        return ModelCall(
            at=now - timedelta(days=YEARS * 365 * rng.random() ** 2),
            backend=backend,
            purpose=purpose,
            cost_usd=Decimal(str(round(price * rng.uniform(0.5, 2), 6))),
        )

    _batched(make, max(1, n // 10), ModelCall)


def fill(n: int, *, data: Path | None = None, seed: int = 7) -> Filled:
    """``n`` reports with analyses, themes, merges, follow-ups, changes, feedback and costs."""
    started = timezone.now()
    rng = random.Random(seed)
    pool, source = source_texts(data)
    pool = sentences(pool) or pool
    with transaction.atomic():
        reports = _reports(n, started, rng, pool)
        themes = _themes(n, rng)
        _analyses(reports, themes, rng)
        _merges(reports, rng)
        _followups(reports, rng)
        changes = _changes(n, themes, reports, started, rng)
        _feedback(changes, reports, rng)
        _calls(n, started, rng)
        leader = make_user("bench-leader", "leader")
    seconds = (timezone.now() - started).total_seconds()
    return Filled(n, len(themes), len(changes), source, leader, round(seconds, 1))
