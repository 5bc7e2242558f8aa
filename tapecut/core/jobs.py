"""The database as a job queue.

A job is claimed by a conditional UPDATE (``claimed_until`` in the past or unset), so any number
of workers on SQLite or PostgreSQL can share the table and no job runs in two places at once. A
worker that dies keeps its lease until ``claimed_until`` passes; then another worker takes the job
again. Handlers must therefore be idempotent: they check what is already done before acting.
"""

from __future__ import annotations

import logging
import os
import socket
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from tapecut.core import bulk
from tapecut.core.models import Job
from tapecut.core.scrub import scrub

log = logging.getLogger(__name__)

Handler = Callable[[dict[str, Any]], None]
_HANDLERS: dict[str, Handler] = {}
# Kinds that ``tapecut run`` gives a worker of their own, by lane name (see ``handler``).
_LANES: dict[str, list[str]] = {}


class PermanentError(Exception):
    """The job cannot succeed however often it is retried (bad input, not our fault)."""


def handler(kind: str, *, lane: str = "") -> Callable[[Handler], Handler]:
    """Register ``fn`` for jobs of ``kind``. With ``lane``, ``tapecut run`` also starts a worker
    that runs only that lane's kinds, so they never wait behind a backlog of other work."""

    def register(fn: Handler) -> Handler:
        _HANDLERS[kind] = fn
        if lane and kind not in _LANES.setdefault(lane, []):
            _LANES[lane].append(kind)
        return fn

    return register


def lanes() -> dict[str, list[str]]:
    return {lane: list(kinds) for lane, kinds in _LANES.items()}


def handlers() -> dict[str, Handler]:
    return dict(_HANDLERS)


def enqueue(
    kind: str,
    payload: dict[str, Any] | None = None,
    *,
    key: str | None = None,
    delay: float = 0.0,
    run_after: datetime | None = None,
) -> Job | None:
    """Add a job. With ``key``, a second enqueue while the first is pending adds nothing.

    The Tasks backend (``tapecut.core.tasks``) enqueues through here too."""
    run_after = run_after or timezone.now() + timedelta(seconds=delay)
    if key is None:
        return Job.objects.create(kind=kind, payload=payload or {}, run_after=run_after)
    try:
        with transaction.atomic():
            return Job.objects.create(
                kind=kind, payload=payload or {}, key=key, run_after=run_after
            )
    except IntegrityError:
        return None


def enqueue_many(
    kind: str, payloads: list[dict[str, Any]], keys: list[str | None], run_after: datetime
) -> None:
    """``enqueue`` for many jobs of one kind in one statement: a key already pending adds
    nothing, as there (a batch of new reports queues its analysis this way)."""
    bulk.insert(
        [
            Job(kind=kind, payload=payload, key=key, run_after=run_after)
            for payload, key in zip(payloads, keys, strict=True)
        ],
        ignore_conflicts=True,
    )


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def claim_next(kinds: list[str] | None = None, *, me: str | None = None) -> Job | None:
    """Claim one due job, or return None when there is nothing to do."""
    me = me or worker_id()
    now = timezone.now()
    lease = timedelta(seconds=settings.TAPECUT_JOB_LEASE_SECONDS)
    due = Job.objects.filter(state=Job.State.PENDING, run_after__lte=now).filter(
        Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    )
    if kinds:
        due = due.filter(kind__in=kinds)
    for job_id in due.order_by("run_after", "id").values_list("id", flat=True)[:20]:
        claimed = (
            Job.objects.filter(pk=job_id, state=Job.State.PENDING)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
            .update(claimed_by=me, claimed_until=now + lease)
        )
        if claimed:
            return Job.objects.get(pk=job_id)
    return None


@dataclass
class RunResult:
    job_id: int
    ok: bool
    error: str = ""


def run_job(job: Job) -> RunResult:
    fn = _HANDLERS.get(job.kind)
    job.attempts += 1
    if fn is None:
        return _finish(job, Job.State.FAILED, f"no handler for job kind {job.kind!r}")
    try:
        fn(job.payload)
    except PermanentError as exc:
        log.info("job %s failed permanently: %s", job, scrub(str(exc)))
        return _finish(job, Job.State.FAILED, scrub(str(exc)))
    except Exception:
        # Kept and logged scrubbed: an exception's arguments may name a reporter.
        error = scrub(traceback.format_exc(limit=8))
        log.error("job %s failed (attempt %s):\n%s", job, job.attempts, error)
        if job.attempts >= settings.TAPECUT_JOB_MAX_ATTEMPTS:
            return _finish(job, Job.State.FAILED, error)
        backoff = timedelta(seconds=min(3600, 5 * 2**job.attempts))
        Job.objects.filter(pk=job.pk, claimed_by=job.claimed_by).update(
            attempts=job.attempts,
            last_error=error,
            claimed_until=None,
            claimed_by="",
            run_after=timezone.now() + backoff,
        )
        return RunResult(job.pk, False, error)
    return _finish(job, Job.State.DONE, "")


def _finish(job: Job, state: str, error: str) -> RunResult:
    # Only the holder of the claim finishes the job: one whose lease ran out and was taken over
    # by another worker leaves the outcome to that worker.
    Job.objects.filter(pk=job.pk, claimed_by=job.claimed_by).update(
        state=state,
        attempts=job.attempts,
        last_error=error,
        finished_at=timezone.now(),
        claimed_until=None,
        key=None,
    )
    return RunResult(job.pk, state == Job.State.DONE, error)


def run_pending(kinds: list[str] | None = None, limit: int | None = None) -> int:
    """Run due jobs in this process until none is left (or ``limit``); return how many ran."""
    count = 0
    while limit is None or count < limit:
        job = claim_next(kinds)
        if job is None:
            break
        run_job(job)
        count += 1
    return count
