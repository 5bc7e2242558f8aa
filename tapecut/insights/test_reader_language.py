"""Insights in the reader's language: each theme named in it on the dashboard, the themes export,
a theme's cost page and the weekly digest (rendered per leader's language); the chart's units."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.test import Client

from tapecut.analysis.models import Theme
from tapecut.insights import digest
from tapecut.insights.testing import THEMES

pytestmark = pytest.mark.django_db


@pytest.fixture
def titled(world: Any) -> dict[str, Theme]:
    """The seeded themes with a title from a report in each language."""
    for key, theme in world.themes.items():
        theme.titles = {"de": f"DE {THEMES[key]}", "en": f"EN {THEMES[key]}"}
        theme.title_source = Theme.TitleSource.REPORT
        theme.save(update_fields=["titles", "title_source", "updated_at"])
    cache.clear()
    return world.themes


def leader(personas: Any, language: str) -> Client:
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(personas.leader)
    return client


def test_the_dashboard_and_the_export_name_themes_in_the_readers_language(
    personas: Any, titled: dict[str, Theme]
) -> None:
    title = THEMES["T1"]
    for language, other in (("de", "en"), ("en", "de")):
        client = leader(personas, language)
        page = client.get("/insights/").content.decode()
        assert f"{language.upper()} {title}" in page and f"{other.upper()} {title}" not in page
        rows = list(csv.reader(io.StringIO(client.get("/insights/export/themes.csv").text)))
        titles = {row[1] for row in rows[1:]}
        assert f"{language.upper()} {title}" in titles, titles
        cost = client.get(f"/insights/cost/themes/{titled['T1'].pk}/").content.decode()
        assert f"{language.upper()} {title}" in cost


def test_the_digest_names_new_themes_in_each_leaders_language(
    world: Any, titled: dict[str, Theme]
) -> None:
    built = digest.build_digest(world.base + timedelta(days=1))
    german = digest.render_digest(built, "de")[1]
    english = digest.render_digest(built, "en")[1]
    assert f"- DE {THEMES['T1']} (" in german and f"EN {THEMES['T1']}" not in german
    assert f"- EN {THEMES['T1']} (" in english and f"DE {THEMES['T1']}" not in english


def test_the_days_to_done_chart_gives_its_unit_in_the_readers_language(
    personas: Any, world: Any
) -> None:
    cache.clear()
    german = leader(personas, "de").get("/insights/").content.decode()
    english = leader(personas, "en").get("/insights/").content.decode()
    assert "0–7 Tg." in german and "0–7 d" not in german
    assert "0–7 d" in english
