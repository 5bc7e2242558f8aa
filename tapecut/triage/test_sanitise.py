"""Hostile mail rendered on the report pages: nothing active, nothing remote survives."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from tapecut.intake.models import Mode
from tapecut.triage.factories import make_report
from tapecut.triage.sanitise import clean_html, display_url, looks_misleading

HOSTILE = sorted((Path(__file__).parent / "fixtures" / "hostile").glob("*.eml"))

ACTIVE_TAGS = {
    "script", "style", "iframe", "frame", "frameset", "object", "embed", "applet", "form",
    "input", "button", "select", "textarea", "svg", "math", "img", "picture", "source", "video",
    "audio", "link", "meta", "base", "portal", "noscript", "template", "foreignobject",
}  # fmt: skip
URL_ATTRS = {"href", "src", "srcset", "action", "formaction", "background", "poster", "data"}


class Collector(HTMLParser):
    """The tags and attributes inside the element whose class is ``original-html``."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if self.depth:
            self.tags.append((tag, values))
            if tag not in {"br", "hr"}:
                self.depth += 1
        elif "original-html" in values.get("class", "").split():
            self.depth = 1

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.text.append(data)


def inside_original(page: str) -> Collector:
    collector = Collector()
    collector.feed(page)
    return collector


def assert_inert(collector: Collector) -> None:
    for tag, attrs in collector.tags:
        assert tag not in ACTIVE_TAGS, tag
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            assert name not in {"style", "srcdoc", "formaction", "background", "id"}, (tag, name)
            if name in URL_ATTRS:
                assert re.match(r"(https?|mailto):", value, re.I), (tag, name, value)
        if tag == "a":
            assert set(attrs.get("rel", "").split()) >= {"noopener", "noreferrer", "nofollow"}
        if tag in {"td", "th"}:
            for span in ("colspan", "rowspan"):
                assert int(attrs.get(span, "1")) <= 50


@pytest.fixture
def triager_client(client_as):  # type: ignore[no-untyped-def]
    return client_as("triager")


def test_the_fixtures_are_there() -> None:
    assert len(HOSTILE) >= 12


@pytest.mark.parametrize("path", HOSTILE, ids=lambda p: p.stem)
@pytest.mark.django_db
def test_hostile_mail_is_inert_on_the_page(path: Path, triager_client) -> None:  # type: ignore[no-untyped-def]
    report = make_report(raw=path.read_bytes(), sender="hostile@attacker.example")
    page = triager_client.get(f"/reports/{report.pk}/original/").content.decode()
    collector = inside_original(page)
    assert collector.tags or collector.text, "the HTML part was not shown at all"
    assert_inert(collector)
    lowered = page.lower()
    for needle in (
        "javascript:",
        "vbscript:",
        "expression(",
        "data:text",
        "data:image",
        "tracker.",
    ):
        assert needle not in lowered, needle
    # The only script on the page is our own, served from our static files.
    assert re.findall(r"<script[^>]*>", page) == [
        '<script src="/static/vendor/htmx/htmx.min.js" defer>'
    ]
    # The plain-text part shows its markup as text.
    assert "&lt;script&gt;alert(&#x27;text&#x27;)&lt;/script&gt;" in page
    report_page = triager_client.get(f"/reports/{report.pk}/").content.decode()
    assert "alert(" not in report_page


@pytest.mark.django_db
def test_links_show_their_real_target(triager_client) -> None:  # type: ignore[no-untyped-def]
    path = next(p for p in HOSTILE if p.stem == "lookalike_links")
    report = make_report(raw=path.read_bytes(), sender="hostile@attacker.example")
    page = triager_client.get(f"/reports/{report.pk}/original/").content.decode()
    assert '<span class="link-target" data-mismatch="1">[https://evil.example/login]</span>' in page
    assert "[https://bank.example.evil.example/]" in page
    # A Cyrillic "а" in the host is shown in punycode, and flagged.
    assert '<a href="https://xn--bnk-6cd.example/" rel="noopener noreferrer nofollow">' in page
    assert "[https://xn--bnk-6cd.example/]" in page
    assert '<span class="link-target">[https://bank.example/help]</span>' in page


@pytest.mark.django_db
def test_protected_reports_show_only_the_sanitised_copy(triager_client) -> None:  # type: ignore[no-untyped-def]
    path = next(p for p in HOSTILE if p.stem == "scripts")
    report = make_report(
        raw=path.read_bytes(), sender="hostile@attacker.example", mode=Mode.PSEUDONYMOUS
    )
    page = triager_client.get(f"/reports/{report.pk}/original/").content.decode()
    assert "hostile@attacker.example" not in page
    assert "Hostile Sender" not in page
    assert "X-Tapecut-Sanitised" not in page or "sanitised" in page.lower()


def test_clean_html_unit_cases() -> None:
    assert clean_html('<a href="javascript:alert(1)">x</a>') == "x"
    assert "<b>" in clean_html("<b>bold</b>")
    assert 'colspan="50"' in clean_html('<table><tr><td colspan="9999">x</td></tr></table>')
    assert display_url("https://bücher.example/a") == "https://xn--bcher-kva.example/a"
    assert looks_misleading("https://bank.example", "https://evil.example")
    assert not looks_misleading("bank.example", "https://www.bank.example/x")
    assert not looks_misleading("Click here", "https://evil.example")
