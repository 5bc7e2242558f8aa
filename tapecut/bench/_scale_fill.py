"""Fill a throwaway database for ``tapecut bench scale`` (run as a child process).

``python -m tapecut.bench._scale_fill REPORTS SEED`` writes REPORTS reports recombined from real
sentences, with what analysis and triage would have added (analysis rows, themes, changes,
notices, feedback, duplicate links, model calls), straight through ``bulk_create``: this is a
benchmark's fixture, not a history, so no audit events are written. The last line of output is a
JSON object with the counts, the seconds it took and session keys for the load tool.
"""

from __future__ import annotations

import json
import random
import sys
import time
from datetime import timedelta
from typing import Any

BATCH = 2000
UNITS = (
    *("Finance", "Procurement", "HR", "IT", "Legal", "Facilities", "Research", "Teaching"),
    *("Library", "Travel", "Office", "Registry", "Health"),
)
USERS_PER_ROLE = 16


def report_texts(n: int, sentences: list[str], rng: random.Random) -> list[str]:
    """``n`` texts of 1–4 sentences each; no two reports share the same text."""
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < n:
        text = " ".join(rng.sample(sentences, rng.randint(1, 4)))
        if text not in seen:
            seen.add(text)
            out.append(text)
    return out


def fill(n: int, seed: int) -> dict[str, Any]:
    from django.db import transaction

    from tapecut.bench import _sentences

    rng = random.Random(seed)
    corpus = _sentences.load()
    started = time.perf_counter()
    with transaction.atomic():
        people = _users()
        reporters = _reporters(max(1, n // 5), rng)
        reports = _reports(report_texts(n, corpus.sentences, rng), reporters, rng)
        themes = _themes(reports, rng)
        _analyses(reports, themes, rng)
        changes = _changes(reports, themes, people["owner"], rng)
        counts = _outcomes(changes, reports, rng)
        counts["duplicate_links"] = _duplicates(reports, rng)
        counts["model_calls"] = _model_calls(reports, rng)
    counts.update(reports=len(reports), reporters=len(reporters), themes=len(themes))
    counts["changes"] = len(changes)
    return {
        "source": corpus.source,
        "sentences": len(corpus.sentences),
        "counts": counts,
        "fill_s": round(time.perf_counter() - started, 1),
        "sessions": {role: _sessions(users) for role, users in people.items()},
    }


def _users() -> dict[str, list[Any]]:
    from tapecut.triage.personas import make_user

    return {
        role: [make_user(f"bench-{role}-{i}", role) for i in range(USERS_PER_ROLE)]
        for role in ("triager", "leader", "owner")
    }


def _sessions(users: list[Any]) -> list[str]:
    """A session per user, logged in as the test client does (with the configured backend)."""
    from django.conf import settings
    from django.test import Client

    keys = []
    for user in users:
        client = Client()
        client.force_login(user)
        keys.append(client.cookies[settings.SESSION_COOKIE_NAME].value)
    return keys


def _reporters(n: int, rng: random.Random) -> list[Any]:
    from tapecut.intake.models import Reporter

    rows = [
        Reporter(
            address=f"reporter{i}@corp.example",
            display_name=f"Reporter {i}",
            unit=rng.choice(UNITS),
            language=rng.choice(["de", "en"]),
        )
        for i in range(n)
    ]
    return Reporter.objects.bulk_create(rows, batch_size=BATCH)


def _reports(texts: list[str], reporters: list[Any], rng: random.Random) -> list[Any]:
    from django.utils import timezone

    from tapecut.intake.models import Report

    now = timezone.now()
    statuses = ["new"] * 8 + ["open"] * 6 + ["answered"] * 3 + ["merged", "closed", "closed"]
    rows = [
        Report(
            reporter=rng.choice(reporters),
            channel=rng.choice(["smtp", "smtp", "smtp", "imap", "form", "api"]),
            subject=" ".join(text.split()[:8])[:200],
            text=text,
            language=rng.choice(["de", "de", "en"]),
            status=rng.choice(statuses),
            received_at=now - timedelta(days=rng.uniform(0, 365)),
        )
        for text in texts
    ]
    return Report.objects.bulk_create(rows, batch_size=BATCH)


def _themes(reports: list[Any], rng: random.Random) -> list[Any]:
    from tapecut.analysis.models import Category, Theme

    categories: list[Category | None] = [*Category.objects.all()] or [None]
    rows = []
    for i in range(max(3, len(reports) // 300)):
        words = [w.strip(".,;:!?").lower() for w in rng.choice(reports).text.split()]
        keywords = [w for w in words if len(w) > 4][:5] or [f"theme{i}"]
        rows.append(
            Theme(
                title=" ".join(keywords[:3]).title(),
                keywords=keywords,
                category=rng.choice(categories),
                report_count=0,
                hours_per_year=round(rng.uniform(10, 5000), 1),
            )
        )
    return Theme.objects.bulk_create(rows, batch_size=BATCH)


def _analyses(reports: list[Any], themes: list[Any], rng: random.Random) -> None:
    from django.utils import timezone

    from tapecut.analysis.models import Category, ReportAnalysis, Theme

    categories: list[Category | None] = [*Category.objects.all()] or [None]
    now = timezone.now()
    counts: dict[int, int] = {}
    rows = []
    for report in reports:
        theme = rng.choice(themes) if rng.random() < 0.7 else None
        if theme is not None:
            counts[theme.pk] = counts.get(theme.pk, 0) + 1
        rows.append(
            ReportAnalysis(
                report=report,
                state="done",
                language=report.language,
                redacted_text=report.text,
                category=rng.choice(categories),
                category_confidence=round(rng.random(), 3),
                theme=theme,
                hours_per_year=round(rng.uniform(0, 200), 1),
                analysed_at=now,
            )
        )
    ReportAnalysis.objects.bulk_create(rows, batch_size=BATCH)
    for theme in themes:
        theme.report_count = counts.get(theme.pk, 0)
    Theme.objects.bulk_update(themes, ["report_count"], batch_size=BATCH)


def _changes(
    reports: list[Any], themes: list[Any], owners: list[Any], rng: random.Random
) -> list[Any]:
    from django.utils import timezone

    from tapecut.triage.models import Change, ChangeReport

    now = timezone.now()
    rows = []
    statuses = ["proposed", "approved", "in_progress", "done", "done", "declined"]
    for i in range(max(len(statuses), len(themes) * 2 // 3)):
        status = statuses[i % len(statuses)]
        created = now - timedelta(days=rng.uniform(30, 365))
        rows.append(
            Change(
                title=f"Change {i}: {rng.choice(themes).title}"[:200],
                problem=rng.choice(reports).text,
                owner=rng.choice(owners),
                status=status,
                approved_at=created + timedelta(days=3) if status != "proposed" else None,
                done_at=created + timedelta(days=rng.uniform(5, 25)) if status == "done" else None,
                declined_at=created + timedelta(days=4) if status == "declined" else None,
            )
        )
    changes = Change.objects.bulk_create(rows, batch_size=BATCH)
    links = Change.themes.through
    links.objects.bulk_create(
        [
            links(change=c, theme=t)
            for c in changes
            for t in rng.sample(themes, min(2, len(themes)))
        ],
        batch_size=BATCH,
    )
    ChangeReport.objects.bulk_create(
        [
            ChangeReport(change=c, report=r)
            for c in changes
            for r in rng.sample(reports, min(5, len(reports)))
        ],
        batch_size=BATCH,
    )
    return changes


def _outcomes(changes: list[Any], reports: list[Any], rng: random.Random) -> dict[str, int]:
    """Outcome notices for done changes (one per reporter), a third of them answered."""
    from django.utils import timezone

    from tapecut.triage.models import FixFeedback, Notice

    now = timezone.now()
    notices = []
    for change in (c for c in changes if c.status == "done"):
        told: set[int] = set()
        for report in rng.sample(reports, min(60, len(reports))):
            if report.reporter_id not in told:
                told.add(report.reporter_id)
                notices.append(
                    Notice(
                        kind="outcome",
                        change=change,
                        report=report,
                        channel="email",
                        reporter_id=report.reporter_id,
                        state="sent",
                        sent_at=now,
                    )
                )
    notices = Notice.objects.bulk_create(notices, batch_size=BATCH)
    answers = [
        FixFeedback(notice=n, change=n.change, answer=rng.choice(["yes", "yes", "no"]))
        for n in notices
        if rng.random() < 0.33
    ]
    FixFeedback.objects.bulk_create(answers, batch_size=BATCH)
    return {"notices": len(notices), "feedback": len(answers)}


def _duplicates(reports: list[Any], rng: random.Random) -> int:
    from tapecut.analysis.models import DuplicateLink

    pairs: set[tuple[int, int]] = set()
    while len(pairs) < len(reports) // 20:
        a, b = rng.sample(reports, 2)
        pairs.add((max(a.pk, b.pk), min(a.pk, b.pk)))
    rows = [
        DuplicateLink(
            report_id=later,
            original_id=earlier,
            kind="lexical",
            score=round(rng.uniform(0.75, 1.0), 3),
            state="merged" if rng.random() < 0.4 else "suggested",
        )
        for later, earlier in pairs
    ]
    DuplicateLink.objects.bulk_create(rows, batch_size=BATCH)
    return len(rows)


def _model_calls(reports: list[Any], rng: random.Random) -> int:
    from tapecut.ledger.models import ModelCall

    rows = [
        ModelCall(
            at=report.received_at,
            backend="tapecut.ai.backends.openai_compat.OpenAIEmbedder",
            model="text-embedding-3-small",
            purpose="embed",
            tokens_in=rng.randint(20, 400),
            cost_usd=rng.uniform(0.000001, 0.0001),
            latency_ms=rng.randint(40, 400),
            report_id=report.pk,
        )
        for report in rng.sample(reports, len(reports) // 10)
    ]
    ModelCall._default_manager.bulk_create(rows, batch_size=BATCH)
    return len(rows)


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tapecut.settings")
    if len(sys.argv) != 3:
        sys.exit("usage: python -m tapecut.bench._scale_fill REPORTS SEED")
    django.setup()
    print(json.dumps(fill(int(sys.argv[1]), int(sys.argv[2]))))
