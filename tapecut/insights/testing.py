"""A small organisation with known dates and outcomes, for the insights tests.

The tests compute every expected number from these lists in plain Python and compare it with
the dashboard, the API, the exports and the digest. Times are given relative to ``base`` (the
moment the world is built): reports in days before it, follow-ups in hours after the report,
due dates in days from today.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from tapecut.analysis.models import Category, DuplicateLink, ReportAnalysis, Theme
from tapecut.intake.models import FollowUp, Mode, Report, Reporter
from tapecut.ledger.models import ModelCall
from tapecut.triage import actions
from tapecut.triage.models import Change, FixFeedback, Notice


@dataclass(frozen=True)
class R:
    key: str
    days_ago: float
    channel: str
    unit: str
    category: str | None
    theme: str | None
    hours: float | None
    merged_into: str | None = None
    analysed: bool = True


@dataclass(frozen=True)
class C:
    key: str
    created: float  # days ago, like every stamp below
    status: str
    approved: float | None = None
    started: float | None = None
    done: float | None = None
    declined: float | None = None
    owner: str | None = None  # a persona's name
    due_in_days: int | None = None
    reports: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    yes: int = 0
    no: int = 0


@dataclass(frozen=True)
class F:
    report: str
    hours_after: float
    author: str = "team"


@dataclass(frozen=True)
class Call:
    backend: str
    purpose: str
    usd: str
    days_ago: float


THEMES = {
    "T1": "Taxi receipts need three signatures",
    "T2": "The weekly status report, three times",
    "T3": "Sick notes by fax",
    "T4": "Laptops arrive weeks late",
}

REPORTS = [
    R("r01", 80, "smtp", "Finance", "approvals", "T1", 10.0),
    R("r02", 75, "smtp", "Finance", "approvals", "T1", 5.5),
    R("r03", 70, "form", "Finance", "approvals", "T1", None),
    R("r04", 66, "smtp", "Research", "approvals", "T1", 20.0),
    R("r05", 60, "smtp", "Research", "meetings", "T2", 12.0),
    R("r06", 58, "form", "Finance", "meetings", "T2", 8.0),
    R("r07", 55, "smtp", "", "meetings", "T2", None),
    R("r08", 50, "api", "Finance", "reporting", "T3", 3.0),
    R("r09", 48, "smtp", "Legal", "approvals", "T1", 4.0, merged_into="r01"),
    R("r10", 45, "form", "Research", "meetings", "T2", 6.5),
    R("r11", 41, "smtp", "", "approvals", None, 2.0),
    R("r12", 38, "smtp", "Finance", "meetings", "T2", 1.5, merged_into="r05"),
    R("r13", 35, "form", "Research", "reporting", "T3", None),
    R("r14", 33, "smtp", "Legal", None, "T4", 7.0),
    R("r15", 30, "api", "", "meetings", "T2", 9.0),
    R("r16", 27, "smtp", "Finance", "approvals", None, None),
    R("r17", 25, "form", "Press", "reporting", "T3", 2.5),
    R("r18", 22, "smtp", "Research", None, "T4", None),
    R("r19", 18, "smtp", "", "approvals", None, 4.0),
    R("r20", 15, "api", "Finance", "reporting", None, 1.0, merged_into="r08"),
    R("r21", 12, "form", "", "meetings", None, None),
    R("r22", 10, "smtp", "Research", "approvals", "T1", 3.5),
    R("r23", 5, "smtp", "Finance", None, None, None, analysed=False),
    R("r24", 2, "form", "", "approvals", "T1", 2.0),
]

# Suggested and unmerged links: neither makes a report a duplicate.
OTHER_LINKS = [("r16", "r11", "suggested"), ("r19", "r11", "unmerged")]

CHANGES = [
    C(
        "C1",
        60,
        "done",
        approved=55,
        started=50,
        done=20,
        owner="owner",
        themes=("T1",),
        yes=4,
        no=2,
    ),
    C("C2", 40, "declined", declined=35, reports=("r11", "r16")),
    C(
        "C3",
        30,
        "in_progress",
        approved=25,
        started=20,
        owner="owner",
        due_in_days=-5,
        themes=("T2",),
    ),
    C("C4", 10, "proposed", due_in_days=-2, reports=("r13",)),
    C("C5", 5, "proposed", owner="triager", due_in_days=-1),
    C("C6", 15, "done", approved=14, done=3, owner="triager", reports=("r18",)),
    C("C7", 8, "approved", approved=6, owner="triager", due_in_days=10, themes=("T3",)),
]

FOLLOWUPS = [
    F("r01", 2),
    F("r01", 30),
    F("r04", 5),
    F("r05", 1, "reporter"),
    F("r06", 48),
    F("r09", 1),
    F("r10", 3),
    F("r13", 10),
    F("r14", 26),
    F("r19", 0.5),
    F("r21", 72),
    F("r23", 4),
]

CALLS = [
    Call("openai:gpt-4o-mini", "theme_label", "0.50", 2),
    Call("openai:gpt-4o-mini", "theme_label", "0.25", 1),
    Call("local:e5", "embedding", "0", 1),
    Call("bedrock:titan", "embedding", "1.20", 100),
    Call("openai:gpt-4o-mini", "classification", "0.05", 40),
]


@dataclass
class World:
    base: datetime
    reports: dict[str, Report] = field(default_factory=dict)
    themes: dict[str, Theme] = field(default_factory=dict)
    changes: dict[str, Change] = field(default_factory=dict)

    def ago(self, days: float) -> datetime:
        return self.base - timedelta(days=days)


def _report(world: World, spec: R, number: int) -> Report:
    reporter = Reporter.objects.create(
        address=f"person{number}@corp.example", mode=Mode.NAMED, unit=spec.unit
    )
    report = Report.objects.create(
        reporter=reporter,
        channel=spec.channel,
        subject=f"Report {spec.key}",
        text=f"Seeded report {spec.key}.",
        received_at=world.ago(spec.days_ago),
    )
    if spec.analysed:
        ReportAnalysis.objects.create(
            report=report,
            state=ReportAnalysis.State.DONE,
            category=Category.objects.get(slug=spec.category) if spec.category else None,
            theme=world.themes[spec.theme] if spec.theme else None,
            hours_per_year=spec.hours,
        )
    return report


def _link(world: World, report: str, original: str, state: str) -> None:
    DuplicateLink.objects.create(
        report=world.reports[report],
        original=world.reports[original],
        kind=DuplicateLink.Kind.MANUAL,
        score=1.0,
        state=state,
    )


def _change(world: World, spec: C, people: Any) -> Change:
    owner = people.by_name(spec.owner) if spec.owner else None
    due = timezone.localdate(world.base) + timedelta(days=spec.due_in_days or 0)
    change = Change.objects.create(
        title=f"Change {spec.key}",
        status=spec.status,
        owner=owner,
        due_date=due if spec.due_in_days is not None else None,
    )
    stamps = {
        name: world.ago(getattr(spec, short))
        for name, short in [
            ("approved_at", "approved"),
            ("started_at", "started"),
            ("done_at", "done"),
            ("declined_at", "declined"),
        ]
        if getattr(spec, short) is not None
    }
    Change.objects.filter(pk=change.pk).update(created_at=world.ago(spec.created), **stamps)
    # As the team would: the chosen reports, and the themes with their reports of this moment.
    actions.do_link_change(
        change,
        actor=None,
        reports=[world.reports[k] for k in spec.reports],
        themes=[world.themes[k] for k in spec.themes],
    )
    _feedback(world, change, ["yes"] * spec.yes + ["no"] * spec.no)
    change.refresh_from_db()
    return change


def _feedback(world: World, change: Change, answers: list[str]) -> None:
    for i, answer in enumerate(answers):
        reporter = Reporter.objects.create(address=f"answer{change.pk}-{i}@corp.example")
        notice = Notice.objects.create(
            kind=Notice.Kind.OUTCOME,
            change=change,
            report=world.reports["r01"],
            reporter=reporter,
            channel=Notice.Channel.EMAIL,
        )
        FixFeedback.objects.create(notice=notice, change=change, answer=answer)


def build_world(people: Any, base: datetime | None = None) -> World:
    world = World(base=base or timezone.now())
    world.themes = {k: Theme.objects.create(title=t) for k, t in THEMES.items()}
    for number, spec in enumerate(REPORTS, start=1):
        world.reports[spec.key] = _report(world, spec, number)
    for spec in REPORTS:
        if spec.merged_into:
            _link(world, spec.key, spec.merged_into, DuplicateLink.State.MERGED)
    for duplicate, original, state in OTHER_LINKS:
        _link(world, duplicate, original, state)
    world.changes = {spec.key: _change(world, spec, people) for spec in CHANGES}
    for f in FOLLOWUPS:
        report = world.reports[f.report]
        FollowUp.objects.create(
            report=report,
            author=f.author,
            text="Thanks, we are looking at it.",
            created_at=report.received_at + timedelta(hours=f.hours_after),
        )
    for call in CALLS:
        row = ModelCall._default_manager.create(
            backend=call.backend, purpose=call.purpose, cost_usd=Decimal(call.usd)
        )
        ModelCall._default_manager.filter(pk=row.pk).update(at=world.ago(call.days_ago))
    return world
