"""Every URL × every role → the expected status code.

The URLs come from the URL configuration itself, so a new page cannot slip past: a route with
no row in ACCESS fails ``test_every_url_has_a_row``. Each row names the method and the path
arguments to call it with, and what each persona must get. GET on a POST-only page checks the
role gate without doing anything: the gate answers first (302 to the login, 403), and only a
permitted user reaches the 405.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from tapecut.accounts.actions import do_create_token
from tapecut.analysis.models import DuplicateLink
from tapecut.core import storage
from tapecut.intake.models import Attachment
from tapecut.triage import actions, links, steps
from tapecut.triage.factories import make_report, make_theme
from tapecut.triage.models import Notice, SavedView
from tapecut.triage.personas import NAMES

ROLES = NAMES  # visitor (not logged in), the six roles, and an outsider with no role


def only(allowed: dict[str, int], otherwise: int = 403, visitor: int = 302) -> dict[str, int]:
    """``allowed`` roles get their code, a visitor is sent to log in, the rest ``otherwise``."""
    table = {name: otherwise for name in ROLES}
    table["visitor"] = visitor
    table.update(allowed)
    return table


def same(code: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, code)


def triage(code: int = 200) -> dict[str, int]:
    return only({"triager": code, "admin": code})


def changes_for(code: int = 200) -> dict[str, int]:
    # The change in the world belongs to the owner persona.
    return only({"triager": code, "owner": code, "admin": code})


ALL_ROLES = {"reporter", "triager", "owner", "leader", "custodian", "admin"}


def any_role(code: int = 200) -> dict[str, int]:
    return only(dict.fromkeys(ALL_ROLES, code))


def logged_in(code: int = 200) -> dict[str, int]:
    return only(dict.fromkeys([*ALL_ROLES, "outsider"], code), otherwise=code)


def api(allowed: dict[str, int], otherwise: int = 403) -> dict[str, int]:
    """API calls carry each persona's bearer token; a visitor has none (401)."""
    return only(allowed, otherwise=otherwise, visitor=401)


@dataclass(frozen=True)
class Check:
    expect: dict[str, int]
    method: str = "get"
    args: Callable[[Any], dict[str, Any]] = field(default=lambda w: {})
    body: Callable[[Any], dict[str, Any]] | None = None
    api: bool = False


def report_args(w: Any) -> dict[str, Any]:
    return {"pk": w.report.pk}


def change_args(w: Any) -> dict[str, Any]:
    return {"pk": w.change.pk}


