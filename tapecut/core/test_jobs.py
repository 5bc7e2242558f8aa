"""The database job queue: claims, leases, retries."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from tapecut.core import jobs
from tapecut.core.models import Job

CALLS: list[dict] = []


@jobs.handler("test.jobs.record")
def _record(payload: dict) -> None:
    CALLS.append(payload)


@jobs.handler("test.jobs.flaky")
def _flaky(payload: dict) -> None:
    raise RuntimeError("temporary trouble")


@jobs.handler("test.jobs.bad_input")
def _bad_input(payload: dict) -> None:
    raise jobs.PermanentError("payload names nothing")


@pytest.fixture(autouse=True)
def _clear_calls():
    CALLS.clear()


def add(kind: str, payload: dict | None = None, **kwargs) -> Job:
    job = jobs.enqueue(kind, payload, **kwargs)
    assert job is not None
    return job


def claim(me: str, kinds: list[str] | None = None) -> Job:
    job = jobs.claim_next(kinds, me=me)
    assert job is not None, "nothing to claim"
    return job


@pytest.mark.django_db
def test_a_claimed_job_is_not_claimed_again_while_its_lease_runs():
    job = add("test.jobs.record", {"n": 1})
    claimed = claim("worker-a", ["test.jobs.record"])
    assert claimed.pk == job.pk and claimed.claimed_by == "worker-a"
    assert claimed.claimed_until is not None and claimed.claimed_until > timezone.now()
    assert jobs.claim_next(["test.jobs.record"], me="worker-b") is None


@pytest.mark.django_db
def test_a_job_whose_worker_died_is_taken_again_when_the_lease_ends():
    job = add("test.jobs.record", {"n": 1})
    claim("died")
    # The worker died mid-job: nothing finishes the job and the lease runs out.
    Job.objects.filter(pk=job.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))
    again = claim("survivor")
    assert again.pk == job.pk and again.claimed_by == "survivor"
    assert jobs.run_job(again).ok
    job.refresh_from_db()
    assert (job.state, job.attempts, CALLS) == (Job.State.DONE, 1, [{"n": 1}])


@pytest.mark.django_db
def test_jobs_are_claimed_in_due_order_and_future_jobs_wait():
    later = add("test.jobs.record", {"n": "later"}, delay=60)
    first = add("test.jobs.record", {"n": "first"})
    second = add("test.jobs.record", {"n": "second"})
    assert claim("w").pk == first.pk
    assert claim("w").pk == second.pk
    assert jobs.claim_next(me="w") is None
    assert Job.objects.get(pk=later.pk).claimed_by == ""


@pytest.mark.django_db
def test_kinds_filter_and_keyed_enqueue():
    assert jobs.enqueue("test.jobs.record", {"n": 1}, key="record:1") is not None
    assert jobs.enqueue("test.jobs.record", {"n": 1}, key="record:1") is None
    assert jobs.claim_next(["some.other.kind"], me="w") is None
    jobs.run_job(claim("w", ["test.jobs.record"]))
    # Done jobs give their key back, so the same work can be asked for again later.
    assert jobs.enqueue("test.jobs.record", {"n": 1}, key="record:1") is not None


@pytest.mark.django_db
def test_a_failing_job_backs_off_then_fails_for_good(settings):
    settings.TAPECUT_JOB_MAX_ATTEMPTS = 2
    job = add("test.jobs.flaky")
    result = jobs.run_job(claim("w"))
    job.refresh_from_db()
    assert not result.ok and "temporary trouble" in job.last_error
    assert (job.state, job.attempts, job.claimed_until) == (Job.State.PENDING, 1, None)
    assert job.run_after > timezone.now()
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now())
    jobs.run_job(claim("w"))
    job.refresh_from_db()
    assert (job.state, job.attempts) == (Job.State.FAILED, 2)


@pytest.mark.django_db
def test_permanent_errors_and_unknown_kinds_fail_at_once():
    bad = add("test.jobs.bad_input")
    unknown = add("test.jobs.nobody_handles_this")
    assert jobs.run_pending() == 2
    bad.refresh_from_db()
    unknown.refresh_from_db()
    assert (bad.state, bad.last_error) == (Job.State.FAILED, "payload names nothing")
    assert unknown.state == Job.State.FAILED and "no handler" in unknown.last_error
