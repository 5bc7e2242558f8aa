"""The analysis pipeline: a short function per stage over a batch of reports.

One report (the worker, as soon as it is stored) and a hundred thousand (``tapecut analyse``)
take the same path; only the batch size differs. Every stage works on whole batches: one
embedding call per 64 texts, one MinHash matrix, one ANN query matrix, bulk writes.
Which implementation each stage uses comes from ``stages()``; ``TAPECUT_ANALYSIS_SKIP`` swaps
named stages for their do-nothing versions.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from tapecut.analysis import duplicate_links, themes
from tapecut.analysis.models import ReportAnalysis
from tapecut.analysis.stages import embedding
from tapecut.analysis.stages.duplicates import DupItem
from tapecut.analysis.stages.redaction import sender_names
from tapecut.analysis.stages_config import Stages, stages
from tapecut.intake.models import Mode, Report

log = logging.getLogger(__name__)
BATCH = 1000
FIELDS = [
    "state", "language", "redacted_text", "redactions", "embedding", "embedder", "category",
    "category_confidence", "theme", "hours_per_year", "impact", "analysed_at", "error",
]  # fmt: skip


@dataclass
class Work:
    report: Report
    analysis: ReportAnalysis
    text: str
    names: list[str]
    vector: np.ndarray | None = None
    timings: dict[str, float] = field(default_factory=dict)


def full_text(report: Report, followups: Iterable[str] = ()) -> str:
    """Subject, text and the reporter's follow-ups: everything the reporter wrote."""
    return "\n\n".join(p for p in [report.subject, report.text, *followups] if p and p.strip())


def names_of(report: Report) -> list[str]:
    reporter = report.reporter
    if reporter is None or report.mode != Mode.NAMED:
        return []  # protected modes: intake already scrubbed the identity from the text
    return sender_names(reporter.display_name, reporter.address)


def prepare(reports: list[Report]) -> list[Work]:
    from tapecut.intake.models import FollowUp

    ids = [r.pk for r in reports]
    existing = {a.report_id: a for a in ReportAnalysis.objects.filter(report_id__in=ids)}
    for r in reports:
        # New rows are written by the upsert in ``save``, in the same commit as the rest.
        existing.setdefault(r.pk, ReportAnalysis(report=r))
    extra: dict[int, list[str]] = {}
    for rid, text in FollowUp.objects.filter(
        report_id__in=ids, author=FollowUp.Author.REPORTER
    ).values_list("report_id", "text"):
        extra.setdefault(rid, []).append(text)
    return [
        Work(r, existing[r.pk], full_text(r, extra.get(r.pk, [])), names_of(r)) for r in reports
    ]


def run_stages(works: list[Work], chosen: Stages | None = None, *, on_stage: Any = None) -> None:
    """Run every stage over the batch and save it; ``on_stage(name, seconds)`` for benchmarks.

    The stages that read only the report run first, outside any transaction (the embedder
    may be slow or remote); the ones that read and write shared tables run in one
    transaction with the save, so a batch costs one commit and workers see it whole.
    """
    s = chosen or stages()
    _timed(on_stage, LOCAL_STEPS, works, s)
    with transaction.atomic():
        _timed(on_stage, SHARED_STEPS, works, s)
        started = time.perf_counter()
        save(works)
        if on_stage:
            on_stage("save", time.perf_counter() - started)


def _timed(on_stage: Any, steps: Any, works: list[Work], s: Stages) -> None:
    for name, step in steps:
        started = time.perf_counter()
        step(works, s)
        if on_stage:
            on_stage(name, time.perf_counter() - started)


LOCAL_STEPS: list[tuple[str, Callable[[list[Work], Stages], None]]] = []
SHARED_STEPS: list[tuple[str, Callable[[list[Work], Stages], None]]] = []


def stage_language(works: list[Work], s: Stages) -> None:
    for w in works:
        w.analysis.language = s.language.detect(w.text) or w.report.language


def stage_redaction(works: list[Work], s: Stages) -> None:
    for w in works:
        done = s.redactor.redact(w.text, w.names)
        w.analysis.redacted_text, w.analysis.redactions = done.text, done.counts


def stage_impact(works: list[Work], s: Stages) -> None:
    for w in works:
        # The redacted text: the evidence spans are shown to the team and may quote it.
        found = s.impact.estimate(w.analysis.redacted_text)
        if w.analysis.impact.get("confirmed"):
            continue  # a person set the figure: keep it
        w.analysis.impact, w.analysis.hours_per_year = found.as_json(), found.hours_per_year


