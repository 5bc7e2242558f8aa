"""The German catalogues: every message translated, none left fuzzy, and the compiled .mo
files up to date with their .po files (compile with `msgfmt -o django.mo django.po` in each
LC_MESSAGES folder, or `django-admin compilemessages`). A .po edited but not compiled shows
the English text to a German reader without any other test noticing."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent
CATALOGUES = sorted(PACKAGE.glob("**/locale/de/LC_MESSAGES/django.po"))


def entries(po: Path) -> list[dict[str, object]]:
    """The entries of a .po file: msgctxt, msgid, msgid_plural, msgstr (a list), flags."""
    out: list[dict[str, object]] = []
    entry: dict[str, object] = {"flags": "", "msgstr": []}
    key = ""
    for raw in po.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        starts = line.startswith(("#", "msgctxt ", "msgid ")) or not line
        if starts and entry["msgstr"]:  # a new entry begins after the last one's msgstr
            out.append(entry)
            entry, key = {"flags": "", "msgstr": []}, ""
        if line.startswith("#,"):
            entry["flags"] = line[2:]
        elif line.startswith('"'):
            _append(entry, key, ast.literal_eval(line))
        elif line and not line.startswith("#"):
            key, _sep, value = line.partition(" ")
            _append(entry, key, ast.literal_eval(value), new=True)
    return out + ([entry] if entry["msgstr"] else [])


def _append(entry: dict[str, object], key: str, text: str, new: bool = False) -> None:
    if key.startswith("msgstr"):
        strings = entry["msgstr"]
        assert isinstance(strings, list)
        if new:
            strings.append("")
        strings[-1] += text
    else:
        entry[key] = ("" if new else str(entry.get(key, ""))) + text


def test_there_are_german_catalogues() -> None:
    assert PACKAGE / "locale/de/LC_MESSAGES/django.po" in CATALOGUES


@pytest.mark.parametrize("po", CATALOGUES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_every_message_is_translated_and_compiled(po: Path) -> None:
    with po.with_suffix(".mo").open("rb") as fh:
        compiled = gettext.GNUTranslations(fh)
    for entry in entries(po):
        msgid = str(entry["msgid"])
        if not msgid:
            continue  # the header
        strings = entry["msgstr"]
        assert isinstance(strings, list)
        assert "fuzzy" not in str(entry["flags"]), msgid
        assert all(strings), f"not translated: {msgid!r}"
        context = str(entry.get("msgctxt", ""))
        if "msgid_plural" in entry:
            plural = str(entry["msgid_plural"])
            got = [
                compiled.npgettext(context, msgid, plural, n) if context else
                compiled.ngettext(msgid, plural, n)
                for n in (1, 2)
            ]  # fmt: skip
            assert got == strings[:2], f"{po.name} not compiled: {msgid!r}"
        else:
            got_one = compiled.pgettext(context, msgid) if context else compiled.gettext(msgid)
            assert got_one == strings[0], f"{po.name} not compiled: {msgid!r}"
