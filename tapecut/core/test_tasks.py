"""Today's job queue behind Django's Tasks interface: enqueue, run by the worker, read back."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks import TaskResultStatus, task_backends
from django_tasks.exceptions import InvalidTaskError, TaskResultDoesNotExist

from tapecut.core import jobs
from tapecut.core.models import Job
from tapecut.core.tasks import JobQueueBackend, job_task

DONE: list[int] = []
ADD_JOB = "test.tasks.add"
FLAKY_JOB = "test.tasks.flaky"


@job_task(ADD_JOB, key="add:{n}")
def add_task(n: int) -> None:
    DONE.append(n)


@job_task(FLAKY_JOB)
def flaky_task(n: int) -> None:
    raise RuntimeError(f"temporary trouble {n}")


@pytest.fixture(autouse=True)
def _clear():
    DONE.clear()


def run_worker(kind: str) -> None:
    call_command("worker", "--once", "--kinds", kind, stdout=StringIO())


def test_the_default_backend_is_todays_queue():
    assert isinstance(task_backends["default"], JobQueueBackend)


@pytest.mark.django_db
def test_a_task_is_stored_as_a_job_run_by_the_worker_and_read_back():
    result = add_task.enqueue(n=7)
    assert result.status == TaskResultStatus.READY
    job = Job.objects.get(pk=int(result.id))
    assert (job.kind, job.payload, job.key) == (ADD_JOB, {"n": 7}, "add:7")

    run_worker(ADD_JOB)

    assert DONE == [7]
    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL and result.finished_at is not None
    assert add_task.get_result(result.id).status == TaskResultStatus.SUCCESSFUL
    assert result.attempts == 1


@pytest.mark.django_db
def test_an_enqueue_key_dedupes_while_the_job_is_pending():
    first = add_task.enqueue(n=3)
    second = add_task.enqueue(n=3)
    assert first.id == second.id
    assert Job.objects.filter(kind=ADD_JOB).count() == 1
    run_worker(ADD_JOB)
    assert DONE == [3]
    # Once done the key is free: the task may be queued again.
    third = add_task.enqueue(n=3)
    assert third.id != first.id


@pytest.mark.django_db
def test_a_failing_task_is_retried_with_backoff_then_fails(settings):
    settings.TAPECUT_JOB_MAX_ATTEMPTS = 2
    result = flaky_task.enqueue(n=1)
    before = timezone.now()
    run_worker(FLAKY_JOB)

    result.refresh()
    assert result.status == TaskResultStatus.READY
    assert "temporary trouble 1" in result.errors[-1].traceback
    job = Job.objects.get(pk=int(result.id))
    assert job.attempts == 1 and job.run_after >= before + timedelta(seconds=10)
    run_worker(FLAKY_JOB)  # not due yet: nothing runs
    assert Job.objects.get(pk=job.pk).attempts == 1

    Job.objects.filter(pk=job.pk).update(run_after=timezone.now())
    run_worker(FLAKY_JOB)
    result.refresh()
    assert result.status == TaskResultStatus.FAILED and result.attempts == 2


@pytest.mark.django_db
def test_a_deferred_task_waits_for_its_time():
    later = timezone.now() + timedelta(hours=1)
    result = add_task.using(run_after=later).enqueue(n=5)
    assert Job.objects.get(pk=int(result.id)).run_after == later
    assert jobs.run_pending([ADD_JOB]) == 0 and DONE == []


@pytest.mark.django_db
def test_a_job_stored_before_its_kind_became_a_task_still_runs():
    job = jobs.enqueue(ADD_JOB, {"n": 11}, key="add:11")
    assert job is not None
    run_worker(ADD_JOB)
    assert DONE == [11]
    assert add_task.get_result(str(job.pk)).status == TaskResultStatus.SUCCESSFUL


@pytest.mark.django_db
def test_a_payload_that_does_not_fit_the_task_fails_at_once():
    job = jobs.enqueue(ADD_JOB, {"m": 1})
    assert job is not None
    run_worker(ADD_JOB)
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and job.attempts == 1
    assert "does not fit" in job.last_error


@pytest.mark.django_db
def test_positional_arguments_and_unknown_results_are_refused():
    with pytest.raises(InvalidTaskError):
        add_task.enqueue(1)
    with pytest.raises(TaskResultDoesNotExist):
        add_task.get_result("999999")
    with pytest.raises(TaskResultDoesNotExist):
        add_task.get_result("not-a-job")
