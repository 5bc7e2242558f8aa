"""``tapecut bench intake-crash``: SIGKILL the receiver at random while clients flood it.

Every message carries a unique ``X-Bench-Seq`` marker. Clients retry after a dropped connection
or a ``4xx``, as a sending mail server would, and remember every message answered ``250``. At the
end the database is searched for each marker: a message acknowledged but not stored is *lost*,
a marker stored more than once is *duplicated*. Both must be 0.
"""

from __future__ import annotations

import argparse
import random
import smtplib
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tapecut.devtools import smtpenv as env_

HELP = "Kill tapecut smtpd at random under load; count acknowledged mail that was lost."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seconds", type=float, default=20.0, help="how long to flood and kill")
    parser.add_argument("--clients", type=int, default=8, help="concurrent client threads")
    parser.add_argument("--min-interval", type=float, default=0.5, help="shortest life (s)")
    parser.add_argument("--max-interval", type=float, default=2.0, help="longest life (s)")
    parser.add_argument("--seed", type=int, default=None, help="for the kill times")
    parser.add_argument("--json", action="store_true", help="print only the JSON line on stdout")


@dataclass
class Tally:
    sent: set[str] = field(default_factory=set)
    acknowledged: set[str] = field(default_factory=set)
    # Cut off by a kill after connecting: resent later, they must still be stored exactly once.
    interrupted: set[str] = field(default_factory=set)
    rejected: int = 0
    retries: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


class Victim:
    """The receiver process, restarted on the same port each time it is killed."""

    def __init__(self, env: dict[str, str], port: int, log: Path) -> None:
        self.env, self.port, self.log = env, port, log
        self.kills = 0
        self.proc = self._start()

    def _start(self) -> Any:
        with self.log.open("ab") as log:
            return env_.start(["tapecut", "smtpd", "--port", str(self.port)], self.env, log)

    def wait_up(self) -> None:
        if not env_.wait_for_port(self.port, timeout=60):
            raise RuntimeError(f"smtpd did not come up; see {self.log}")

    def kill_loop(self, until: float, rng: random.Random, low: float, high: float) -> None:
        while True:
            self.wait_up()
            time.sleep(rng.uniform(low, high))
            if time.monotonic() >= until:
                return
            self.proc.kill()
            self.proc.wait()
            self.kills += 1
            sys.stderr.write(f"  killed smtpd ({self.kills})\n")
            self.proc = self._start()


def _deliver(
    port: int, smtp: smtplib.SMTP | None, marker: str, raw: bytes, until: float, tally: Tally
) -> tuple[smtplib.SMTP | None, bool]:
    """Send until ``250``, a ``5xx`` or the end; return the connection to reuse and if acked."""
    sender = f"{marker.split('-')[0]}@bench.invalid"
    while time.monotonic() < until:
        connected = False
        try:
            smtp = smtp or env_.connect(port, timeout=10)
            connected = True
            smtp.sendmail(sender, [env_.RECIPIENT], raw)
            return smtp, True
        except smtplib.SMTPResponseException as exc:
            if exc.smtp_code >= 500:
                with tally.lock:
                    tally.rejected += 1
                return smtp, False
        except (smtplib.SMTPException, OSError):
            # A dropped connection, a refused connect, a refused recipient during restart.
            if connected:
                with tally.lock:
                    tally.interrupted.add(marker)
        if smtp is not None:
            smtp.close()
        smtp = None
        with tally.lock:
            tally.retries += 1
        time.sleep(0.05)
    return smtp, False


def _client(port: int, index: int, until: float, tally: Tally) -> None:
    rng = random.Random(index)
    smtp: smtplib.SMTP | None = None
    seq = 0
    while time.monotonic() < until:
        seq += 1
        marker = f"c{index}-{seq}"
        raw = env_.make_message(rng, f"c{index}@bench.invalid", marker)
        with tally.lock:
            tally.sent.add(marker)
        smtp, acked = _deliver(port, smtp, marker, raw, until, tally)
        if acked:
            with tally.lock:
                tally.acknowledged.add(marker)
    if smtp is not None:
        smtp.close()


def flood(victim: Victim, options: dict[str, Any], tally: Tally) -> None:
    victim.wait_up()
    until = time.monotonic() + options["seconds"]
    rng = random.Random(options.get("seed"))
    threads = [
        threading.Thread(target=_client, args=(victim.port, i, until, tally), daemon=True)
        for i in range(options["clients"])
    ]
    for thread in threads:
        thread.start()
    low, high = options["min_interval"], options["max_interval"]
    victim.kill_loop(until, rng, low, high)
    for thread in threads:
        thread.join()


def summary(tally: Tally, counts: dict[str, int], kills: int) -> dict[str, Any]:
    stored = {m for m in tally.sent if counts.get(m)}
    return {
        "sent": len(tally.sent),
        "acknowledged": len(tally.acknowledged),
        "stored": len(stored),
        "lost": len(tally.acknowledged - stored),
        "duplicated": sum(c - 1 for c in counts.values() if c > 1),
        "stored_unacknowledged": len(stored - tally.acknowledged),
        "interrupted_then_acknowledged": len(tally.interrupted & tally.acknowledged),
        "unknown_stored": len(set(counts) - tally.sent),
        "rejected": tally.rejected,
        "retries": tally.retries,
        "kills": kills,
    }


def run(options: dict[str, Any], out: Any) -> dict[str, Any]:
    tally = Tally()
    with tempfile.TemporaryDirectory(prefix="tapecut-bench-crash-") as tmp:
        env = env_.throwaway_env(Path(tmp))
        env_.migrate(env)
        victim = Victim(env, env_.free_port(), Path(tmp) / "smtpd.log")
        sys.stderr.write(f"flooding with {options['clients']} clients for {options['seconds']} s\n")
        try:
            flood(victim, options, tally)
            victim.wait_up()
        finally:
            env_.stop(victim.proc)
        result = summary(tally, env_.count_markers(env), victim.kills)
    if not options.get("json"):
        out.write(
            f"{result['kills']} kills: {result['acknowledged']} acknowledged, "
            f"{result['lost']} lost, {result['duplicated']} duplicated"
        )
    return result
