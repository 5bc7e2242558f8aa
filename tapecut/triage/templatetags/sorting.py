"""Sortable column headers: ``{% sort_th "subject" label %}`` → a ``<th>`` with a link that sorts
by the column (again: the other way round) and ``aria-sort`` on the sorted one."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_th(context: dict[str, Any], key: str, label: str, css: str = "") -> SafeString:
    current = str(context.get("sort", ""))
    params = context["request"].GET.copy()
    params.pop("page", None)
    if current == key:
        params["sort"], state, hint = f"-{key}", "ascending", _("sorted ascending")
    elif current == f"-{key}":
        params["sort"], state, hint = key, "descending", _("sorted descending")
    else:
        params["sort"], state, hint = key, "", ""
    aria = format_html(' aria-sort="{}"', state) if state else ""
    extra = format_html(' class="{}"', css) if css else ""
    described = format_html('<span class="visually-hidden"> ({})</span>', hint) if hint else ""
    return format_html(
        '<th scope="col"{}{}><a class="sort" href="?{}">{}{}</a></th>',
        aria,
        extra,
        params.urlencode(),
        label,
        described,
    )
