"""/insights/how-we-count/ in the reader's language: docs/insights.de.md for a German page, the
English guide otherwise and wherever the German file is missing; both files give the same
numbers."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from tapecut.insights import guide

pytestmark = pytest.mark.django_db

URL = "/insights/how-we-count/"
ENGLISH = "<h1>Insights: the funnel and the impact, for leadership</h1>"
GERMAN = "<h1>Auswertung: was aus den Meldungen wird und was es bewirkt, für die Leitung</h1>"
GERMAN_GUIDE = guide.GUIDE.with_name("insights.de.md")

# Code (fenced blocks, inline spans) is copied into the German guide as it is; the prose writes
# numbers as its language does: 12,520.90 in English, 12.520,90 in German.
CODE = re.compile(r"```.*?```|`[^`]*`", re.DOTALL)
NUMBER = re.compile(r"\d[\d.,]*\d|\d")


def leader(personas: Any, language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(personas.leader)
    return client


def page(client: Client) -> str:
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def test_a_german_reader_gets_the_german_guide(personas: Any) -> None:
    german = page(leader(personas, "de-DE,de;q=0.9,en;q=0.5"))
    assert GERMAN in german and ENGLISH not in german
    assert "<h2>Erfüllungsaufwand (Standardkostenmodell)</h2>" in german
    assert "<title>Wie jede Zahl gezählt wird · Tapecut</title>" in german
    assert "<table>" in german and "<img" not in german
    assert 'href="dashboard.png"' not in german and "<p></p>" not in german  # no screenshot

    english = page(leader(personas, "en"))
    assert ENGLISH in english and GERMAN not in english

    by_cookie = leader(personas, "en")
    by_cookie.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"
    assert GERMAN in page(by_cookie)


def test_without_the_german_file_a_german_reader_gets_the_english_guide(
    personas: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    only_english = tmp_path / "insights.md"
    shutil.copy(guide.GUIDE, only_english)
    monkeypatch.setattr(guide, "GUIDE", only_english)
    german = page(leader(personas, "de"))
    assert ENGLISH in german and GERMAN not in german
    # The page around the guide still speaks German.
    assert "<title>Wie jede Zahl gezählt wird · Tapecut</title>" in german


def test_the_guide_is_chosen_by_the_primary_language() -> None:
    assert guide.guide_for("de") == GERMAN_GUIDE
    assert guide.guide_for("de-at") == GERMAN_GUIDE
    for other in ("en", "en-gb", "fr", "", None, "../de"):
        assert guide.guide_for(other) == guide.GUIDE, other


def english_value(token: str) -> str:
    return token.replace(",", "")


def german_value(token: str) -> str:
    return token.replace(".", "").replace(",", ".")


def test_the_german_guide_gives_the_same_numbers() -> None:
    english = guide.GUIDE.read_text(encoding="utf-8")
    german = GERMAN_GUIDE.read_text(encoding="utf-8")
    # Every digit sequence of the English guide, code included, is in the German one.
    missing = set(re.findall(r"\d+", english)) - set(re.findall(r"\d+", german))
    assert not missing, f"numbers of docs/insights.md missing in docs/insights.de.md: {missing}"
    # Code is copied as it is; the numbers in the prose are the same values, none more, none less.
    not_copied = Counter(CODE.findall(english)) - Counter(CODE.findall(german))
    assert not not_copied, f"code of docs/insights.md changed in docs/insights.de.md: {not_copied}"
    in_english = {english_value(t) for t in NUMBER.findall(CODE.sub(" ", english))}
    in_german = {german_value(t) for t in NUMBER.findall(CODE.sub(" ", german))}
    assert in_english - in_german == set(), "missing in the German guide"
    assert in_german - in_english == set(), "not in the English guide"
