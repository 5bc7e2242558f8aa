"""What every transport shares: the destination, and the sentence that says what happened."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _

from tapecut.notify.models import Destination


class Transport:
    def __init__(self, destination: Destination) -> None:
        self.destination = destination

    def send(self, payload: dict[str, Any], delivery_id: str) -> None:
        raise NotImplementedError

    @staticmethod
    def headline(payload: dict[str, Any]) -> str:
        """One sentence in the team's language (LANGUAGE_CODE)."""
        with translation.override(settings.LANGUAGE_CODE):
            return _headline(payload)

    @staticmethod
    def count_text(payload: dict[str, Any]) -> str:
        with translation.override(settings.LANGUAGE_CODE):
            if payload.get("reports") is None:
                return _("fewer than %(n)s reports") % {"n": payload.get("reports_fewer_than", 5)}
            return _("%(n)s reports") % {"n": payload["reports"]}


def _headline(payload: dict[str, Any]) -> str:
    title = payload.get("report_text") or payload["title"]
    sentences = {
        "theme.new": _("New theme: %(title)s"),
        "theme.grew": _("A theme keeps growing: %(title)s"),
        "change.attention": _("A reporter says this did not fix it: %(title)s"),
        "change.overdue": _("A change is past its due date: %(title)s"),
        "change.done": _("You said, we did: %(title)s"),
    }
    return sentences.get(payload["event"], "%(title)s") % {"title": title}
