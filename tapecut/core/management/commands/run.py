"""``tapecut run``: everything Tapecut needs on one machine, as child processes.

* ``web``: gunicorn serving ``tapecut.wsgi`` (whitenoise serves the static files);
* ``smtpd``: the SMTP receiver (``tapecut smtpd``);
* ``worker``: the background job runner (``tapecut worker``);
* ``scheduler``: periodic management commands (``tapecut.core.schedule``).

A child that dies is started again; SIGTERM or Ctrl-C stops them all.
"""

from __future__ import annotations

import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser, OutputWrapper
from django.db import connections

from tapecut.core import jobs, schedule
from tapecut.core.supervisor import ProcessSpec, Supervisor, spawn, tapecut_argv

SERVICES = ("web", "smtpd", "worker", "scheduler")


def parse_only(value: str) -> list[str]:
    names = [n.strip() for n in value.split(",") if n.strip()]
    unknown = sorted(set(names) - set(SERVICES))
    if unknown or not names:
        raise CommandError(f"--only takes a comma-separated list of: {', '.join(SERVICES)}")
    return names


def bind(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def reachable(host: str) -> str:
    """Where to connect to reach a server listening on ``host``."""
    return {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)  # noqa: S104


def web_url() -> str:
    host = reachable(settings.TAPECUT_WEB_HOST)
    return f"http://{bind(host, settings.TAPECUT_WEB_PORT)}/"


def web_argv() -> list[str]:
    return [
        sys.executable,
        "-m",
        "gunicorn",
        "tapecut.wsgi:application",
        "--bind",
        bind(settings.TAPECUT_WEB_HOST, settings.TAPECUT_WEB_PORT),
        "--workers",
        str(settings.TAPECUT_WEB_WORKERS),
        "--graceful-timeout",
        "10",
        # Access log without client addresses; workers die with the master (see the module).
        "--config",
        "python:tapecut.core.gunicorn_conf",
        # Its default path in $HOME is shared by every gunicorn of the user; we do not use it.
        "--no-control-socket",
    ]


def process_specs(only: list[str]) -> list[ProcessSpec]:
    # The checks ran once in this process already; each child would only repeat their warnings.
    lanes = jobs.lanes()
    argv = {
        "web": [web_argv()],
        "smtpd": [tapecut_argv("smtpd", "--skip-checks")],
        # A worker per lane (intake's parsing), so new mail never waits behind a backlog of
        # analysis (such as the demo's fifty reports, or a re-analysis after a model change).
        "worker": [
            tapecut_argv("worker", "--skip-checks"),
            *(tapecut_argv("worker", "--skip-checks", "--kinds", *k) for k in lanes.values()),
        ],
    }
    names = {"worker": ["worker", *(f"worker-{lane}" for lane in lanes)]}
    return [
        ProcessSpec(label, tuple(args))
        for name in only
        for label, args in zip(names.get(name, [name]), argv.get(name, []), strict=False)
    ]


def banner(only: list[str], extra: list[str]) -> list[str]:
    lines = ["", "Tapecut is running."]
    if "web" in only:
        lines.append(f"  Web:   {web_url()}  (log in at {web_url()}accounts/login/)")
    if "smtpd" in only:
        smtp = bind(settings.TAPECUT_SMTP_HOST, settings.TAPECUT_SMTP_PORT)
        lines.append(f"  SMTP:  {smtp}  (mail to {', '.join(settings.TAPECUT_RECIPIENTS)})")
    lines += [f"  {line}" for line in extra]
    lines += ["  Stop:  Ctrl-C (or SIGTERM)", ""]
    return lines


def ready_ports(only: list[str]) -> list[tuple[str, int]]:
    ports = []
    if "web" in only:
        ports.append((reachable(settings.TAPECUT_WEB_HOST), settings.TAPECUT_WEB_PORT))
    if "smtpd" in only:
        ports.append((reachable(settings.TAPECUT_SMTP_HOST), settings.TAPECUT_SMTP_PORT))
    return ports


def make_scheduler(only: list[str]) -> schedule.Scheduler | None:
    if "scheduler" not in only or not settings.TAPECUT_SCHEDULER:
        return None
    return schedule.Scheduler(
        schedule.active_tasks(), launch=lambda argv: spawn(tapecut_argv(*argv))
    )


def serve(stdout: OutputWrapper, only: list[str], extra: list[str] | None = None) -> None:
    """Start the services in ``only``, print where they are once they answer, run until stopped."""
    if "web" in only:
        call_command("collectstatic", interactive=False, verbosity=0)
    scheduler = make_scheduler(only)

    def tick() -> list[subprocess.Popen[Any]]:
        if scheduler is None:
            return []
        scheduler.tick()
        return list(scheduler.running.values())

    # Children open their own connections; none of ours should stay open (or locked) meanwhile.
    connections.close_all()
    supervisor = Supervisor(
        process_specs(only),
        on_tick=tick,
        on_ready=lambda: stdout.write("\n".join(banner(only, extra or []))),
        ready_ports=ready_ports(only),
    )
    supervisor.serve()


class Command(BaseCommand):
    help = "Run the web server, SMTP receiver, worker and scheduler until stopped."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--only",
            default=",".join(SERVICES),
            help=f"Comma-separated services to run (default: {','.join(SERVICES)}).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        only = parse_only(options["only"])
        self.check_migrations()
        serve(self.stdout, only)
