"""E-mail to the team's addresses (comma-separated in the destination's target)."""

from __future__ import annotations

from typing import Any

from tapecut.core import mail
from tapecut.notify.http import DeliveryError
from tapecut.notify.transports.base import Transport


class MailTransport(Transport):
    def send(self, payload: dict[str, Any], delivery_id: str) -> None:
        to = [a.strip() for a in self.destination.target.split(",") if a.strip()]
        if not to:
            raise DeliveryError("no address to write to")
        headline = self.headline(payload)
        body = f"{headline}\n\n{self.count_text(payload)}\n{payload['url']}\n"
        mail.send(to, headline, body, headers={"X-Tapecut-Delivery": delivery_id})
