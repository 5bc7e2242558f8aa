"""A generic webhook: the payload as JSON, signed with HMAC-SHA256.

Headers: ``X-Tapecut-Event``, ``X-Tapecut-Delivery`` (the same on every retry of one message:
receivers drop repeats by it), ``X-Tapecut-Timestamp`` (Unix seconds) and
``X-Tapecut-Signature: sha256=<hex>``, the HMAC-SHA256 with the destination's secret of
``<timestamp>.<body>``. A receiver recomputes it and compares in constant time, and refuses
timestamps older than a few minutes (docs/notifications.md).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

from tapecut.notify import http
from tapecut.notify.transports.base import Transport


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


class WebhookTransport(Transport):
    def send(self, payload: dict[str, Any], delivery_id: str) -> None:
        body = json.dumps({**payload, "delivery": delivery_id}, sort_keys=True).encode()
        timestamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Tapecut",
            "X-Tapecut-Event": str(payload["event"]),
            "X-Tapecut-Delivery": delivery_id,
            "X-Tapecut-Timestamp": timestamp,
        }
        if self.destination.secret:
            headers["X-Tapecut-Signature"] = signature(self.destination.secret, timestamp, body)
        http.post(self.destination.target, body, headers)
