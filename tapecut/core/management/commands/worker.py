"""``tapecut worker``: run background jobs from the database queue (``tapecut.core.jobs``).

Start as many as you like, on one machine or several: a job is claimed by a conditional update,
so no job runs twice at once, and a job whose worker died is taken again when its lease ends.
SIGTERM or Ctrl-C lets the current job finish, then the worker exits; a second one stops at once
(the job's lease then runs out and another worker retries it).
"""

from __future__ import annotations

import logging
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser
from django.db import DatabaseError, close_old_connections, connection

from tapecut.core import jobs

log = logging.getLogger(__name__)

# How often a sleeping worker looks whether it was asked to stop.
NAP_SLICE_SECONDS = 0.2


class StopFlag:
    """Set by SIGTERM/SIGINT; the loop looks at it between jobs."""

    def __init__(self) -> None:
        self.requested = False

    def __call__(self, signum: int, frame: FrameType | None = None) -> None:
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True
        log.info("signal %s: finishing the current job, then stopping", signum)

    def is_set(self) -> bool:
        return self.requested


@contextmanager
def stop_on_signals(flag: StopFlag) -> Iterator[None]:
    previous = {sig: signal.signal(sig, flag) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def work(
    *,
    kinds: list[str] | None = None,
    once: bool = False,
    sleep: float = 1.0,
    stop: Callable[[], bool] = lambda: False,
    me: str | None = None,
) -> int:
    """Claim and run jobs until ``stop()`` (or, with ``once``, until none is due); return count."""
    ran = 0
    while not stop():
        try:
            refresh_connections()
            job = jobs.claim_next(kinds, me=me)
            if job is not None:
                jobs.run_job(job)
                ran += 1
                continue
        except DatabaseError:
            if once:
                raise
            log.exception("job queue unavailable; trying again in %s s", sleep)
        if once:
            break
        nap(sleep, stop)
    return ran


def refresh_connections() -> None:
    # Drops connections that broke or outlived CONN_MAX_AGE, as a request would. Never inside a
    # transaction (a test's): closing there would throw the transaction away.
    if not connection.in_atomic_block:
        close_old_connections()


def nap(seconds: float, stop: Callable[[], bool]) -> None:
    deadline = time.monotonic() + seconds
    while not stop():
        left = deadline - time.monotonic()
        if left <= 0:
            return
        time.sleep(min(left, NAP_SLICE_SECONDS))


def split_kinds(values: list[str] | None) -> list[str] | None:
    kinds = [k.strip() for v in values or [] for k in v.split(",") if k.strip()]
    return kinds or None


class Command(BaseCommand):
    help = "Run background jobs until stopped (SIGTERM/Ctrl-C finish the current job first)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--once", action="store_true", help="run the due jobs, then exit")
        parser.add_argument(
            "--kinds", nargs="+", metavar="KIND", help="only these job kinds (e.g. intake.parse)"
        )
        parser.add_argument(
            "--sleep",
            type=float,
            default=None,
            help="seconds to wait when idle (default TAPECUT_WORKER_POLL_SECONDS)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        kinds = split_kinds(options["kinds"])
        sleep = options["sleep"]
        if sleep is None:
            sleep = settings.TAPECUT_WORKER_POLL_SECONDS
        unknown = sorted(set(kinds or []) - set(jobs.handlers()))
        if unknown:
            log.warning("no handler registered for job kinds: %s", ", ".join(unknown))
        me = jobs.worker_id()
        log.info("worker %s started (kinds: %s)", me, ", ".join(kinds or ["all"]))
        flag = StopFlag()
        with stop_on_signals(flag):
            ran = work(kinds=kinds, once=options["once"], sleep=sleep, stop=flag.is_set, me=me)
        log.info("worker %s stopped after %d jobs", me, ran)
        if options["verbosity"] >= 1:
            self.stdout.write(f"ran {ran} jobs")
