"""``tapecut bench smtp``: our receiver against a bare aiosmtpd that discards, same load.

Both run as their own processes; ours stores every message in a throwaway SQLite database
(WAL, synchronous=FULL) and answers each ``250`` after that message's own commit. The clients
are threads of this process, one connection each, sending distinct 3–10 KB messages. The two
servers take turns for ``--rounds`` rounds so that other load on the machine hits both alike.

``disk_commits_per_s`` is what a bare SQLite loop of single-row commits reaches in the same
folder: no receiver that commits once per message can beat it. ``--database-url`` measures
against another (empty, throwaway) database instead, such as PostgreSQL.
"""

from __future__ import annotations

import argparse
import os
import random
import smtplib
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tapecut.devtools import smtpenv as env_

HELP = "Throughput and latency of tapecut smtpd against a bare aiosmtpd (32 clients)."
OURS = ["tapecut", "smtpd", "--port"]
BARE = ["tapecut.devtools.smtpenv", "bare"]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seconds", type=float, default=5.0, help="load time per round")
    parser.add_argument("--rounds", type=int, default=3, help="turns each server takes")
    parser.add_argument("--clients", type=int, default=32, help="concurrent client threads")
    parser.add_argument("--store-threads", type=int, default=0, help="0: the server's default")
    parser.add_argument(
        "--var-dir",
        default=None,
        help="where the throwaway database lives (default: the system temp folder); its disk's "
        "fsync time bounds the commits per second",
    )
    parser.add_argument(
        "--database-url",
        default="",
        help="an empty throwaway database to use instead of SQLite (it is migrated and filled)",
    )
    parser.add_argument("--json", action="store_true", help="print only the JSON line on stdout")


@dataclass
class Load:
    seconds: float = 0.0
    sent: int = 0
    acknowledged: int = 0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, latency: float | None) -> None:
        with self.lock:
            self.sent += 1
            if latency is None:
                self.errors += 1
            else:
                self.acknowledged += 1
                self.latencies.append(latency)

    def percentile_ms(self, q: int) -> float:
        if len(self.latencies) < 2:
            return round(sum(self.latencies) * 1000, 2)
        return round(statistics.quantiles(self.latencies, n=100)[q - 1] * 1000, 2)

    @property
    def rate(self) -> float:
        return round(self.acknowledged / self.seconds, 1) if self.seconds else 0.0


def _client(
    port: int, index: int, tag: str, start: threading.Barrier, until: list[float], load: Load
) -> None:
    rng = random.Random(f"{tag}-{index}")
    sender = f"client{index}@bench.invalid"
    # Made before the clock starts; each message then gets its own headers, so no two are equal.
    bodies = [env_.message_body(rng) for _ in range(16)]
    smtp = env_.connect(port)
    start.wait()
    seq = 0
    while time.monotonic() < until[0]:
        seq += 1
        raw = env_.message_head(sender, f"{tag}-{index}-{seq}") + bodies[seq % len(bodies)]
        began = time.perf_counter()
        try:
            smtp.sendmail(sender, [env_.RECIPIENT], raw)
        except (smtplib.SMTPException, OSError):
            load.add(None)
            smtp.close()
            smtp = env_.connect(port)
            continue
        load.add(time.perf_counter() - began)
    smtp.quit()


def drive(port: int, clients: int, seconds: float, tag: str, load: Load) -> None:
    """Send from ``clients`` threads for ``seconds`` into ``load``; progress once a second."""
    until = [float("inf")]
    start = threading.Barrier(clients + 1)
    threads = [
        threading.Thread(target=_client, args=(port, i, tag, start, until, load), daemon=True)
        for i in range(clients)
    ]
    for thread in threads:
        thread.start()
    start.wait()
    began = shown = time.monotonic()
    until[0] = began + seconds
    while any(t.is_alive() for t in threads):
        time.sleep(0.02)
        if time.monotonic() - shown >= 1.0:
            shown = time.monotonic()
            sys.stderr.write(f"  {tag}: {load.acknowledged} acknowledged in all\n")
    load.seconds += time.monotonic() - began


def _round(
    args: list[str], env: dict[str, str], log: Path, options: dict[str, Any], tag: str, load: Load
) -> None:
    port = env_.free_port()
    with log.open("ab") as log_file:
        proc = env_.start([*args, str(port)], env, log_file)
        try:
            if not env_.wait_for_port(port):
                raise RuntimeError(f"{tag} server did not start; see {log}")
            sys.stderr.write(f"{tag}: {options['clients']} clients, {options['seconds']} s\n")
            drive(port, options["clients"], options["seconds"], tag, load)
        finally:
            env_.stop(proc)


def disk_commits_per_s(folder: Path, seconds: float = 1.0) -> float:
    """Single-row commits a second in ``folder`` with the settings the receiver uses."""
    db = sqlite3.connect(folder / "ceiling.sqlite3", isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE t (body BLOB)")
    body, count = os.urandom(6000), 0
    began = time.monotonic()
    while time.monotonic() - began < seconds:
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO t VALUES (?)", (body,))
        db.execute("COMMIT")
        count += 1
    elapsed = time.monotonic() - began
    db.close()
    return round(count / elapsed, 1)


def _compare(var: Path, options: dict[str, Any]) -> tuple[Load, Load, int]:
    extra = {}
    if options.get("store_threads"):
        extra["TAPECUT_SMTP_STORE_THREADS"] = str(options["store_threads"])
    if options.get("database_url"):
        extra["DATABASE_URL"] = options["database_url"]
    env = env_.throwaway_env(var, **extra)
    env_.migrate(env)
    ours, bare = Load(), Load()
    for i in range(options["rounds"]):
        _round(OURS, env, var / "ours.log", options, f"ours{i}", ours)
        _round(BARE, env, var / "bare.log", options, f"bare{i}", bare)
    return ours, bare, len(env_.count_markers(env))


def run(options: dict[str, Any], out: Any) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(
        prefix="tapecut-bench-smtp-", dir=options.get("var_dir")
    ) as tmp:
        ceiling = None if options.get("database_url") else disk_commits_per_s(Path(tmp))
        ours, bare, stored = _compare(Path(tmp), options)
    result = {
        "ours_msgs_per_s": ours.rate,
        "bare_msgs_per_s": bare.rate,
        "ratio": round(ours.rate / bare.rate, 3) if bare.rate else None,
        "p50_ms": ours.percentile_ms(50),
        "p99_ms": ours.percentile_ms(99),
        "bare_p50_ms": bare.percentile_ms(50),
        "bare_p99_ms": bare.percentile_ms(99),
        "disk_commits_per_s": ceiling,
        "sent": ours.sent,
        "acknowledged": ours.acknowledged,
        "stored": stored,
        "errors": ours.errors,
        "clients": options["clients"],
        "seconds": round(ours.seconds, 1),
    }
    if not options.get("json"):
        out.write(
            f"ours {ours.rate}/s (p50 {result['p50_ms']} ms, p99 {result['p99_ms']} ms), "
            f"bare {bare.rate}/s, ratio {result['ratio']}; "
            f"bare SQLite commits here: {ceiling}/s"
        )
    return result