ACCESS: dict[str, list[Check]] = {
    # Django's auth pages.
    "accounts/login/": [Check(same(200))],
    "accounts/logout/": [Check(same(405))],
    "accounts/password_change/": [Check(logged_in())],
    "accounts/password_change/done/": [Check(logged_in())],
    "accounts/password_reset/": [Check(same(200))],
    "accounts/password_reset/done/": [Check(same(200))],
    "accounts/reset/<uidb64>/<token>/": [
        Check(same(200), args=lambda w: {"uidb64": "MQ", "token": "set-password"})
    ],
    "accounts/reset/done/": [Check(same(200))],
    # Two-factor steps (tapecut.accounts.twofactor_views): nobody here has a device yet, so verify
    # sends to setup. security.txt is 404 until TAPECUT_SECURITY_CONTACT is set.
    "accounts/2fa/setup/": [Check(logged_in())],
    "accounts/2fa/verify/": [Check(logged_in(302))],
    ".well-known/security.txt": [Check(same(404))],
    # Intake: the old list address, the public web form and the receipt page.
    "reports/": [Check(same(302))],
    "report/": [Check(same(200))],
    "receipt/": [Check(same(200))],
    # Identity: only custodians reveal; the team's copy of an original message.
    "identity/reports/<int:pk>/reveal/": [Check(only({"custodian": 200}), args=report_args)],
    "identity/messages/<int:pk>/original.eml": [
        Check(
            only({"triager": 200, "custodian": 200, "admin": 200}),
            args=lambda w: {"pk": w.report.inbound_id},
        )
    ],
    # The API: bearer tokens, roles enforced per resource.
    "api/v1/openapi.json": [Check(same(200))],
    "api/v1/docs": [Check(same(200))],
    "api/v1/": [Check(same(404))],
    "api/v1/reports": [Check(api({"triager": 200, "admin": 200}), api=True)],
    "api/v1/reports/<report_id>": [
        Check(
            api({"triager": 200, "admin": 200}), api=True, args=lambda w: {"report_id": w.report.pk}
        )
    ],
    "api/v1/themes": [
        Check(api({"triager": 200, "admin": 200}), api=True),
        Check(
            api({"triager": 400, "admin": 400}),
            method="post",
            api=True,
            body=lambda w: {"title": "New", "report_ids": [999_999]},
        ),
    ],
    "api/v1/themes/<theme_id>": [
        Check(
            api({"triager": 200, "admin": 200}), api=True, args=lambda w: {"theme_id": w.theme.pk}
        ),
        Check(
            api({"triager": 200, "admin": 200}),
            method="patch",
            api=True,
            args=lambda w: {"theme_id": w.theme.pk},
            body=lambda w: {"title": "Travel forms"},
        ),
    ],
    "api/v1/themes/<theme_id>/reports": [
        Check(
            api({"triager": 400, "admin": 400}),
            method="post",
            api=True,
            args=lambda w: {"theme_id": w.theme.pk},
            body=lambda w: {"report_ids": [999_999]},
        )
    ],
    "api/v1/themes/<theme_id>/proposals/accept": [
        Check(
            api({"triager": 400, "admin": 400}),  # nothing is proposed for it
            method="post",
            api=True,
            args=lambda w: {"theme_id": w.theme.pk},
            body=lambda w: {},
        )
    ],
    "api/v1/themes/<theme_id>/merge": [
        Check(
            api({"triager": 400, "admin": 400}),
            method="post",
            api=True,
            args=lambda w: {"theme_id": w.theme.pk},
            body=lambda w: {"theme_id": w.theme.pk},
        )
    ],
    "api/v1/themes/<theme_id>/split": [
        Check(
            api({"triager": 400, "admin": 400}),
            method="post",
            api=True,
            args=lambda w: {"theme_id": w.theme.pk},
            body=lambda w: {"title": "Part", "report_ids": [999_999]},
        )
    ],
    "api/v1/themes/<theme_id>/edits": [
        Check(
            api({"triager": 200, "admin": 200}), api=True, args=lambda w: {"theme_id": w.theme.pk}
        )
    ],
    "api/v1/themes/edits/<edit_id>/undo": [
        Check(
            api({"triager": 404, "admin": 404}),
            method="post",
            api=True,
            args=lambda w: {"edit_id": 999_999},
            body=lambda w: {},
        )
    ],
    "api/v1/changes": [
        Check(api({"triager": 200, "owner": 200, "admin": 200}), api=True),
        Check(
            api({"triager": 201, "admin": 201}),
            method="post",
            api=True,
            body=lambda w: {"title": "From the API", "report_ids": [w.report.pk]},
        ),
    ],
    "api/v1/changes/<change_id>": [
        Check(
            api({"triager": 200, "owner": 200, "admin": 200}),
            api=True,
            args=lambda w: {"change_id": w.change.pk},
        )
    ],
    "api/v1/changes/<change_id>/reports": [
        Check(
            api({"triager": 200, "admin": 200}),
            method="post",
            api=True,
            args=lambda w: {"change_id": w.change.pk},
            body=lambda w: {"report_ids": [w.report.pk]},
        )
    ],
    "api/v1/changes/<change_id>/reports/remove": [
        # Removing needs a reason: a permitted caller without one gets 400.
        Check(
            api({"triager": 400, "admin": 400}),
            method="post",
            api=True,
            args=lambda w: {"change_id": w.change.pk},
            body=lambda w: {"report_ids": [w.report.pk]},
        )
    ],
    "api/v1/changes/<change_id>/texts/<lang>": [
        # The change belongs to the owner persona: it, triagers and admins write its texts.
        Check(
            api({"triager": 200, "owner": 200, "admin": 200}),
            method="put",
            api=True,
            args=lambda w: {"change_id": w.change.pk, "lang": "de"},
            body=lambda w: {"title": "Eine Unterschrift"},
        )
    ],
    "api/v1/changes/<change_id>/status": [
        # Proposed cannot jump to done: a permitted caller gets 400, the others 403.
        Check(
            api({"triager": 400, "owner": 400, "admin": 400}),
            method="post",
            api=True,
            args=lambda w: {"change_id": w.change.pk},
            body=lambda w: {"status": "done"},
        )
    ],
    "api/v1/merges": [
        Check(api({"triager": 200, "admin": 200}), api=True),
        Check(
            api({"triager": 400, "admin": 400}),
            method="post",
            api=True,
            body=lambda w: {"report_id": w.report.pk, "original_id": w.report.pk},
        ),
    ],
    "api/v1/merges/<link_id>/unmerge": [
        Check(
            api({"triager": 400, "admin": 400}),
            method="post",
            api=True,
            args=lambda w: {"link_id": w.link.pk},
            body=lambda w: {"reason": ""},
        )
    ],
    "api/v1/merges/<link_id>/reject": [
        Check(
            api({"triager": 404, "admin": 404}),
            method="post",
            api=True,
            args=lambda w: {"link_id": 999_999},
            body=lambda w: {"reason": "no"},
        )
    ],
    # Triage workspace.
    # The front door for visitors and people without a role; the team goes to its workspace.
    "": [Check(only({role: 302 for role in ALL_ROLES}, otherwise=200, visitor=200))],
    "inbox/": [Check(triage())],
    "inbox/saved/": [Check(triage(405))],
    "inbox/saved/<int:pk>/delete/": [Check(triage(405), args=lambda w: {"pk": w.saved.pk})],
    "reports/<int:pk>/": [Check(triage(), args=report_args)],
    "reports/<int:pk>/original/": [Check(triage(), args=report_args)],
    "reports/<int:pk>/attachments/<int:attachment_id>/": [
        Check(triage(), args=lambda w: {"pk": w.report.pk, "attachment_id": w.attachment.pk})
    ],
    "reports/<int:pk>/suggestion/": [Check(triage(405), args=report_args)],
    "reports/<int:pk>/question/": [Check(triage(405), args=report_args)],
    "reports/<int:pk>/note/": [Check(triage(405), args=report_args)],
    "reports/<int:pk>/assign/": [Check(triage(405), args=report_args)],
    "themes/": [Check(triage())],
    "themes/<int:pk>/": [Check(triage(), args=lambda w: {"pk": w.theme.pk})],
    "themes/<int:pk>/edit/": [Check(triage(405), args=lambda w: {"pk": w.theme.pk})],
    "themes/new/": [Check(triage(405))],
    "changes/": [Check(changes_for())],
    "changes/new/": [Check(triage())],
    "changes/<int:pk>/": [Check(changes_for(), args=change_args)],
    "changes/<int:pk>/status/": [Check(changes_for(405), args=change_args)],
    "changes/<int:pk>/owner/": [Check(triage(405), args=change_args)],
    "changes/<int:pk>/evidence/": [Check(changes_for(405), args=change_args)],
    "changes/<int:pk>/evidence/<int:evidence_id>/": [
        Check(changes_for(), args=lambda w: {"pk": w.change.pk, "evidence_id": w.evidence.pk})
    ],
    "changes/<int:pk>/note/": [Check(changes_for(405), args=change_args)],
    "changes/<int:pk>/link/": [Check(triage(405), args=change_args)],
    "changes/<int:pk>/unlink/": [Check(triage(405), args=change_args)],
    "changes/<int:pk>/attention/": [Check(changes_for(405), args=change_args)],
    "changes/<int:pk>/texts/": [Check(changes_for(), args=change_args)],
    "changes/<int:pk>/owner-link/": [Check(triage(405), args=change_args)],
    # The roadmap is internal by default: anybody signed in (test_board covers public and off).
    "board/": [Check(logged_in())],
    "board/<int:pk>/me-too/": [Check(same(405), args=change_args)],
    "board/<int:pk>/follow/": [Check(same(405), args=change_args)],
    "stop/<str:token>/": [Check(same(200), args=lambda w: {"token": w.stop_token})],
    "owner/<str:token>/": [Check(same(404), args=lambda w: {"token": "not-a-link"})],
    # Reached by signed links from our mail, without an account.
    "follow/<str:token>/": [Check(same(200), args=lambda w: {"token": w.follow_token})],
    "feedback/<str:token>/": [Check(same(200), args=lambda w: {"token": w.feedback_token})],
    "audit/": [Check(only({"admin": 200}))],
    "audit/notices/<int:pk>/resend/": [Check(only({"admin": 405}), args=lambda w: {"pk": 1})],
    # Quarantined mail: admins work it, custodians may fetch protected bytes (with a reason).
    "quarantine/": [Check(only({"admin": 200, "custodian": 200}))],
    "quarantine/reparse/": [Check(only({"admin": 405}))],
    "quarantine/<int:pk>/raw/": [
        Check(only({"admin": 404, "custodian": 404}), args=lambda w: {"pk": 999_999})
    ],
    "quarantine/<int:pk>/<str:action>/": [
        Check(only({"admin": 405}), args=lambda w: {"pk": 1, "action": "reparse"})
    ],
    # A reporter's export and erasure: custodians only (POST with a reason).
    "privacy/": [Check(only({"custodian": 200}))],
    "privacy/export/": [Check(only({"custodian": 405}))],
    "privacy/erase/": [Check(only({"custodian": 405}))],
    "api/v1/quarantine": [Check(api({"admin": 200}), api=True)],
    "api/v1/quarantine/<pk>/reparse": [
        Check(api({"admin": 404}), method="post", api=True, args=lambda w: {"pk": 999_999})
    ],
    "api/v1/quarantine/<pk>/release": [
        Check(api({"admin": 404}), method="post", api=True, args=lambda w: {"pk": 999_999})
    ],
    "api/v1/quarantine/<pk>": [
        Check(api({"admin": 404}), method="delete", api=True, args=lambda w: {"pk": 999_999})
    ],
    # Single sign-on is off unless configured (test_sso.py turns it on).
    "sso/login/": [Check(same(404))],
    "sso/callback/": [Check(same(404))],
    "i18n/setlang/": [Check(same(302))],
    # Insights: the dashboard and its exports for leaders, triagers and admins.
    "insights/": [Check(only({"leader": 200, "triager": 200, "admin": 200}))],
    "insights/how-we-count/": [Check(only({"leader": 200, "triager": 200, "admin": 200}))],
    "insights/cost/themes/<int:pk>/": [
        Check(
            only({"leader": 200, "triager": 200, "admin": 200}), args=lambda w: {"pk": w.theme.pk}
        )
    ],
    "insights/cost/changes/<int:pk>/": [
        Check(only({"leader": 200, "triager": 200, "admin": 200}), args=change_args)
    ],
    "insights/export/<slug:kind>.<slug:fmt>": [
        Check(
            only({"leader": 200, "triager": 200, "admin": 200}),
            args=lambda w: {"kind": "reports", "fmt": "csv"},
        )
    ],
    "api/v1/insights/funnel": [Check(api({"leader": 200, "triager": 200, "admin": 200}), api=True)],
    "api/v1/insights/speed": [Check(api({"leader": 200, "triager": 200, "admin": 200}), api=True)],
    "api/v1/insights/impact": [Check(api({"leader": 200, "triager": 200, "admin": 200}), api=True)],
    "api/v1/insights/cost": [Check(api({"leader": 200, "triager": 200, "admin": 200}), api=True)],
    # Operations: Prometheus needs TAPECUT_METRICS_TOKEN (or an admin login); health is public.
    "metrics": [Check(only({"admin": 200}, visitor=401))],
    "healthz": [Check(same(200))],
    "favicon.ico": [Check(same(200))],
}

