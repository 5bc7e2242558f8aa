"""Periodic work: which management command runs how often, and the loop that starts them.

Apps add their own tasks with ``register(Periodic(...))`` from ``AppConfig.ready()``. The
scheduler inside ``tapecut run`` starts each due task as a child process (``tapecut <command>``)
and never runs two copies of one task at once. When a task last started is kept in a small
JSON file, so a restart does not postpone (or repeat) work. Run one scheduler per installation;
tasks must be idempotent all the same, because a crash can repeat the last run.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from subprocess import Popen
from typing import Any

from django.conf import settings
from django.core.management import get_commands

log = logging.getLogger(__name__)

# Give the web server and the worker a moment before the first round of periodic work.
START_DELAY = 10.0


@dataclass(frozen=True)
class Periodic:
    name: str
    every: float  # seconds
    argv: tuple[str, ...]  # a management command and its arguments
    enabled: Callable[[], bool] = lambda: True


_REGISTRY: dict[str, Periodic] = {}


def register(task: Periodic) -> Periodic:
    """Add or replace a periodic task (by name)."""
    _REGISTRY[task.name] = task
    return task


def imap_configured() -> bool:
    return bool(getattr(settings, "TAPECUT_IMAP_HOST", ""))


def default_tasks() -> list[Periodic]:
    return [
        Periodic(
            "poll", settings.TAPECUT_SCHEDULE_POLL_SECONDS, ("poll", "--once"), imap_configured
        ),
        Periodic(
            "recluster", settings.TAPECUT_SCHEDULE_RECLUSTER_SECONDS, ("analyse", "--recluster")
        ),
        Periodic("remind", settings.TAPECUT_SCHEDULE_REMIND_SECONDS, ("remind",)),
        Periodic("digest", settings.TAPECUT_SCHEDULE_DIGEST_SECONDS, ("digest",)),
    ]


def all_tasks() -> list[Periodic]:
    """The defaults, then what apps registered (a registered task replaces a default by name)."""
    tasks = {t.name: t for t in default_tasks()}
    tasks.update(_REGISTRY)
    return list(tasks.values())


def active_tasks() -> list[Periodic]:
    """Tasks that are switched on and whose command exists in this installation."""
    commands = get_commands()
    active = []
    for task in all_tasks():
        if task.argv[0] not in commands:
            log.info("periodic task %s skipped: no command %r", task.name, task.argv[0])
        elif task.every <= 0 or not task.enabled():
            log.info("periodic task %s is switched off", task.name)
        else:
            active.append(task)
    return active


def state_path() -> Path:
    return Path(settings.VAR_DIR) / "schedule.json"


def due(tasks: list[Periodic], last: dict[str, float], now: float, started: float) -> list[str]:
    """Names of tasks due at ``now``: never run, or run longer than ``every`` ago."""
    if now - started < START_DELAY:
        return []
    return [t.name for t in tasks if now - last.get(t.name, float("-inf")) >= t.every]


class Scheduler:
    """Starts due tasks through ``launch`` and remembers when each last started."""

    def __init__(
        self,
        tasks: list[Periodic],
        launch: Callable[[tuple[str, ...]], Popen[Any]],
        path: Path | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.tasks = {t.name: t for t in tasks}
        self.launch = launch
        self.path = path or state_path()
        self.clock = clock
        self.started = clock()
        self.last = self._load()
        self.running: dict[str, Popen[Any]] = {}

    def _load(self) -> dict[str, float]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            log.warning("ignoring unreadable scheduler state %s: %s", self.path, exc)
            return {}
        return {k: float(v) for k, v in data.items() if isinstance(v, int | float)}

    def _save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.last, indent=1, sort_keys=True), encoding="utf-8")
        tmp.replace(self.path)

    def tick(self) -> list[str]:
        """Reap finished tasks and start due ones; return the names started."""
        self.reap()
        now = self.clock()
        names = due(list(self.tasks.values()), self.last, now, self.started)
        names = [n for n in names if n not in self.running]
        for name in names:
            log.info("periodic task %s starting", name)
            self.running[name] = self.launch(self.tasks[name].argv)
            self.last[name] = now
        if names:
            self._save()
        return names

    def reap(self) -> None:
        for name, proc in list(self.running.items()):
            code = proc.poll()
            if code is None:
                continue
            del self.running[name]
            if code == 0:
                log.info("periodic task %s finished", name)
            else:
                log.warning("periodic task %s exited with status %s", name, code)
