"""The inbox's filter fields and bulk lists, kept rendered per process: a change shows at once."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from tapecut.analysis.models import Category
from tapecut.triage import inbox_lists
from tapecut.triage.factories import make_category, make_report, make_theme

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def nothing_kept():  # type: ignore[no-untyped-def]
    inbox_lists._RENDERED.clear()
    yield
    inbox_lists._RENDERED.clear()


def select(page: str, name: str, where: str = "bulk") -> str:
    """The options of the bulk fieldset's (or the filter form's) ``<select name=…>``."""
    part = page.split('<fieldset class="bulk">')[1] if where == "bulk" else page
    found = re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', part, re.S)
    assert found, name
    return found.group(1)


def inbox(client, query: str = "", **headers: str) -> str:  # type: ignore[no-untyped-def]
    page = client.get(f"/inbox/{query}", **headers)
    assert page.status_code == 200
    return str(page.content.decode())


def test_a_new_or_renamed_theme_shows_on_the_next_page(client_as):  # type: ignore[no-untyped-def]
    client = client_as("triager")
    theme = make_theme("Travel forms", [make_report("Taxi", "Three signatures.")])
    first = inbox(client)
    assert "Travel forms" in select(first, "theme") and "Travel forms" in select(first, "theme", "")
    theme.title = "Taxi receipts"
    theme.save()
    again = inbox(client)
    assert "Taxi receipts" in select(again, "theme")
    assert "Taxi receipts" in select(again, "theme", "")
    assert "Travel forms" not in again
    make_theme("Parking", [])
    assert "Parking" in select(inbox(client), "theme", "")


def test_categories_and_triagers_changed_anywhere_show_at_once(client_as):  # type: ignore[no-untyped-def]
    client = client_as("triager")
    category = make_category()
    inbox(client)
    # Written without the ORM's signals, as an admin's bulk edit or a migration would.
    Category.objects.filter(pk=category.pk).update(name_en="Renamed <b>category</b>")
    page = inbox(client)
    assert "Renamed &lt;b&gt;category&lt;/b&gt;" in select(page, "category")
    assert "Renamed &lt;b&gt;category&lt;/b&gt;" in select(page, "category", "")
    Category.objects.filter(pk=category.pk).update(active=False)
    page = inbox(client)
    assert "Renamed" not in select(page, "category")  # bulk: active categories only
    assert "Renamed" in select(page, "category", "")  # the filter lists every one
    newcomer = get_user_model().objects.create_user("new-triager", password="x" * 16)
    newcomer.groups.add(Group.objects.get_or_create(name="triager")[0])
    assert f'<option value="{newcomer.pk}">new-triager</option>' in select(
        inbox(client), "assignee"
    )


def test_a_chosen_filter_is_marked_and_the_plain_form_comes_back(client_as):  # type: ignore[no-untyped-def]
    client = client_as("triager")
    plain = select(inbox(client), "status", "")
    chosen = select(inbox(client, "?status=open"), "status", "")
    assert '<option value="open" selected>' in chosen
    assert '<option value="open" selected>' not in plain
    # Sorting or paging sets no filter: the same fields as the inbox opened plainly.
    assert select(inbox(client, "?sort=subject"), "status", "") == plain
    assert select(inbox(client), "status", "") == plain
    errors = inbox(client, "?since=yesterday")
    assert 'class="error"' in errors and 'class="error"' not in inbox(client)


def test_each_language_gets_its_own_lists(client_as):  # type: ignore[no-untyped-def]
    client = client_as("triager")
    english = inbox(client, HTTP_ACCEPT_LANGUAGE="en")
    german = inbox(client, HTTP_ACCEPT_LANGUAGE="de")
    assert '<option value="closed">Closed</option>' in select(english, "status")
    assert '<option value="closed">Geschlossen</option>' in select(german, "status")
    assert "Geschlossen" in select(german, "status", "")
    assert "Closed" in select(inbox(client, HTTP_ACCEPT_LANGUAGE="en"), "status", "")


def test_kept_copies_stay_bounded(client_as):  # type: ignore[no-untyped-def]
    client = client_as("triager")
    category = make_category()
    for n in range(inbox_lists.KEPT + 4):
        Category.objects.filter(pk=category.pk).update(name_en=f"Name {n}")
        assert f"Name {n}" in select(inbox(client), "category")
    assert len(inbox_lists._RENDERED) <= inbox_lists.KEPT


def test_rows_name_what_the_lists_do_not_hold(client_as, personas):  # type: ignore[no-untyped-def]
    """An assignee who is no longer a triager, a theme made after the lists were read."""
    from tapecut.triage.assignments import do_assign
    from tapecut.triage.inbox_lists import InboxLists
    from tapecut.triage.inbox_names import Names
    from tapecut.triage.widgets import Choices

    report = make_report("Taxi", "Three signatures.")
    theme = make_theme("Late <i>theme</i>", [report])
    do_assign([report], personas.triager, actor=personas.admin)
    personas.triager.groups.clear()
    page = inbox(client_as("admin"))
    row = page.split(f'data-pk="{report.pk}"')[1].split("</tr>")[0]
    assert f"<td>{personas.triager.get_username()}</td>" in row
    assert "Late &lt;i&gt;theme&lt;/i&gt;</a>" in row
    bare = InboxLists(Choices.of([("", "—")]), (), ())
    names = Names.of(
        [
            {
                "analysis__category_id": None,
                "analysis__theme_id": theme.pk,
                "assignment__triager_id": personas.triager.pk,
            }
        ],
        bare,
    )
    assert names.themes == {theme.pk: "Late <i>theme</i>"}
    assert names.users == {personas.triager.pk: personas.triager.get_username()}
