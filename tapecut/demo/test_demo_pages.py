"""After the demo set-up (`tapecut demo --no-serve`: import and analysis), no page the team opens
shows a Python literal, in English or German, and German pages name categories in German."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from tapecut.analysis.models import Category, Theme
from tapecut.demo.actions import analyse_demo, do_import_demo, do_reset_demo_admin
from tapecut.intake.models import Report
from tapecut.triage import actions
from tapecut.triage.models import Change

pytestmark = pytest.mark.django_db

LITERAL = re.compile(
    r"\{'\w+': |\{&#x27;\w+&#x27;: |\[\{'|\[\{&#x27;|datetime\.datetime\(|datetime\.date\("
)


@pytest.fixture
def fast_hasher(settings):  # type: ignore[no-untyped-def]
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_no_page_shows_a_python_literal_after_the_demo(fast_hasher: None) -> None:
    do_import_demo()
    analyse_demo()
    admin: Any
    admin, _password = do_reset_demo_admin("demo")
    first = Report.objects.order_by("pk")[0]
    change = actions.do_create_change(title="Fewer signatures", actor=admin, reports=[first])
    actions.do_change_status(change, "approved", actor=admin)
    paths = ["/", "/inbox/", "/themes/", "/changes/", "/insights/", "/audit/", "/board/"]
    paths += [f"/reports/{pk}/" for pk in Report.objects.values_list("pk", flat=True)]
    paths += [f"/themes/{pk}/" for pk in Theme.objects.values_list("pk", flat=True)]
    paths += [f"/changes/{pk}/" for pk in Change.objects.values_list("pk", flat=True)]
    assert len(paths) > 50
    found = {}
    for language in ("en", "de"):
        client = Client(headers={"accept-language": language})
        client.force_login(admin)
        for path in paths:
            response = client.get(path, follow=True)
            assert response.status_code == 200, path
            match = LITERAL.search(response.content.decode())
            if match:
                found[f"{path} ({language})"] = match[0]
    assert found == {}


def test_german_pages_name_the_demo_categories_in_german(fast_hasher: None) -> None:
    do_import_demo()
    analyse_demo()
    admin: Any
    admin, _password = do_reset_demo_admin("demo")
    # The filters and the bulk bar list every category; the rows show the ones suggested.
    used = Category.objects.filter(active=True).exclude(name_de="")
    assert used.exists()
    client = Client(headers={"accept-language": "de"})
    client.force_login(admin)
    inbox = client.get("/inbox/").content.decode()
    for category in used:
        assert inbox.count(f">{category.name_de}<") >= 2, category.name_de
        if category.name_de != category.name_en:
            assert f">{category.name_en}<" not in inbox
