"""Today's job queue behind Django's Tasks interface (the ``django-tasks`` backport).

Background work is written as ``@job_task`` functions and enqueued with ``task.enqueue(...)``.
The ``JobQueueBackend`` (``TASKS`` in settings) turns that into a row of ``core_job``, run by
``tapecut worker`` as before; a kind stored before a job became a task runs unchanged, because the
task is also registered as that kind's handler. Why not ``django-tasks-db``: docs/architecture.md.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from django.utils import timezone
from django_tasks import DEFAULT_TASK_QUEUE_NAME, TaskResult, TaskResultStatus, task
from django_tasks.backends.base import BaseTaskBackend
from django_tasks.base import Task, TaskError
from django_tasks.exceptions import InvalidTaskError, TaskResultDoesNotExist
from django_tasks.utils import get_module_path, normalize_json
from typing_extensions import ParamSpec

from tapecut.core import jobs
from tapecut.core.models import Job

P = ParamSpec("P")
T = TypeVar("T")


@dataclass(frozen=True)
class JobKind:
    kind: str
    # A format string over the task's keyword arguments (e.g. "analyse:{report_id}"): while a
    # job with that key is pending, enqueuing the task again adds nothing.
    key: str = ""


_BY_PATH: dict[str, JobKind] = {}
_BY_KIND: dict[str, Task[Any, Any]] = {}


def job_task(
    kind: str, *, key: str = "", lane: str = ""
) -> Callable[[Callable[P, None]], Task[P, None]]:
    """Make ``fn`` a task stored as jobs of ``kind`` (keyword arguments become the payload).

    ``lane`` is both the task's queue name and today's lane (``tapecut run`` gives it a worker).
    """

    def wrap(fn: Callable[P, None]) -> Task[P, None]:
        # Registered first: making the task asks the backend to validate it.
        _BY_PATH[get_module_path(fn)] = JobKind(kind, key)
        made: Task[P, None] = task(fn, queue_name=lane or DEFAULT_TASK_QUEUE_NAME)
        _BY_KIND[kind] = made
        jobs.handler(kind, lane=lane)(_bridge(fn))
        return made

    return wrap


def _bridge(fn: Callable[..., None]) -> jobs.Handler:
    """Today's handler for a task: the stored payload is its keyword arguments."""
    signature = inspect.signature(fn)

    def run(payload: dict[str, Any]) -> None:
        try:
            signature.bind(**payload)
        except TypeError as exc:
            raise jobs.PermanentError(f"payload does not fit the task: {exc}") from None
        fn(**payload)

    return run


def enqueue_many(made: Task[Any, Any], calls: list[dict[str, Any]]) -> None:
    """``made.enqueue(**kwargs)`` for each of ``calls`` in one statement, without results
    (a batch of new reports queues its analysis jobs so)."""
    spec = _BY_PATH.get(made.module_path)
    if spec is None:
        raise InvalidTaskError(f"{made.module_path} is not a @job_task (no job kind)")
    if not calls:
        return
    payloads = [normalize_json(dict(kwargs)) for kwargs in calls]
    keys = [spec.key.format(**payload) if spec.key else None for payload in payloads]
    jobs.enqueue_many(spec.kind, payloads, keys, made.run_after or timezone.now())


class JobQueueBackend(BaseTaskBackend):
    """Enqueue into ``core_job``: enqueue keys, lanes, leases and retries with backoff kept."""

    supports_defer = True
    supports_get_result = True

    def __init__(self, alias: str, params: dict[str, Any]) -> None:
        super().__init__(alias, params)
        if "QUEUES" not in params:
            self.queues = set()  # any lane

    def validate_task(self, task: Task[Any, Any]) -> None:
        super().validate_task(task)
        if task.module_path not in _BY_PATH:
            raise InvalidTaskError(f"{task.module_path} is not a @job_task (no job kind)")

    def enqueue(self, task: Task[P, T], args: Any, kwargs: Any) -> TaskResult[T]:
        self.validate_task(task)
        if args:
            raise InvalidTaskError("job tasks take keyword arguments only (the job's payload)")
        spec = _BY_PATH[task.module_path]
        payload = normalize_json(dict(kwargs))
        key = spec.key.format(**payload) if spec.key else None
        for _ in range(3):
            job = jobs.enqueue(spec.kind, payload, key=key, run_after=task.run_after)
            # Deduplicated: the result is that of the job already pending under the key.
            job = job or Job.objects.filter(key=key).first()
            if job is not None:
                return self._result(job)
        raise RuntimeError(f"could not enqueue {spec.kind} under key {key!r}")

    def get_result(self, result_id: str) -> TaskResult[Any]:
        job = Job.objects.filter(pk=int(result_id)).first() if result_id.isdigit() else None
        if job is None or job.kind not in _BY_KIND:
            raise TaskResultDoesNotExist(result_id)
        return self._result(job)

    def _result(self, job: Job) -> TaskResult[Any]:
        errors = []
        if job.last_error:
            errors.append(
                TaskError(exception_class_path="builtins.Exception", traceback=job.last_error)
            )
        return TaskResult(
            task=_BY_KIND[job.kind],
            id=str(job.pk),
            status=_status(job),
            enqueued_at=job.created_at,
            started_at=None,
            finished_at=job.finished_at,
            last_attempted_at=None,
            args=[],
            kwargs=dict(job.payload),
            backend=self.alias,
            errors=errors,
            worker_ids=[job.claimed_by] * job.attempts,
        )


def _status(job: Job) -> TaskResultStatus:
    if job.state == Job.State.DONE:
        return TaskResultStatus.SUCCESSFUL
    if job.state == Job.State.FAILED:
        return TaskResultStatus.FAILED
    if job.claimed_until is not None and job.claimed_until > timezone.now():
        return TaskResultStatus.RUNNING
    return TaskResultStatus.READY
