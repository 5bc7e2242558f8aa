"""``tapecut bench scale``: the triage inbox and the dashboard with 100,000 reports, under load.

For each database (SQLite, and PostgreSQL on a private throwaway server) it migrates a throwaway
installation, fills it with reports recombined from real sentences and what analysis and triage
add to them (``tapecut.bench._scale_fill``), serves it with gunicorn and measures each page with
``wrk`` (``scripts/install-bench-deps.sh`` installs it): 16 connections, each a different
logged-in user. The goal is p95 ≤ 150 ms. Latencies come from wrk's own histogram.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from tapecut.devtools import smtpenv
from tapecut.devtools.installation import child_env, migrate
from tapecut.devtools.postgres import ThrowawayPostgres

HELP = "Fill N reports, serve with gunicorn, load /inbox/ and /insights/ with wrk (p50/p95/rps)."
GOAL_P95_MS = 150.0
PAGES = {"inbox": ("/inbox/", "triager"), "dashboard": ("/insights/", "leader")}
FALLBACK_DASHBOARD = "/board/"

# wrk runs this: every request carries the next user's session cookie; at the end one JSON line.
WRK_SCRIPT = """
local sessions = {%s}
local counter = 0
request = function()
  counter = counter + 1
  local key = sessions[(counter %% #sessions) + 1]
  return wrk.format("GET", nil, {["Cookie"] = "sessionid=" .. key})
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK {"requests":%%d,"seconds":%%.3f,"p50_ms":%%.2f,"p95_ms":%%.2f,"p99_ms":%%.2f,' ..
    '"max_ms":%%.2f,"non_2xx":%%d,"socket_errors":%%d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1e3,
    latency:percentile(95) / 1e3, latency:percentile(99) / 1e3, latency.max / 1e3,
    e.status, e.connect + e.read + e.write + e.timeout))
end
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reports", type=int, default=100_000, help="reports to fill")
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--users", type=int, default=16, help="concurrent connections (users)")
    parser.add_argument("--seconds", type=int, default=20, help="load per page")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn worker processes")
    parser.add_argument("--wrk-threads", type=int, default=2)
    parser.add_argument(
        "--insights-cache",
        type=int,
        default=None,
        help="TAPECUT_INSIGHTS_CACHE_SECONDS for the server (default: Tapecut's own)",
    )
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--json", action="store_true", help="print only the JSON line on stdout")


def run(options: dict[str, Any], out: Any) -> dict[str, Any]:
    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is not installed: run scripts/install-bench-deps.sh")
    databases = ["sqlite", "postgres"] if options["db"] == "both" else [options["db"]]
    result: dict[str, Any] = {"reports": options["reports"], "users": options["users"]}
    for db in databases:
        result[db] = measure_database(db, options, wrk)
    result["goal_p95_ms"] = GOAL_P95_MS
    result["goal_met"] = all(
        page["p95_ms"] <= GOAL_P95_MS for db in databases for page in result[db]["pages"].values()
    )
    if not options.get("json"):
        out.write(_summary(result, databases))
    return result


def measure_database(db: str, options: dict[str, Any], wrk: str) -> dict[str, Any]:
    with ExitStack() as stack:
        var_dir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="tapecut-scale-")))
        url, meters = "", {}
        if db == "postgres":
            server = stack.enter_context(ThrowawayPostgres())
            url = server.create_database("tapecut")
            meters["db"] = server.server_pid()
        env = child_env(var_dir, url, TAPECUT_LOG_LEVEL="WARNING")
        if options.get("insights_cache") is not None:
            env["TAPECUT_INSIGHTS_CACHE_SECONDS"] = str(options["insights_cache"])
        _say(f"[{db}] migrating")
        migrate(env)
        _say(f"[{db}] filling {options['reports']:,} reports")
        filled = _fill(env, options["reports"], options["seed"])
        _say(f"[{db}] filled in {filled['fill_s']} s from {filled['source']}")
        port = smtpenv.free_port()
        server_proc = _gunicorn(env, port, options["workers"], var_dir / "gunicorn.log")
        stack.callback(smtpenv.stop, server_proc)
        meters["web"] = server_proc.pid
        load = Load(port, filled["sessions"], options, wrk, var_dir, meters)
        pages = {name: load.page(name) for name in PAGES}
        return {
            "source": filled["source"],
            "fill_s": filled["fill_s"],
            "counts": filled["counts"],
            "pages": pages,
        }


def _fill(env: dict[str, str], reports: int, seed: int) -> dict[str, Any]:
    done = subprocess.run(
        [sys.executable, "-m", "tapecut.bench._scale_fill", str(reports), str(seed)],
        env=env,
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"filling failed: {done.stderr.decode()[-3000:]}")
    sys.stderr.write(done.stderr.decode())
    return dict(json.loads(done.stdout.decode().strip().splitlines()[-1]))


