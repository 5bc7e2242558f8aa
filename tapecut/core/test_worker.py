"""``tapecut worker``: several at once, none runs a job twice; signals stop it between jobs."""

from __future__ import annotations

import os
import signal
import threading
import time
from collections import Counter
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connections, transaction
from django.db.backends.signals import connection_created

from tapecut.core import jobs
from tapecut.core.management.commands.worker import StopFlag, nap, split_kinds, work
from tapecut.core.models import Job
from tapecut.intake.models import InboundMessage, Report
from tapecut.intake.storing import PARSE_JOB, do_store_inbound

COUNT_JOB = "test.worker.count"
SIGNAL_JOB = "test.worker.signal"
COUNTS: Counter[int] = Counter()
COUNTS_LOCK = threading.Lock()


@jobs.handler(COUNT_JOB)
def _count(payload: dict) -> None:
    with COUNTS_LOCK:
        COUNTS[payload["n"]] += 1
    time.sleep(0.001)  # let the other workers in between


@jobs.handler(SIGNAL_JOB)
def _signal_self(payload: dict) -> None:
    os.kill(os.getpid(), signal.SIGTERM)
    COUNTS[payload["n"]] += 1  # the job still finishes after the signal arrived


@pytest.fixture(autouse=True)
def _clear_counts():
    COUNTS.clear()


@pytest.fixture
def no_fsync():
    """Commits without waiting for the disk: this is about claims and locks, not durability."""

    def relax(sender, connection, **kwargs) -> None:
        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA synchronous=OFF")

    connection_created.connect(relax)
    relax(None, connections["default"])  # a no-op on other databases
    yield
    connection_created.disconnect(relax)
    if connections["default"].vendor == "sqlite":
        with connections["default"].cursor() as cursor:
            cursor.execute("PRAGMA synchronous=FULL")


def raw_message(n: int) -> bytes:
    return (
        f"From: Person {n % 10} <person{n % 10}@example.org>\r\n"
        f"To: bureaucracy@corp.example\r\n"
        f"Subject: Form number {n} must be printed and signed twice\r\n"
        f"Date: Mon, 05 Jan 2026 10:00:00 +0000\r\n"
        f"Message-ID: <worker-{n}@example.org>\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n"
        f"Form {n} has to be printed, signed by two managers and scanned again.\r\n"
    ).encode()


def run_workers(count: int, kinds: list[str]) -> dict[str, int]:
    ran: dict[str, int] = {}
    failures: list[BaseException] = []

    def one(name: str) -> None:
        try:
            ran[name] = work(kinds=kinds, once=True, sleep=0, me=name)
        except BaseException as exc:
            failures.append(exc)
        finally:
            connections.close_all()  # each thread had its own connection

    threads = [threading.Thread(target=one, args=(f"w{i}",)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not failures, failures
    assert not any(t.is_alive() for t in threads)
    return ran


@pytest.mark.django_db(transaction=True)
def test_three_workers_process_every_job_exactly_once(settings, no_fsync):
    settings.TAPECUT_ACKNOWLEDGE = False  # fewer writes that have nothing to do with the queue
    with transaction.atomic():  # one commit for the set-up
        for n in range(200):
            do_store_inbound(raw_message(n), channel="import")
        for n in range(100):
            jobs.enqueue(COUNT_JOB, {"n": n})
    assert Job.objects.filter(kind=PARSE_JOB, state="pending").count() == 200

    ran = run_workers(3, [PARSE_JOB, COUNT_JOB])

    assert sum(ran.values()) == 300
    assert len([name for name, n in ran.items() if n]) >= 2  # they really shared the work
    assert sorted(COUNTS) == list(range(100))
    assert set(COUNTS.values()) == {1}
    mine = Job.objects.filter(kind__in=[PARSE_JOB, COUNT_JOB])
    assert mine.filter(state=Job.State.DONE, attempts=1).count() == mine.count() == 300
    assert Report.objects.count() == 200
    assert set(Report.objects.values_list("inbound_id", flat=True)) == set(
        InboundMessage.objects.values_list("id", flat=True)
    )
    assert not InboundMessage.objects.exclude(state=InboundMessage.State.PARSED).exists()


@pytest.mark.django_db
def test_once_drains_the_queue_and_exits():
    for n in range(5):
        jobs.enqueue(COUNT_JOB, {"n": n})
    out = StringIO()
    call_command("worker", "--once", "--kinds", COUNT_JOB, stdout=out)
    assert out.getvalue().strip() == "ran 5 jobs"
    assert sorted(COUNTS) == [0, 1, 2, 3, 4]
    assert not Job.objects.filter(state=Job.State.PENDING).exists()


@pytest.mark.django_db
def test_the_worker_runs_parse_jobs_registered_by_the_intake_app():
    msg, _ = do_store_inbound(raw_message(1), channel="smtp", envelope_to=["x@corp.example"])
    call_command("worker", "--once", "--kinds", PARSE_JOB, stdout=StringIO())
    msg.refresh_from_db()
    assert msg.state == InboundMessage.State.PARSED
    assert Report.objects.filter(inbound=msg).exists()


@pytest.mark.django_db
def test_sigterm_finishes_the_current_job_then_stops():
    for n in range(3):
        jobs.enqueue(SIGNAL_JOB, {"n": n})
    before = signal.getsignal(signal.SIGTERM)
    call_command("worker", "--once", "--kinds", SIGNAL_JOB, stdout=StringIO())
    assert dict(COUNTS) == {0: 1}
    assert Job.objects.filter(state=Job.State.DONE).count() == 1
    assert Job.objects.filter(state=Job.State.PENDING, claimed_by="").count() == 2
    assert signal.getsignal(signal.SIGTERM) == before  # handlers are put back


def test_a_second_signal_stops_at_once():
    flag = StopFlag()
    flag(signal.SIGINT)
    assert flag.is_set()
    with pytest.raises(KeyboardInterrupt):
        flag(signal.SIGINT)


def test_an_idle_worker_wakes_up_when_asked_to_stop():
    asked: list[bool] = []

    def stop() -> bool:  # asked on its third look: a nap of an hour must end there
        asked.append(len(asked) >= 2)
        return asked[-1]

    nap(3600, stop)
    assert asked == [False, False, True]


@pytest.mark.django_db
def test_a_worker_without_once_sleeps_when_idle_and_stops_on_request():
    jobs.enqueue(COUNT_JOB, {"n": 7})
    idle_looks: list[int] = []

    def stop() -> bool:  # stop once it has looked for work again and napped after the job
        if COUNTS[7]:
            idle_looks.append(1)
        return len(idle_looks) >= 3

    ran = work(kinds=[COUNT_JOB], sleep=0.05, stop=stop)
    assert ran == 1 and dict(COUNTS) == {7: 1}
    assert len(idle_looks) >= 3  # it waited for work instead of exiting


def test_kinds_may_be_given_with_commas_or_spaces():
    assert split_kinds(["intake.parse,analysis.embed", "triage.remind"]) == [
        "intake.parse",
        "analysis.embed",
        "triage.remind",
    ]
    assert split_kinds(None) is None
