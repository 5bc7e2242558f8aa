"""One small class per kind of destination, in one table (as healthchecks' TRANSPORTS).

A transport turns a dispatch's payload into what its destination expects and sends it; it
raises DeliveryError when the destination did not take it, and the job queue retries.
"""

from __future__ import annotations

from tapecut.notify.transports.base import Transport
from tapecut.notify.transports.mail import MailTransport
from tapecut.notify.transports.slack import SlackTransport
from tapecut.notify.transports.teams import TeamsTransport
from tapecut.notify.transports.webhook import WebhookTransport

TRANSPORTS: dict[str, type[Transport]] = {
    "email": MailTransport,
    "webhook": WebhookTransport,
    "slack": SlackTransport,
    "teams": TeamsTransport,
}

__all__ = ["TRANSPORTS", "Transport"]
