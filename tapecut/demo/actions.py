"""Writes for ``tapecut demo``: the demo login and the demo mailbox."""

from __future__ import annotations

import logging
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractUser

from tapecut.analysis.actions import ANALYSE_JOB, do_recluster
from tapecut.core import audit, jobs
from tapecut.demo.corpus import DemoMessage, build_messages
from tapecut.intake.models import Channel, InboundMessage
from tapecut.intake.processing import do_process_inbound
from tapecut.intake.storing import do_store_inbound

log = logging.getLogger(__name__)

DEMO_USERNAME = "demo"
ACTOR = "tapecut demo"


def do_reset_demo_admin(username: str = DEMO_USERNAME) -> tuple[AbstractUser, str]:
    """Create the demo administrator, or give it a new random password; return both.

    Running the demo twice must not leave anyone locked out, so the password is reset each
    time rather than kept somewhere on disk.
    """
    password = secrets.token_urlsafe(12)
    user_model = get_user_model()
    found, created = user_model.objects.get_or_create(
        username=username, defaults={"email": f"{username}@corp.example"}
    )
    user = cast(AbstractUser, found)
    user.is_staff = True
    user.is_superuser = True
    user.is_active = True
    user.set_password(password)
    user.save()
    audit.record("demo.admin_reset", user, actor_label=ACTOR, created=created)
    return user, password


@dataclass(frozen=True)
class ImportSummary:
    total: int
    imported: int
    already_there: int
    outcomes: dict[str, int]


def demo_messages(now: datetime | None = None) -> list[DemoMessage]:
    return build_messages(
        to=settings.TAPECUT_RECIPIENTS[0],
        anonymous_to=settings.TAPECUT_ANONYMOUS_RECIPIENTS[0],
        now=now,
    )


def do_import_demo(now: datetime | None = None) -> ImportSummary:
    """Import the demo mailbox, oldest message first; messages already imported are skipped.

    Messages are known by their demo id rather than their bytes, because the dates in the
    bytes move with the day the demo runs. One stored by an import that stopped half-way is
    processed now.
    """
    messages = demo_messages(now)
    outcomes: Counter[str] = Counter()
    for demo in messages:
        msg = InboundMessage.objects.filter(envelope_extra__demo_id=demo.slug).first()
        if msg is None:
            msg, _ = do_store_inbound(
                demo.raw,
                channel=Channel.IMPORT,
                envelope_from=demo.envelope_from,
                envelope_to=demo.envelope_to,
                extra={"demo": True, "demo_id": demo.slug},
                enqueue=False,
            )
        if msg.state == InboundMessage.State.PENDING:
            # final: a parser failure quarantines now instead of waiting for a retry.
            outcomes[do_process_inbound(msg, final=True).outcome] += 1
    imported = sum(outcomes.values())
    summary = ImportSummary(len(messages), imported, len(messages) - imported, dict(outcomes))
    audit.record("demo.import", actor_label=ACTOR, imported=imported, outcomes=dict(outcomes))
    log.info("demo mailbox: %d imported, %d already there", imported, summary.already_there)
    return summary


def analyse_demo() -> int:
    """Run the analysis the import queued, then group the reports into themes.

    Done before the servers start, so the demo opens with its themes in place; the periodic
    re-clustering would otherwise first see all the reports an hour later.
    """
    analysed = jobs.run_pending(kinds=[ANALYSE_JOB])
    do_recluster()
    return analysed
