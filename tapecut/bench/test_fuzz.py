"""``tapecut bench fuzz``: each strategy runs clean for a while, and the atheris part reports."""

from __future__ import annotations

import importlib.util

import pytest

from tapecut.bench import _mime_strategies, fuzz


@pytest.mark.parametrize("name", ["random", "mutated", "noise", "structured"])
def test_each_strategy_runs_its_examples_without_a_finding(name: str) -> None:
    seeds = [p.read_bytes() for p in sorted(fuzz.FIXTURES.glob("*.eml"))[:5]]
    strategy = _mime_strategies.all_strategies(seeds)[name]
    result = fuzz.run_strategy(strategy, examples=40, seed=1)
    assert result["failure"] == ""
    assert result["examples"] >= 40
    assert result["slowest_ms"] < fuzz.SLOW_SECONDS * 1000


class BrokenParser(_mime_strategies.Checker):
    def check(self, raw: bytes) -> None:
        super().check(raw)
        raise RuntimeError("parser bug")


def test_a_finding_is_reported_not_raised() -> None:
    from hypothesis import strategies as st

    result = fuzz.run_strategy(st.just(b"x"), examples=5, seed=1, checker=BrokenParser())
    assert result["failure"].startswith("RuntimeError: parser bug")
    assert result["examples"] >= 1


def test_libfuzzer_statistics_are_read_from_its_log() -> None:
    log = (
        "#1024\tpulse  cov: 880 ft: 2100 corp: 40/1Mb\n"
        "#2048\tDONE   cov: 1051 ft: 3728 corp: 41/1Mb\n"
        "stat::number_of_executed_units: 2048\nstat::average_exec_per_sec:   73\n"
        "stat::peak_rss_mb:              216\n"
    )
    assert fuzz._libfuzzer_stats(log) == {
        "number_of_executed_units": 2048,
        "average_exec_per_sec": 73,
        "peak_rss_mb": 216,
        "coverage_edges": 1051,
        "features": 3728,
    }


def test_atheris_runs_where_installed_and_says_so_where_not(tmp_path) -> None:
    seeds = sorted(fuzz.FIXTURES.glob("*.eml"))[:3]
    result = fuzz.run_atheris(seeds, seconds=2, keep=tmp_path)
    if importlib.util.find_spec("atheris") is None:
        assert result == {
            "available": False,
            "why": "atheris is not installed (pip install atheris)",
        }
    else:
        assert result["exit_code"] == 0, result.get("output_tail")
        assert result["findings"] == []
        assert result["number_of_executed_units"] > 0


@pytest.mark.parametrize("charset", ["undefined", "idna", "punycode"])
def test_what_the_structured_fuzzer_found_stays_fixed(charset: str) -> None:
    # Found by the "structured" strategy: Message.get_payload() decodes 8-bit bytes with the
    # declared charset and only catches LookupError, while these codecs raise UnicodeError.
    from tapecut.intake.parsing import parse_message

    raw = (
        f"MIME-Version: 1.0\r\nContent-Type: text/plain; charset={charset}\r\n"
        "Content-Transfer-Encoding: base64\r\n\r\n"
    ).encode() + b"\x8e\r\n"
    assert isinstance(parse_message(raw).text, str)


def test_what_atheris_found_is_rejected_with_a_reason() -> None:
    # Found by atheris: the standard library raised ValueError for an RFC 2231 boundary whose
    # charset holds a NUL byte. It must go to quarantine with a reason, not crash the job.
    from tapecut.intake.parsing import MessageRejected, parse_message

    raw = (
        b"From: a@example.org\r\nContent-Type: multipart/mixed; boundary*=x\x00y''abc\r\n\r\nhi\r\n"
    )
    with pytest.raises(MessageRejected, match="MIME structure cannot be read"):
        parse_message(raw)
