"""Cross-site request forgery: every form carries a token, and every POST without one fails.

The second test walks the URL configuration itself, as the access table does
(tapecut/triage/test_access.py), so that a new page cannot slip past.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

import tapecut
from tapecut.triage.personas import make_user

PACKAGE = Path(tapecut.__file__).resolve().parent
FORM = re.compile(r"<form\b(?P<attrs>[^>]*)>(?P<body>.*?)</form>", re.DOTALL | re.IGNORECASE)
POST = re.compile(r"""method\s*=\s*["']?post""", re.IGNORECASE)
# The API authenticates each call by a bearer token, never by a cookie: nothing to forge.
# The one-click stop of a change's news (RFC 8058) is posted by mail programs without a cookie
# or a token: the signed link is the whole authority, and it can only stop news.
NO_COOKIE_AUTH = ("api/", "stop/")


def templates() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("templates/**/*.html"))


def test_there_are_templates_with_post_forms() -> None:
    forms = [m for p in templates() for m in FORM.finditer(p.read_text(encoding="utf-8"))]
    assert len([m for m in forms if POST.search(m["attrs"])]) >= 20


def test_every_post_form_carries_a_csrf_token() -> None:
    missing = []
    for path in templates():
        for match in FORM.finditer(path.read_text(encoding="utf-8")):
            if POST.search(match["attrs"]) and "{% csrf_token %}" not in match["body"]:
                missing.append(f"{path.relative_to(PACKAGE)}: <form{match['attrs'][:60]}>")
    assert missing == [], "add {% csrf_token %} to:\n" + "\n".join(missing)


def routes(patterns: list | None = None, prefix: str = "") -> list[str]:
    found: list[str] = []
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            found += routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            found.append(prefix + str(p.pattern))
    return sorted(set(found))


def concrete(route: str) -> str:
    """A path that resolves to the route: the forgery check runs before the view looks."""
    path = re.sub(r"<(?:int:)?\w+>", "1", route)
    path = re.sub(r"<(?:str|slug):\w+>", "x", path)
    path = re.sub(r"\(\?P<\w+>[^)]*\)", "auth", path)
    return "/" + path.replace("^", "").replace("$", "").replace("\\", "")


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["visitor", "superuser"])
def test_a_post_without_a_token_is_refused_everywhere(who: str) -> None:
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    if who == "superuser":
        user = make_user("root", staff=True)
        user.is_superuser = True
        user.save()
        client.force_login(user)
    accepted = []
    for route in routes():
        if route.startswith(NO_COOKIE_AUTH):
            continue
        response = client.post(concrete(route), {"text": "forged"})
        if response.status_code != 403 or b"CSRF" not in response.content:
            accepted.append(f"POST {concrete(route)}: {response.status_code}")
    assert accepted == [], "\n".join(accepted)


@pytest.mark.django_db
def test_the_same_post_with_the_token_gets_through() -> None:
    client = Client(enforce_csrf_checks=True)
    page = client.get("/receipt/")
    token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', page.content)
    assert token is not None
    data = {"code": "1234", "csrfmiddlewaretoken": token.group(1).decode()}
    response = client.post("/receipt/", data)
    assert response.status_code == 200 and b"No report has this code" in response.content
