"""The test run uses its own var dir, never the developer's ./var."""

from pathlib import Path

from django.conf import settings


def test_tests_use_a_throwaway_var_dir() -> None:
    assert Path(settings.VAR_DIR) != Path(__file__).resolve().parents[2] / "var"
