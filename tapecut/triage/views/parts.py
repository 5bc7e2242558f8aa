"""Answers to htmx requests that want one part of the page, not all of it."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def messages_only(request: HttpRequest) -> bool:
    """An htmx request (the inbox's keyboard) that only shows what happened, in #messages."""
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and getattr(htmx, "target", None) == "messages"


def messages_part(request: HttpRequest) -> HttpResponse:
    """Just the status region, with what the action said (read out by screen readers)."""
    return render(request, "_messages.html")
