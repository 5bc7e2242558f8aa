"""``tapecut eval real-mail``: each check fails when it should, and an absent folder is said."""

from __future__ import annotations

import json
import shutil
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tapecut.evals import real_mail

FIXTURES = Path(real_mail.__file__).resolve().parents[1] / "intake" / "fixtures" / "eml"


def run(*args: str) -> tuple[dict, str]:
    out = StringIO()
    call_command("eval", "real-mail", *args, stdout=out)
    lines = out.getvalue().strip().splitlines()
    return json.loads(lines[-1]), "\n".join(lines[:-1])


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """Our own parser fixtures, as a corpus."""
    shutil.copytree(FIXTURES, tmp_path / "mail")
    return tmp_path / "mail"


@pytest.mark.django_db(transaction=True)  # the eval's own throwaway database
def test_a_folder_of_mail_is_parsed_and_imported_whole(folder: Path) -> None:
    result, _said = run(str(folder))
    files = len([p for p in folder.rglob("*") if p.is_file()])
    assert result["present"] and result["failures"] == [] and result["files"] == files
    assert sum(result["parsed"].values()) == files
    assert result["imported"]["messages"] == files
    assert result["imported"]["reports"] == result["parsed"]["report"]


@pytest.mark.django_db(transaction=True)  # the eval's own throwaway database
def test_a_parser_bug_fails_the_run_and_names_the_file(folder: Path, monkeypatch) -> None:
    victim = sorted(folder.iterdir())[0]
    real = real_mail.parse_message

    def buggy(raw: bytes):
        if raw == victim.read_bytes():
            raise RuntimeError("parser bug")
        return real(raw)

    monkeypatch.setattr(real_mail, "parse_message", buggy)
    out = StringIO()
    with pytest.raises(CommandError, match="1 check"):
        call_command("eval", "real-mail", str(folder), stdout=out)
    assert f"{victim.name}: the parser raised RuntimeError('parser bug')" in out.getvalue()


def test_named_files_must_be_there_and_read_as_expected(folder: Path, monkeypatch) -> None:
    reports = [p for p in sorted(folder.iterdir()) if real_mail.read(p.read_bytes())[0] == "report"]
    report = reports[0]
    monkeypatch.setattr(
        real_mail,
        "EXPECTED",
        {report.name: ("non-report", ""), "gone.eml": ("report", "")},
    )
    monkeypatch.setattr(real_mail, "EXPECTED_GLOBS", {})
    assert real_mail.check_expected(folder) == [
        f"{report.name}: read as report, should be non-report",
        "gone.eml: expected in the corpus, not found",
    ]
    subject = real_mail.read(report.read_bytes())[1]
    monkeypatch.setattr(real_mail, "EXPECTED", {report.name: ("", subject + "!")})
    assert real_mail.check_expected(folder) == [
        f"{report.name}: subject read as {subject!r}, should be {subject + '!'!r}"
    ]


def test_the_shared_corpus_must_keep_its_shape() -> None:
    assert (
        real_mail.check_shape(real_mail.Counter({"report": 190, "non-report": 40, "rejected": 4}))
        == []
    )
    assert real_mail.check_shape(real_mail.Counter({"report": 10, "non-report": 40})) != []


def test_an_absent_folder_is_said_and_fails_only_when_required(tmp_path: Path) -> None:
    result, said = run(str(tmp_path / "none"))
    assert result == {"path": str(tmp_path / "none"), "present": False}
    assert "nothing was checked" in said
    with pytest.raises(CommandError, match="no mail folder"):
        run(str(tmp_path / "none"), "--require")
