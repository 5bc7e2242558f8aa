"""The periodic-task registry and the scheduler loop inside ``tapecut run``."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from typing import Any, cast

import pytest

from tapecut.core import schedule
from tapecut.core.schedule import START_DELAY, Periodic, Scheduler, due


class FakeProc:
    def __init__(self) -> None:
        self.code: int | None = None

    def poll(self) -> int | None:
        return self.code


class Launcher:
    def __init__(self) -> None:
        self.started: list[tuple[str, ...]] = []
        self.procs: list[FakeProc] = []

    def __call__(self, argv: tuple[str, ...]) -> subprocess.Popen[Any]:
        self.started.append(argv)
        self.procs.append(FakeProc())
        return cast(subprocess.Popen[Any], self.procs[-1])


class Clock:
    def __init__(self) -> None:
        self.now = 50_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def registry() -> Iterator[dict[str, Periodic]]:
    saved = dict(schedule._REGISTRY)
    schedule._REGISTRY.clear()
    yield schedule._REGISTRY
    schedule._REGISTRY.clear()
    schedule._REGISTRY.update(saved)


TASKS = [Periodic("often", 60, ("check",)), Periodic("rarely", 3600, ("check", "--deploy"))]


def test_nothing_is_due_in_the_first_seconds_after_start():
    assert due(TASKS, {}, now=105.0, started=100.0) == []
    assert due(TASKS, {}, now=100.0 + START_DELAY, started=100.0) == ["often", "rarely"]


def test_a_task_is_due_again_once_its_interval_has_passed():
    last = {"often": 1000.0, "rarely": 1000.0}
    assert due(TASKS, last, now=1059.0, started=0.0) == []
    assert due(TASKS, last, now=1060.0, started=0.0) == ["often"]
    assert due(TASKS, last, now=4600.0, started=0.0) == ["often", "rarely"]


def test_the_scheduler_starts_due_tasks_and_never_two_copies_of_one(tmp_path):
    clock, launch = Clock(), Launcher()
    sched = Scheduler(TASKS, launch, tmp_path / "schedule.json", clock)
    clock.now += START_DELAY
    assert sched.tick() == ["often", "rarely"]
    assert launch.started == [("check",), ("check", "--deploy")]
    clock.now += 60
    assert sched.tick() == []  # "often" is still running
    launch.procs[0].code = 0
    assert sched.tick() == ["often"]
    assert set(sched.running) == {"often", "rarely"}


def test_a_restart_remembers_when_each_task_last_ran(tmp_path):
    clock, launch = Clock(), Launcher()
    path = tmp_path / "schedule.json"
    Scheduler(TASKS, launch, path, clock).tick()
    clock.now += START_DELAY
    Scheduler(TASKS, launch, path, clock).tick()
    assert len(launch.started) == 0  # the first one was still in its start delay
    first = Scheduler(TASKS, launch, path, clock)
    clock.now += START_DELAY
    assert first.tick() == ["often", "rarely"]
    restarted = Scheduler(TASKS, launch, path, clock)
    clock.now += START_DELAY + 1
    assert restarted.tick() == []  # ran moments ago, before the restart
    clock.now += 60
    assert restarted.tick() == ["often"]


def test_an_unreadable_state_file_is_ignored(tmp_path):
    path = tmp_path / "schedule.json"
    path.write_text("{not json")
    clock, launch = Clock(), Launcher()
    sched = Scheduler(TASKS, launch, path, clock)
    clock.now += START_DELAY
    assert sched.tick() == ["often", "rarely"]
    assert '"often"' in path.read_text()


def test_active_tasks_leave_out_missing_commands_and_switched_off_tasks(registry, settings):
    settings.TAPECUT_IMAP_HOST = ""
    settings.TAPECUT_SCHEDULE_DIGEST_SECONDS = 0
    schedule.register(Periodic("checks", 300, ("check",)))
    schedule.register(Periodic("missing", 300, ("no-such-command",)))
    names = {t.name for t in schedule.active_tasks()}
    assert "checks" in names
    assert "missing" not in names
    assert "poll" not in names  # no IMAP mailbox configured
    assert "digest" not in names  # interval 0 switches it off


def test_a_registered_task_replaces_a_default_of_the_same_name(registry, settings):
    settings.TAPECUT_IMAP_HOST = "imap.corp.example"
    schedule.register(Periodic("poll", 15, ("check",)))
    tasks = {t.name: t for t in schedule.all_tasks()}
    assert tasks["poll"].argv == ("check",)
    assert tasks["poll"].every == 15
    assert {"recluster", "remind", "digest"} <= set(tasks)
