"""A theme is named in the reader's language on every page that names it: the report page, the
inbox (column, filter, bulk bar), the theme list and page, the change pages. A title the team
typed is the same for every reader."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tapecut.analysis import curation
from tapecut.analysis.models import ReportAnalysis, Theme
from tapecut.triage import actions
from tapecut.triage.factories import make_report, make_theme

pytestmark = pytest.mark.django_db

GERMAN = "Reisekostenantrag braucht drei Unterschriften"
ENGLISH = "Travel form needs three signatures"


def in_language(client: Client, language: str) -> Client:
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = language
    return client


def a_theme() -> tuple[Theme, list[Any]]:
    reports = [
        make_report("Reisekosten", "Der Antrag braucht drei Unterschriften.", language="de"),
        make_report("Travel form", "The travel form needs three signatures.", language="en"),
    ]
    theme = make_theme(
        GERMAN,
        reports,
        language="de",
        titles={"de": GERMAN, "en": ENGLISH},
        title_source=Theme.TitleSource.REPORT,
    )
    return theme, reports


def pages(theme: Theme, report: Any, change: Any) -> list[str]:
    return [
        f"/reports/{report.pk}/",
        "/inbox/",
        "/themes/",
        f"/themes/{theme.pk}/",
        f"/changes/{change.pk}/",
        f"/changes/new/?theme={theme.pk}",
    ]


def test_every_page_names_the_theme_in_the_readers_language(client_as: Any, personas: Any) -> None:
    theme, reports = a_theme()
    change = actions.do_create_change(
        title="Fewer signatures", actor=personas.admin, themes=[theme]
    )
    for language, shown, other in (("de", GERMAN, ENGLISH), ("en", ENGLISH, GERMAN)):
        client = in_language(client_as("admin"), language)
        for url in pages(theme, reports[1], change):
            page = client.get(url).content.decode()
            assert shown in page, (language, url)
            assert other not in page, (language, url)


def test_the_report_page_links_and_lists_the_theme_by_its_title_in_that_language(
    client_as: Any,
) -> None:
    theme, reports = a_theme()
    german = in_language(client_as("triager"), "de").get(f"/reports/{reports[1].pk}/").text
    assert f'<a href="/themes/{theme.pk}/">{GERMAN}</a>' in german
    assert f'<option value="{theme.pk}" selected>{GERMAN}</option>' in german
    english = in_language(client_as("triager"), "en").get(f"/reports/{reports[1].pk}/").text
    assert f'<a href="/themes/{theme.pk}/">{ENGLISH}</a>' in english


def test_the_inbox_lists_are_kept_apart_per_language(client_as: Any) -> None:
    theme, _reports = a_theme()
    option = f'<option value="{theme.pk}">{{}}</option>'
    for _round in range(2):  # the second round reads the lists kept from the first
        assert option.format(GERMAN) in in_language(client_as("triager"), "de").get("/inbox/").text
        assert option.format(ENGLISH) in in_language(client_as("triager"), "en").get("/inbox/").text


def test_a_change_made_from_the_theme_is_titled_in_the_readers_language(client_as: Any) -> None:
    theme, _reports = a_theme()
    page = in_language(client_as("triager"), "en").get(f"/changes/new/?theme={theme.pk}").text
    assert f'name="title" value="{ENGLISH}"' in page


def test_a_title_the_team_typed_is_the_same_in_both_languages(
    client_as: Any, personas: Any
) -> None:
    theme, reports = a_theme()
    curation.do_rename_theme(theme, "Signatures on travel forms", actor=personas.admin)
    for language in ("de", "en"):
        page = in_language(client_as("triager"), language).get(f"/reports/{reports[0].pk}/").text
        assert "Signatures on travel forms" in page and GERMAN not in page


def test_a_theme_without_a_title_in_the_readers_language_keeps_its_own(client_as: Any) -> None:
    theme, reports = a_theme()
    Theme.objects.filter(pk=theme.pk).update(titles={"de": GERMAN})
    page = in_language(client_as("triager"), "en").get(f"/reports/{reports[0].pk}/").text
    assert GERMAN in page


def test_a_report_proposed_for_a_theme_names_both_themes_in_the_readers_language(
    client_as: Any,
) -> None:
    theme, _reports = a_theme()
    elsewhere = make_report("Elsewhere", "Another form.", language="en")
    other = make_theme("Andere Formulare", [elsewhere], titles={"en": "Other forms"})
    ReportAnalysis.objects.filter(report=elsewhere).update(proposed_theme=theme)
    page = in_language(client_as("admin"), "en").get(f"/themes/{theme.pk}/").text
    assert "now in “Other forms”" in page and other.title not in page


def test_a_theme_with_neither_title_nor_keywords_is_named_by_its_number(client_as: Any) -> None:
    report = make_report("Taxi", "Taxi receipts need three signatures.")
    theme = make_theme("", [report])
    german = in_language(client_as("triager"), "de").get(f"/reports/{report.pk}/").text
    assert f'<a href="/themes/{theme.pk}/">Thema {theme.pk}</a>' in german
    english = in_language(client_as("triager"), "en").get(f"/reports/{report.pk}/").text
    assert f'<a href="/themes/{theme.pk}/">Theme {theme.pk}</a>' in english
