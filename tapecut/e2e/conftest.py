"""Browser tests: Debian's Chromium, driven by Playwright, against pytest-django's live server.

One browser for all of them (starting Chromium costs about two seconds); a fresh context
(cookies, storage, language) per person in a test. Every page is watched: a script error, a
dialog, a content-security-policy refusal or a request to any host but the live server is
recorded (the request aborted), and each test ends with ``Watch.assert_clean``.

The tests are transactional (the live server runs in another thread) and ask for
``serialized_rollback``: the flush after each one gives back the rows that migrations made
(categories, role groups), which the tests that run after them rely on.

Chromium is Debian's (``scripts/install-test-deps.sh``), never one that Playwright downloads:
the machines running these tests have no network beyond the package registries.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client

# Playwright's sync API drives the browser from an asyncio event loop that it runs in this
# thread. Django sees a running loop and refuses ORM calls from the same thread
# (SynchronousOnlyOperation), though the tests' own database calls are plain synchronous ones
# between browser steps, never inside the loop. So this is set while the browser is open, and
# only then: the other tests keep Django's check. The server under test runs in its own thread.
ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # The machines have no network: anything Chromium fetches for itself is only noise.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Where screenshots go when asked for (`TAPECUT_SCREENSHOTS=docs/screenshots`); never in CI.
SCREENSHOTS = os.environ.get("TAPECUT_SCREENSHOTS", "")


@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    """One Chromium for the browser tests, closed when they are done (its event loop would
    otherwise stay running under every later test in this process)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: run `sh scripts/install-test-deps.sh` (Debian's chromium)."
        )
    from playwright.sync_api import sync_playwright

    before = os.environ.get(ASYNC_UNSAFE)
    os.environ[ASYNC_UNSAFE] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if before is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = before


# The database's rows as migrations left them, kept by pytest-django for serialized_rollback.
_MIGRATION_ROWS: dict[str, str] = {}


def keep_migration_rows() -> None:
    from django.db import connections

    for connection in connections.all():
        contents = getattr(connection, "_test_serialized_contents", None)
        if contents:
            _MIGRATION_ROWS[connection.alias] = contents


@pytest.fixture(scope="package", autouse=True)
def migration_rows_given_back(django_db_blocker: Any) -> Iterator[None]:
    """The flush after the last browser test leaves the tables empty; give back the rows that
    migrations made, for the transactional tests of other packages that run after these.
    (Read during the tests: Django keeps connections per event loop, and Playwright's loop is
    gone by now.)"""
    yield
    from django.db import connections

    with django_db_blocker.unblock():
        for alias, contents in _MIGRATION_ROWS.items():
            connections[alias].creation.deserialize_db_from_string(contents)


@dataclass
class Watch:
    """What the pages did that they must not."""

    origin: str
    left: list[str] = field(default_factory=list)  # requests to another host, aborted
    errors: list[str] = field(default_factory=list)  # uncaught script errors
    dialogs: list[str] = field(default_factory=list)  # alert(), confirm(), prompt()
    refused: list[str] = field(default_factory=list)  # content-security-policy refusals

    def route(self, route: Any) -> None:
        url = route.request.url
        parts = urlsplit(url)
        if parts.scheme in {"http", "https", "ws", "wss"} and (
            f"{parts.scheme}://{parts.netloc}" != self.origin
        ):
            self.left.append(url)
            route.abort()
        else:
            route.continue_()

    def console(self, message: Any) -> None:
        if message.type == "error" and "Content Security Policy" in message.text:
            self.refused.append(message.text)

    def dialog(self, dialog: Any) -> None:
        self.dialogs.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()

    def assert_clean(self, *, allow_refused: bool = False) -> None:
        assert self.left == [], f"requests left for other hosts: {self.left}"
        assert self.errors == [], f"script errors: {self.errors}"
        assert self.dialogs == [], f"dialogs opened: {self.dialogs}"
        if not allow_refused:
            assert self.refused == [], f"the content security policy refused: {self.refused}"


@dataclass
class Browsing:
    """Opens watched browser contexts on the live server, as nobody or as a user."""

    browser: Any
    base_url: str
    watch: Watch
    contexts: list[Any] = field(default_factory=list)

    def page(self, user: Any = None, *, language: str = "en-GB") -> Any:
        context = self.browser.new_context(
            base_url=self.base_url, locale=language, service_workers="block"
        )
        self.contexts.append(context)
        # A missing element fails in seconds, not after Playwright's default half minute.
        context.set_default_timeout(10_000)
        context.route("**/*", self.watch.route)
        if user is not None:
            context.add_cookies([self.session_cookie(user)])
        page = context.new_page()
        page.on("pageerror", lambda exc: self.watch.errors.append(str(exc)))
        page.on("console", self.watch.console)
        page.on("dialog", self.watch.dialog)
        page.on("websocket", lambda ws: self.watch.left.append(ws.url))
        return page

    def session_cookie(self, user: Any) -> dict[str, Any]:
        """A logged-in session without typing the password (hashing one costs a quarter
        second); test_triage_flow logs in through the real page once."""
        client = Client()
        client.force_login(user)
        value = client.cookies[settings.SESSION_COOKIE_NAME].value
        return {"name": settings.SESSION_COOKIE_NAME, "value": value, "url": self.base_url}

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def browsing(browser: Any, live_server: Any) -> Iterator[Browsing]:
    base = live_server.url
    parts = urlsplit(base)
    keep_migration_rows()
    session = Browsing(browser, base, Watch(origin=f"{parts.scheme}://{parts.netloc}"))
    yield session
    session.close()


@pytest.fixture
def screenshot() -> Callable[[Any, str], None]:
    """``screenshot(page, "inbox")`` writes docs/screenshots/inbox.png, only when asked."""

    def take(page: Any, name: str) -> None:
        if not SCREENSHOTS:
            return
        folder = Path(SCREENSHOTS)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        print(f"screenshot: {path}")  # shown with -s: says which files were (re)written

    return take


@pytest.fixture
def e2e_settings(settings: Any) -> Any:
    """What every browser test wants: the form accepts a quick hand, figures are fresh."""
    settings.TAPECUT_FORM_MIN_SECONDS = 0
    settings.TAPECUT_INSIGHTS_CACHE_SECONDS = 0
    return settings
