"""From events to messages: one Dispatch per destination and event, one job each.

Each dispatch is its own job, so a destination that is down holds up nobody else; the job
queue retries it with growing pauses (``tapecut.core.jobs``) and the Dispatch row keeps the
attempts and the last error for the admin pages.
"""

from __future__ import annotations

import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from tapecut.core.tasks import job_task
from tapecut.notify import events
from tapecut.notify.http import DeliveryError
from tapecut.notify.models import Destination, Dispatch
from tapecut.notify.transports import TRANSPORTS

log = logging.getLogger(__name__)

SEND_JOB = "notify.send"


def do_scan() -> int:
    """Look for events every active destination has not heard of; return how many are new."""
    new = 0
    for destination in Destination.objects.filter(active=True).order_by("id"):
        told = set(Dispatch.objects.filter(destination=destination).values_list("key", flat=True))
        for event in events.collect(destination):
            if event.key not in told and _add(destination, event):
                new += 1
    return new


def _add(destination: Destination, event: events.Event) -> bool:
    try:
        with transaction.atomic():
            dispatch = Dispatch.objects.create(
                destination=destination,
                key=event.key,
                event=event.event,
                payload=event.payload_for(destination),
            )
            send_task.enqueue(dispatch_id=dispatch.pk)
    except IntegrityError:
        return False  # another scan added it a moment ago
    return True


@job_task(SEND_JOB, key="notify:{dispatch_id}")
def send_task(dispatch_id: int) -> None:
    send(int(dispatch_id))


def send(dispatch_id: int) -> str:
    dispatch = Dispatch.objects.select_related("destination").filter(pk=dispatch_id).first()
    if dispatch is None or dispatch.state == Dispatch.State.SENT:
        return "skipped"
    destination = dispatch.destination
    transport = TRANSPORTS[destination.kind](destination)
    attempts = dispatch.attempts + 1
    try:
        transport.send(dispatch.payload, f"tapecut-{dispatch.pk}")
    except DeliveryError as exc:
        Dispatch.objects.filter(pk=dispatch.pk).update(attempts=attempts, last_error=str(exc))
        log.warning("notification %s to %s failed: %s", dispatch.key, destination, exc)
        raise
    Dispatch.objects.filter(pk=dispatch.pk).update(
        state=Dispatch.State.SENT, attempts=attempts, last_error="", sent_at=timezone.now()
    )
    return "sent"
