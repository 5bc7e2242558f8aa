"""Every main page, the API docs and the admin under the strict content security policy, the
headers as the browser receives them, and the watch itself."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Error as PlaywrightError

from tapecut.core.security import POLICY
from tapecut.triage.factories import make_report, make_theme
from tapecut.triage.personas import make_user

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

STRICT = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
PAGES = [
    "/report/",
    "/receipt/",
    "/accounts/login/",
    "/inbox/",
    "/themes/",
    "/changes/",
    "/changes/new/",
    "/board/",
    "/audit/",
    "/insights/",
    "/accounts/2fa/setup/",
    "/accounts/password_change/",
]


def test_the_watch_sees_scripts_dialogs_refusals_and_requests_elsewhere(browsing: Any) -> None:
    """The other tests' "nothing happened" means something only if the watch works."""
    page = browsing.page()
    page.goto("/report/")
    page.evaluate("setTimeout(() => { throw new Error('boom') }, 0)")
    page.evaluate("alert('hello')")
    page.evaluate(
        "const img = document.createElement('img');"
        "img.src = 'https://evil.example/pixel.gif'; document.body.append(img);"
    )
    with pytest.raises(PlaywrightError):
        page.goto("https://evil.example/")
    watch = browsing.watch
    assert watch.left == ["https://evil.example/"]
    assert any("boom" in e for e in watch.errors)
    assert watch.dialogs == ["alert: hello"]
    # The policy refused the image before any request was made.
    assert any("evil.example/pixel.gif" in r for r in watch.refused)
    assert not any("pixel.gif" in url for url in watch.left)


def test_the_browser_gets_the_security_headers(browsing: Any) -> None:
    assert POLICY == STRICT
    response = browsing.page().goto("/report/")
    headers = response.headers
    assert headers["content-security-policy"] == STRICT
    assert "camera=()" in headers["permissions-policy"]
    assert headers["cross-origin-opener-policy"] == "same-origin"
    assert headers["x-frame-options"] == "DENY"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "same-origin"


def test_main_pages_keep_to_the_strict_policy(
    browsing: Any, e2e_settings: Any, screenshot: Any
) -> None:
    report = make_report("Form X", "Every request needs three signatures.")
    theme = make_theme("Signatures", [report])
    page = browsing.page(make_user("ada", "admin", "triager", staff=True))
    for path in [*PAGES, f"/reports/{report.pk}/", f"/themes/{theme.pk}/"]:
        response = page.goto(path)
        assert response.status == 200, path
        assert response.headers["content-security-policy"] == STRICT, path
        page.wait_for_load_state("load")
    browsing.watch.assert_clean()


def test_api_docs_work_under_the_strict_policy(browsing: Any) -> None:
    page = browsing.page()
    response = page.goto("/api/v1/docs")
    assert response.headers["content-security-policy"] == STRICT
    page.locator(".swagger-ui .opblock").first.wait_for()
    assert page.locator(".swagger-ui .opblock").count() >= 5
    browsing.watch.assert_clean()


def test_the_admin_works_under_the_strict_policy(browsing: Any) -> None:
    admin = make_user("root", staff=True)
    admin.is_superuser = True
    admin.save()
    page = browsing.page(admin)
    for path in ("/admin/", "/admin/auth/user/", f"/admin/auth/user/{admin.pk}/change/"):
        response = page.goto(path)
        assert response.status == 200, path
        assert response.headers["content-security-policy"] == STRICT, path
        page.wait_for_load_state("load")
    browsing.watch.assert_clean()