# Django's admin guards itself: staff only, everyone else is sent to its login page (through
# /admin/). The admin persona is staff without model permissions: Django decides what it sees.
ADMIN_PREFIX = "admin/"
ADMIN_PUBLIC = {"admin/login/": 200}


def all_routes(patterns: list[Any] | None = None, prefix: str = "") -> list[str]:
    routes: list[str] = []
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            routes += all_routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            routes.append(prefix + str(p.pattern))
    return sorted(set(routes))


_ARG = re.compile(r"<(?:\w+:)?(\w+)>")


def build_path(route: str, args: dict[str, Any]) -> str:
    return "/" + _ARG.sub(lambda m: str(args[m.group(1)]), route)


def admin_path(route: str) -> str:
    path = _ARG.sub("1", route)
    path = re.sub(r"\(\?P<app_label>[^)]*\)", "auth", path)
    path = re.sub(r"\(\?P<url>[^)]*\)", "nothing-here/", path)
    return "/" + path.replace("^", "").replace("$", "")


@dataclass
class World:
    report: Any
    theme: Any
    change: Any
    evidence: Any
    attachment: Any
    saved: Any
    link: Any
    follow_token: str
    feedback_token: str
    stop_token: str
    tokens: dict[str, str]


@pytest.fixture
def world(personas: Any) -> World:
    report = make_report(sender="nina@corp.example")
    other = make_report(sender="olaf@corp.example")
    digest = storage.put_blob(b"%PDF-1.4 fake")
    attachment = Attachment.objects.create(
        report=report, inbound=report.inbound, filename="a.pdf", size=13, sha256=digest
    )
    theme = make_theme("Travel forms", [report])
    change = actions.do_create_change(
        title="One signature", actor=personas.triager, owner=personas.owner, reports=[report]
    )
    evidence = actions.do_add_evidence(
        change, actor=personas.owner, filename="memo.txt", data=b"decided"
    )
    notice = Notice.objects.create(
        kind="outcome", change=change, report=report, reporter=report.reporter, channel="email"
    )
    link = DuplicateLink.objects.create(
        report=other, original=report, kind="manual", score=1.0, state="merged"
    )
    tokens = {
        name: do_create_token(personas.by_name(name))[1] for name in ROLES if name != "visitor"
    }
    return World(
        report=report,
        theme=theme,
        change=change,
        evidence=evidence,
        attachment=attachment,
        saved=SavedView.objects.create(user=personas.triager, name="mine", query="status=new"),
        link=link,
        follow_token=links.follow_token(report.pk),
        feedback_token=links.feedback_token(notice.pk),
        stop_token=steps.stop_token(change.pk, "p", report.reporter_id or 0),
        tokens=tokens,
    )


