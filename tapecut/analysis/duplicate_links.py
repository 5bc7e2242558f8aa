"""From duplicate candidates to links: automatic merges and scored suggestions.

A pair merges automatically only on lexical evidence: Jaccard of the shingles at least
``TAPECUT_AUTOMERGE_THRESHOLD`` and the same numbers in both texts (lamp 18 is not lamp 20).
Anything scoring at least ``TAPECUT_SUGGEST_THRESHOLD`` (lexical, or centred semantic cosine)
becomes a suggestion for the team. Links a person decided on are never touched again.
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings

from tapecut.analysis.models import DuplicateLink
from tapecut.analysis.stages.duplicates import Candidate
from tapecut.intake.models import Report

MAX_SUGGESTIONS = 3


def root_of(report_id: int) -> int:
    """Follow merges to the report everything in the chain was merged into."""
    seen = {report_id}
    while True:
        nxt = (
            DuplicateLink.objects.filter(report_id=report_id, state=DuplicateLink.State.MERGED)
            .values_list("original_id", flat=True)
            .first()
        )
        if nxt is None or nxt in seen:
            return report_id
        seen.add(nxt)
        report_id = nxt


def is_merged(report_id: int) -> bool:
    return DuplicateLink.objects.filter(
        report_id=report_id, state=DuplicateLink.State.MERGED
    ).exists()


def apply(candidates: list[Candidate]) -> None:
    from tapecut.analysis.actions import do_merge_reports

    by_report: dict[int, list[Candidate]] = defaultdict(list)
    for c in candidates:
        by_report[c.report_id].append(c)
    existing = {
        (link.report_id, link.original_id): link
        for link in DuplicateLink.objects.filter(report_id__in=list(by_report))
    }
    suggestions: list[DuplicateLink] = []
    for report_id in sorted(by_report):
        ranked = sorted(by_report[report_id], key=lambda c: -c.score)
        merge = _merge_candidate(ranked, existing)
        if merge is not None and not is_merged(report_id):
            report = Report.objects.get(pk=report_id)
            original = Report.objects.get(pk=root_of(merge.original_id))
            if original.pk != report_id:
                do_merge_reports(
                    report, original, actor=None, reason=_reason(merge), candidate=merge
                )
        suggestions += _suggest(ranked, existing)
    DuplicateLink.objects.bulk_create(suggestions, batch_size=1000, ignore_conflicts=True)


def _merge_candidate(
    ranked: list[Candidate], existing: dict[tuple[int, int], DuplicateLink]
) -> Candidate | None:
    for c in ranked:
        link = existing.get((c.report_id, c.original_id))
        decided = link is not None and link.state != DuplicateLink.State.SUGGESTED
        if c.lexical >= settings.TAPECUT_AUTOMERGE_THRESHOLD and c.same_numbers and not decided:
            return c
    return None


def _suggest(
    ranked: list[Candidate], existing: dict[tuple[int, int], DuplicateLink]
) -> list[DuplicateLink]:
    out = []
    for c in ranked[:MAX_SUGGESTIONS]:
        if c.score < settings.TAPECUT_SUGGEST_THRESHOLD:
            break
        link = existing.get((c.report_id, c.original_id))
        if link is None:
            out.append(
                DuplicateLink(
                    report_id=c.report_id,
                    original_id=c.original_id,
                    kind=c.kind,
                    score=c.score,
                    reason=_reason(c),
                )
            )
        elif link.state == DuplicateLink.State.SUGGESTED and abs(link.score - c.score) > 1e-4:
            DuplicateLink.objects.filter(pk=link.pk).update(score=c.score, reason=_reason(c))
    return out


def _reason(c: Candidate) -> str:
    numbers = "the same numbers" if c.same_numbers else "different numbers"
    return (
        f"text overlap {c.lexical:.2f} (Jaccard of 5-character shingles), "
        f"meaning {c.semantic:.2f} (centred cosine), {numbers}"
    )
