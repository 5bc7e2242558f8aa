"""Killing the receiver at random loses no acknowledged message and stores none twice."""

from __future__ import annotations

import io

import pytest

from tapecut.bench import intake_crash


@pytest.mark.slow
def test_sigkill_under_load_loses_nothing_acknowledged() -> None:
    options = {
        "seconds": 5.0,
        "clients": 4,
        "min_interval": 0.3,
        "max_interval": 1.0,
        "seed": 7,
        "json": True,
    }
    result = intake_crash.run(options, io.StringIO())
    assert result["kills"] >= 1
    assert result["acknowledged"] > 0
    assert result["lost"] == 0
    assert result["duplicated"] == 0
    assert result["unknown_stored"] == 0
    assert result["stored"] >= result["acknowledged"]
