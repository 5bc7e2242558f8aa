"""A Slack incoming webhook: a short message with a link (Block Kit, with plain text too)."""

from __future__ import annotations

import json
from typing import Any

from tapecut.notify import http
from tapecut.notify.transports.base import Transport


def escape(text: str) -> str:
    # Slack's mrkdwn reads these three as markup.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


class SlackTransport(Transport):
    def send(self, payload: dict[str, Any], delivery_id: str) -> None:
        headline, count = self.headline(payload), self.count_text(payload)
        url = str(payload["url"])
        message = {
            "text": f"{headline} ({count}) {url}",
            "blocks": [
                {
                    "type": "section",
                    "text": {"type": "mrkdwn", "text": f"*<{url}|{escape(headline)}>*"},
                },
                {"type": "context", "elements": [{"type": "mrkdwn", "text": escape(count)}]},
            ],
        }
        body = json.dumps(message).encode()
        http.post(self.destination.target, body, {"Content-Type": "application/json"})