def stage_embedding(works: list[Work], s: Stages) -> None:
    texts = [w.analysis.redacted_text for w in works]
    vectors = embedding.embed_texts(s.embedder, texts, [w.report.pk for w in works])
    for w, vec in zip(works, vectors, strict=False):
        empty = embedding.is_empty(vec)
        w.vector = None if empty else vec
        w.analysis.embedding = None if empty else embedding.to_bytes(vec)
        w.analysis.embedder = "" if empty else s.embedder.name


def stage_duplicates(works: list[Work], s: Stages) -> None:
    items = [DupItem(w.report.pk, w.analysis.redacted_text, w.vector) for w in works]
    found = s.duplicates.find(items, s.space)
    duplicate_links.apply(found)


def stage_category(works: list[Work], s: Stages) -> None:
    todo = [w for w in works if w.analysis.category_confirmed_at is None]
    if not todo:
        return
    dim = s.embedder.dim
    vectors = np.vstack([w.vector if w.vector is not None else np.zeros(dim) for w in todo])
    for w, (cat, conf) in zip(
        todo, s.category.predict([w.analysis.redacted_text for w in todo], vectors), strict=False
    ):
        w.analysis.category_id, w.analysis.category_confidence = cat, conf


def stage_theme(works: list[Work], s: Stages) -> None:
    todo = [w for w in works if w.vector is not None and not w.analysis.theme_id]
    if not todo or not s.themes_enabled:
        return
    vectors = themes.unit(np.vstack([np.asarray(w.vector) for w in todo]))
    texts = [w.analysis.redacted_text for w in todo]
    ids = themes.assign(vectors, s.space, texts, [w.analysis.language for w in todo])
    for w, tid in zip(todo, ids, strict=False):
        w.analysis.theme_id = tid


def save(works: list[Work]) -> None:
    now = timezone.now()
    for w in works:
        w.analysis.state, w.analysis.analysed_at, w.analysis.error = "done", now, ""
    # An upsert: one INSERT … ON CONFLICT statement per 500 rows, far cheaper than bulk_update.
    ReportAnalysis.objects.bulk_create(
        [w.analysis for w in works],
        batch_size=500,
        update_conflicts=True,
        unique_fields=["report"],
        update_fields=FIELDS,
    )
    themes.update_stats(w.analysis.theme_id for w in works)


LOCAL_STEPS += [
    ("language", stage_language),
    ("redaction", stage_redaction),
    ("impact", stage_impact),
    ("embedding", stage_embedding),
]
SHARED_STEPS += [
    ("duplicates", stage_duplicates),
    ("category", stage_category),
    ("theme", stage_theme),
]


def batches(queryset: Any, size: int = BATCH) -> Iterator[list[Report]]:
    """Reports in id order, ``size`` at a time, without holding them all in memory."""
    last = 0
    while True:
        chunk = list(queryset.filter(pk__gt=last).select_related("reporter").order_by("pk")[:size])
        if not chunk:
            return
        yield chunk
        last = chunk[-1].pk


def analyse_reports(reports: list[Report], chosen: Stages | None = None, **kw: Any) -> list[Work]:
    works = prepare(reports)
    try:
        run_stages(works, chosen, **kw)
    except Exception as exc:
        ids = [w.report.pk for w in works]
        failed = ReportAnalysis.objects.filter(report_id__in=ids)
        failed.update(state="failed", error=repr(exc)[:2000])
        raise
    return works


def reclassify(analyses: list[ReportAnalysis], s: Stages) -> int:
    """Predict the category of analysed reports again from their stored text and vector."""
    dim = s.embedder.dim
    vectors = np.vstack([_stored_vector(a, dim) for a in analyses])
    predicted = s.category.predict([a.redacted_text for a in analyses], vectors)
    changed = []
    for a, (cat, conf) in zip(analyses, predicted, strict=False):
        if a.category_id != cat or abs(a.category_confidence - conf) > 1e-4:
            a.category_id, a.category_confidence = cat, conf
            changed.append(a)
    ReportAnalysis.objects.bulk_update(changed, ["category", "category_confidence"], batch_size=500)
    return len(changed)


def _stored_vector(a: ReportAnalysis, dim: int) -> np.ndarray:
    vec = embedding.from_bytes(a.embedding)
    return vec if vec is not None and vec.shape[0] == dim else np.zeros(dim, dtype=np.float32)
