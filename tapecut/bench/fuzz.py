"""``tapecut bench fuzz``: fuzz the MIME parser for longer than the test suite can.

Two fuzzers, seeded from real mail (``../shared/data/email`` where present, else the intake
test fixtures):

* **hypothesis**, many examples of four strategies: random bytes, real mail with random edits,
  mail-shaped noise (header names, boundaries, charsets, encoded words) and structured MIME
  trees with hostile parameters;
* **atheris** (libFuzzer, coverage-guided) where it installs (``pip install atheris``), in a
  child process (``tapecut.bench._fuzz_atheris``) for ``--seconds``.

The parser must never raise anything but ``MessageRejected``, must keep ``ParsedMessage``'s
promises and must answer each input within two seconds.
"""

from __future__ import annotations

import argparse
import importlib.util
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from tapecut.bench import _mime_strategies
from tapecut.bench._sentences import SHARED

HELP = "Fuzz the MIME parser: hypothesis with many examples, then atheris where installed."
FIXTURES = Path(__file__).resolve().parents[1] / "intake" / "fixtures" / "eml"
MAX_SEED_BYTES = 256 * 1024
SLOW_SECONDS = 2.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--examples", type=int, default=5000, help="hypothesis, per strategy")
    parser.add_argument("--seconds", type=int, default=300, help="atheris time budget")
    parser.add_argument("--seed", type=int, default=20261126, help="hypothesis seed")
    parser.add_argument("--no-atheris", action="store_true")
    parser.add_argument("--keep", type=Path, default=None, help="folder for atheris' findings")
    parser.add_argument("--json", action="store_true", help="print only the JSON line on stdout")


def seed_files() -> tuple[list[Path], str]:
    shared = SHARED / "email"
    folder, source = (shared, str(shared)) if shared.is_dir() else (FIXTURES, "intake fixtures")
    if folder is FIXTURES:
        sys.stderr.write(f"NOTE: {shared} not found; seeding from the intake fixtures\n")
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return [p for p in files if p.stat().st_size <= MAX_SEED_BYTES], source


def run_hypothesis(seeds: list[bytes], examples: int, seed: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for name, strategy in _mime_strategies.all_strategies(seeds).items():
        out[name] = run_strategy(strategy, examples, seed)
        sys.stderr.write(f"  hypothesis {name}: {out[name]}\n")
    return out


def run_strategy(
    strategy: Any, examples: int, seed: int, checker: _mime_strategies.Checker | None = None
) -> dict[str, Any]:
    """Up to ``examples`` inputs; a failure is shrunk by hypothesis and reported, not raised."""
    from hypothesis import HealthCheck, given, settings
    from hypothesis import seed as fixed_seed

    checker = checker or _mime_strategies.Checker(slow_seconds=SLOW_SECONDS)

    @fixed_seed(seed)
    @settings(
        max_examples=examples,
        deadline=None,  # the checker limits CPU time, which a busy machine does not inflate
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def check(raw: bytes) -> None:
        assert checker is not None
        checker.check(raw)

    started = time.perf_counter()
    failure = ""
    try:
        check()
    except Exception as exc:  # a finding of the fuzzer
        failure = f"{type(exc).__name__}: {exc}"[:2000]
    seconds = round(time.perf_counter() - started, 1)
    return {**checker.summary(), "seconds": seconds, "failure": failure}


def run_atheris(seeds: list[Path], seconds: int, keep: Path | None) -> dict[str, Any]:
    if importlib.util.find_spec("atheris") is None:
        return {"available": False, "why": "atheris is not installed (pip install atheris)"}
    work = Path(tempfile.mkdtemp(prefix="tapecut-fuzz-"))
    corpus = work / "corpus"
    corpus.mkdir()
    for i, path in enumerate(seeds):
        shutil.copyfile(path, corpus / f"seed-{i:04d}")
    artifacts = keep or work / "findings"
    artifacts.mkdir(parents=True, exist_ok=True)
    argv = [sys.executable, "-m", "tapecut.bench._fuzz_atheris", f"-max_total_time={seconds}"]
    argv += ["-timeout=5", "-rss_limit_mb=2048", "-max_len=131072", "-print_final_stats=1"]
    argv += [f"-artifact_prefix={artifacts}/", str(corpus)]
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    result = _libfuzzer_stats(done.stderr)
    findings = sorted(p.name for p in artifacts.iterdir())
    result.update(available=True, exit_code=done.returncode, findings=findings, seeds=len(seeds))
    if done.returncode != 0:
        result["output_tail"] = done.stderr[-3000:]
        result["findings_dir"] = str(artifacts)
    if keep is None and not findings:
        shutil.rmtree(work, ignore_errors=True)
    return result


def _libfuzzer_stats(log: str) -> dict[str, Any]:
    stats: dict[str, Any] = {}
    for key in ("number_of_executed_units", "average_exec_per_sec", "peak_rss_mb"):
        found = re.search(rf"stat::{key}:\s+(\d+)", log)
        if found:
            stats[key] = int(found[1])
    cov = re.findall(r"cov: (\d+) ft: (\d+)", log)
    if cov:
        stats["coverage_edges"], stats["features"] = (int(x) for x in cov[-1])
    return stats


def run(options: dict[str, Any], out: Any) -> dict[str, Any]:
    paths, source = seed_files()
    seeds = [p.read_bytes() for p in paths]
    sys.stderr.write(f"{len(seeds)} seed messages from {source}\n")
    result: dict[str, Any] = {"seeds": len(seeds), "seed_source": source}
    result["hypothesis"] = run_hypothesis(seeds, options["examples"], options["seed"])
    if options.get("no_atheris"):
        result["atheris"] = {"available": False, "why": "--no-atheris"}
    else:
        result["atheris"] = run_atheris(paths, options["seconds"], options.get("keep"))
    failures = [n for n, r in result["hypothesis"].items() if r["failure"]]
    result["ok"] = not failures and result["atheris"].get("exit_code", 0) == 0
    if not options.get("json"):
        out.write(_summary(result))
    return result


def _summary(result: dict[str, Any]) -> str:
    lines = []
    for name, r in result["hypothesis"].items():
        state = "FAILED " + r["failure"][:200] if r["failure"] else "ok"
        lines.append(
            f"  hypothesis {name:12} {r['examples']:7,} inputs, slowest {r['slowest_ms']:.0f} ms: "
            f"{state}"
        )
    a = result["atheris"]
    if a.get("available"):
        lines.append(
            f"  atheris {a.get('number_of_executed_units', 0):,} inputs, "
            f"{a.get('coverage_edges', 0)} edges: exit {a['exit_code']}, findings {a['findings']}"
        )
    else:
        lines.append(f"  atheris not run: {a['why']}")
    return "\n".join(lines)