def _gunicorn(env: dict[str, str], port: int, workers: int, log: Path) -> Any:
    argv = ["gunicorn", "tapecut.wsgi:application", "--bind", f"127.0.0.1:{port}"]
    argv += ["--workers", str(workers), "--no-control-socket", "--access-logfile", "-"]
    with log.open("ab") as fh:
        proc = subprocess.Popen([sys.executable, "-m", *argv], env=env, stdout=fh, stderr=fh)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/accounts/login/", timeout=5)
            return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError(f"gunicorn did not answer; see {log}")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a redirect (to the login page) is an answer to report, not to follow


def _get(port: int, path: str, session: str) -> tuple[int, int, float]:
    """Status, bytes and milliseconds of one request as a logged-in user."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}", headers={"Cookie": f"sessionid={session}"}
    )
    opener = urllib.request.build_opener(_NoRedirect)
    started = time.perf_counter()
    try:
        with opener.open(request, timeout=120) as response:
            body = response.read()
            return response.status, len(body), (time.perf_counter() - started) * 1000
    except urllib.error.HTTPError as exc:
        return exc.code, 0, (time.perf_counter() - started) * 1000


@dataclass
class Load:
    """What ``page`` needs to load one page: the server, the sessions, wrk and its options."""

    port: int
    sessions: dict[str, list[str]]
    options: dict[str, Any]
    wrk: str
    var_dir: Path
    meters: dict[str, int]  # name → process whose tree's CPU time is measured

    def page(self, name: str) -> dict[str, Any]:
        path, role = PAGES[name]
        keys = self.sessions[role][: self.options["users"]]
        status, size, first_ms = _get(self.port, path, keys[0])
        if name == "dashboard" and status == 404:
            _say(f"  {path} is not there (404); measuring {FALLBACK_DASHBOARD} instead")
            path = FALLBACK_DASHBOARD
            status, size, first_ms = _get(self.port, path, keys[0])
        if status != 200:
            raise RuntimeError(f"{path} answered {status} to a logged-in {role}")
        for key in keys:  # each user once (and so each gunicorn worker), before the clock runs
            if _get(self.port, path, key)[0] != 200:
                raise RuntimeError(f"{path} refused one of the {role} sessions")
        before = {meter: tree_cpu_seconds(pid) for meter, pid in self.meters.items()}
        figures = self._wrk(path, keys)
        for meter, pid in self.meters.items():
            spent = tree_cpu_seconds(pid) - before[meter]
            figures[f"{meter}_cpu_ms_per_request"] = round(spent * 1000 / figures["requests"], 1)
        figures.update(path=path, bytes=size, first_request_ms=round(first_ms, 1))
        figures["rps"] = round(figures["requests"] / figures["seconds"], 1)
        _say(
            f"  {path}: p50 {figures['p50_ms']} ms, p95 {figures['p95_ms']} ms, "
            f"{figures['rps']}/s, {figures['web_cpu_ms_per_request']} ms CPU each"
        )
        return figures

    def _wrk(self, path: str, keys: list[str]) -> dict[str, Any]:
        script = self.var_dir / "sessions.lua"
        script.write_text(WRK_SCRIPT % ", ".join(f'"{k}"' for k in keys))
        argv = [self.wrk, "-t", str(self.options["wrk_threads"]), "-c", str(len(keys))]
        argv += ["-d", f"{self.options['seconds']}s", "--timeout", "10s", "-s", str(script)]
        argv.append(f"http://127.0.0.1:{self.port}{path}")
        done = subprocess.run(argv, capture_output=True, check=True, text=True)
        line = next(x for x in done.stdout.splitlines() if x.startswith("WRK "))
        return dict(json.loads(line[4:]))


def tree_cpu_seconds(pid: int) -> float:
    """CPU time of a process, of its children now, and of the children it already reaped.

    Read from /proc, so that the cost of a request can be told apart from the other load on a
    shared machine (wall-clock latency also counts the time spent waiting for a core).
    """
    pids = [pid, *(p for p in _all_pids() if _stat(p)[1] == str(pid))]
    ticks = sum(_cpu_ticks(p) for p in pids)
    return ticks / os.sysconf("SC_CLK_TCK")


def _all_pids() -> list[int]:
    return [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()]


def _stat(pid: int) -> list[str]:
    """Fields of /proc/PID/stat after the command name (state, ppid, …); [] once it is gone."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ["", ""]
    return text.rpartition(")")[2].split()


def _cpu_ticks(pid: int) -> int:
    fields = _stat(pid)
    # utime, stime, cutime, cstime
    return sum(int(x) for x in fields[11:15]) if len(fields) > 14 else 0


def _say(text: str) -> None:
    sys.stderr.write(text + "\n")


def _summary(result: dict[str, Any], databases: list[str]) -> str:
    lines = [f"{result['reports']:,} reports, {result['users']} concurrent users"]
    for db in databases:
        for name, page in result[db]["pages"].items():
            lines.append(
                f"  {db:8} {name:9} {page['path']:11} p50 {page['p50_ms']:7.1f} ms  "
                f"p95 {page['p95_ms']:7.1f} ms  {page['rps']:7.1f} req/s"
            )
    lines.append(f"goal p95 <= {GOAL_P95_MS:.0f} ms: {'met' if result['goal_met'] else 'MISSED'}")
    return "\n".join(lines)
