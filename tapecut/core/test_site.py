"""The page frame every page shares: the style sheet, the favicon, the skip link and landmarks,
and a 404 page that leads back into the site, in both languages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client, RequestFactory
from django.utils import translation
from django.views.defaults import server_error

from tapecut.core.site_views import FAVICON
from tapecut.triage.personas import make_user

pytestmark = pytest.mark.django_db


def test_favicon_answers_at_the_root() -> None:
    response = Client().get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    body = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert body == FAVICON.read_bytes()
    assert body[:4] == b"\x00\x00\x01\x00"  # an ICO header


def test_every_page_has_the_style_sheet_skip_link_and_landmarks() -> None:
    html = Client().get("/report/").content.decode()
    assert "tapecut/tapecut.css" in html
    assert 'rel="icon"' in html
    assert '<a class="skip" href="#main">' in html
    assert '<main id="main"' in html
    assert '<header class="top">' in html and '<footer class="bottom">' in html
    assert '<nav aria-label="Main">' in html


def test_the_style_sheet_documents_its_classes() -> None:
    css = (FAVICON.parent / "tapecut.css").read_text()
    head = css.split("*/", 1)[0]
    for name in (".badge", ".status-done", ".age-late", "table.list", ".stack", ".visually-hidden"):
        assert name in head, name
    assert ":focus-visible" in css


def test_the_current_section_is_marked_in_the_navigation() -> None:
    client = Client()
    client.force_login(make_user("tess", "triager"))
    html = client.get("/themes/").content.decode()
    assert 'href="/themes/" aria-current="page"' in html
    assert 'href="/inbox/" aria-current' not in html


@pytest.mark.parametrize(
    ("language", "heading", "back"),
    [
        ("en", "Page not found", "Go to the start page"),
        ("de", "Seite nicht gefunden", "Zur Startseite"),
    ],
)
def test_the_404_page_leads_back_into_the_site(language: str, heading: str, back: str) -> None:
    response = Client(headers={"accept-language": language}).get("/no/such/page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert heading in html
    assert f'<a href="/">{back}</a>' in html
    assert 'href="/report/"' in html
    assert "tapecut/tapecut.css" in html


def test_the_404_page_offers_the_inbox_to_the_team(settings: Any) -> None:
    client = Client()
    client.force_login(make_user("tess", "triager"))
    html = client.get("/no/such/page/").content.decode()
    assert 'href="/inbox/"' in html


@pytest.mark.parametrize(
    ("language", "heading", "back"),
    [
        ("en", "Something went wrong on our side", "Go to the start page"),
        ("de", "Bei uns ist etwas schiefgegangen", "Zur Startseite"),
    ],
)
def test_the_500_page_speaks_the_readers_language(language: str, heading: str, back: str) -> None:
    with translation.override(language):
        response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert f'<html lang="{language}">' in html
    assert f"<h1>{heading}</h1>" in html and f'<a href="/">{back}</a>' in html
