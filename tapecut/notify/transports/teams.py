"""A Microsoft Teams incoming webhook (a Workflows or connector URL): an Adaptive Card."""

from __future__ import annotations

import json
from typing import Any

from tapecut.notify import http
from tapecut.notify.transports.base import Transport

CARD = "application/vnd.microsoft.card.adaptive"


class TeamsTransport(Transport):
    def send(self, payload: dict[str, Any], delivery_id: str) -> None:
        headline, count = self.headline(payload), self.count_text(payload)
        card = {
            "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
            "type": "AdaptiveCard",
            "version": "1.4",
            "body": [
                {"type": "TextBlock", "text": headline, "weight": "Bolder", "wrap": True},
                {"type": "TextBlock", "text": count, "isSubtle": True, "wrap": True},
            ],
            "actions": [{"type": "Action.OpenUrl", "title": "Tapecut", "url": payload["url"]}],
        }
        message = {"type": "message", "attachments": [{"contentType": CARD, "content": card}]}
        body = json.dumps(message).encode()
        http.post(self.destination.target, body, {"Content-Type": "application/json"})
