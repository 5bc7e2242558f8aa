"""Template helpers: the current user's roles (for navigation) and small display filters."""

from __future__ import annotations

from typing import Any

from django import template
from django.http import QueryDict
from django.utils.translation import pgettext_lazy

from tapecut.accounts.permissions import user_roles
from tapecut.triage import board as roadmap

register = template.Library()


@register.simple_tag(takes_context=True)
def roles(context: dict[str, Any]) -> set[str]:
    request = context.get("request")
    return user_roles(getattr(request, "user", None))


@register.simple_tag(takes_context=True)
def query_with(context: dict[str, Any], **changes: Any) -> str:
    """The current query string with some parameters replaced (for pagination links)."""
    request = context["request"]
    params: QueryDict = request.GET.copy()
    for key, value in changes.items():
        params[key] = value
    return params.urlencode()


@register.filter
def percent(value: Any) -> int:
    try:
        return round(float(value) * 100)
    except (TypeError, ValueError):
        return 0


@register.simple_tag(takes_context=True)
def board_for_reader(context: dict[str, Any]) -> bool:
    """Whether the page's reader may open the roadmap (TAPECUT_BOARD): for the footer's link."""
    request = context.get("request")
    return roadmap.may_read(getattr(request, "user", None))


# The headers the original-email page shows (tapecut.triage.original.SHOWN_HEADERS), named as
# a mail program in the reader's language names them.
MAIL_HEADERS = {
    "From": pgettext_lazy("mail header", "From"),
    "Reply-To": pgettext_lazy("mail header", "Reply-To"),
    "To": pgettext_lazy("mail header", "To"),
    "Cc": pgettext_lazy("mail header", "Cc"),
    "Date": pgettext_lazy("mail header", "Date"),
    "Subject": pgettext_lazy("mail header", "Subject"),
}


@register.filter
def mail_header(name: str) -> str:
    """A mail header's name in the language of the page (others as they are)."""
    return str(MAIL_HEADERS.get(name, name))