def test_every_url_has_a_row() -> None:
    missing = [r for r in all_routes() if r not in ACCESS and not r.startswith(ADMIN_PREFIX)]
    assert missing == [], f"add these URLs to ACCESS in {__file__}: {missing}"
    stale = sorted(set(ACCESS) - set(all_routes()))
    assert stale == [], f"these rows name no URL any more: {stale}"


def _call(client: Client, check: Check, path: str, token: str | None, world: World) -> int:
    kwargs: dict[str, Any] = {}
    if check.api and token:
        kwargs["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    if check.body is not None:
        kwargs.update(data=json.dumps(check.body(world)), content_type="application/json")
    response = getattr(client, check.method)(path, **kwargs)
    return int(response.status_code)


def _client(personas: Any, role: str) -> Client:
    # A server error is a wrong answer to report, not an exception that hides the others.
    client = Client(raise_request_exception=False)
    if personas.by_name(role) is not None:
        client.force_login(personas.by_name(role))
    return client


@pytest.mark.django_db
def test_every_url_for_every_role(personas: Any, world: World) -> None:
    wrong = []
    for role in ROLES:
        client = _client(personas, role)
        for route in all_routes():
            if route.startswith(ADMIN_PREFIX):
                continue
            for check in ACCESS[route]:
                path = build_path(route, check.args(world))
                got = _call(client, check, path, world.tokens.get(role), world)
                if got != check.expect[role]:
                    wrong.append(
                        f"{check.method.upper()} {path} as {role}: {got}, "
                        f"expected {check.expect[role]}"
                    )
    assert wrong == [], "\n".join(wrong)


@pytest.mark.django_db
def test_admin_site_is_for_staff_only(personas: Any) -> None:
    wrong = []
    for role in ROLES:
        client = _client(personas, role)
        for route in (r for r in all_routes() if r.startswith(ADMIN_PREFIX)):
            path = admin_path(route)
            got = client.get(path).status_code
            if route in ADMIN_PUBLIC:
                ok = got == ADMIN_PUBLIC[route] or (route == "admin/login/" and got == 302)
            elif role == "admin":
                ok = got in {200, 302, 403, 404, 405}
            else:
                ok = got == 302 and client.get(path)["Location"].startswith("/admin/")
            if not ok:
                wrong.append(f"GET {path} as {role}: {got}")
    assert wrong == [], "\n".join(wrong)
