"""Template helpers for the page frame (base.html)."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


@register.simple_tag(takes_context=True)
def current(context: template.Context, url: str) -> SafeString:
    """` aria-current="page"` on the navigation link of the section the page belongs to."""
    request = context.get("request")
    path = getattr(request, "path", "")
    if url and (path == url or (url != "/" and path.startswith(url))):
        return mark_safe(' aria-current="page"')
    return mark_safe("")
