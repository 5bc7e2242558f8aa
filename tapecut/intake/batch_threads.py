"""Which messages of a batch may answer a report, without a query per message.

``processing.find_thread`` finds a thread by a Message-ID the message refers to, or by its thread
subject. For a batch, what the database holds under those keys is read once up front
(``Threads``), and what the batch itself writes is added as it goes. A message none of whose
keys is there answers no report: it is a new one. Otherwise ``find_thread`` decides, as in a
message-by-message run. The keys are compared as stored, so ``may_answer`` is never False where
``find_thread`` would find a thread (it may be True where it finds none).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone

from tapecut.core import bulk
from tapecut.intake import identity
from tapecut.intake.models import InboundMessage, MessageRef, Mode, Report
from tapecut.intake.parsing import ParsedMessage


@dataclass(frozen=True)
class Clues:
    """The keys under which ``find_thread`` looks for the thread of one message."""

    ids: frozenset[str]  # the Message-IDs it refers to, in every stored form
    subject: str  # its thread subject as stored; "" where the subject cannot thread it

    @classmethod
    def of(cls, parsed: ParsedMessage, msg: InboundMessage) -> Clues:
        refs = [r for r in (parsed.in_reply_to, *parsed.references) if r]
        threads_by_subject = parsed.is_reply and parsed.thread_subject and parsed.from_address
        return cls(
            ids=frozenset(key[:998] for key in identity.thread_keys(refs)),
            subject=identity.stored_thread_subject(parsed.thread_subject, msg.mode)[:500]
            if threads_by_subject
            else "",
        )

    def __bool__(self) -> bool:
        return bool(self.ids or self.subject)


class Threads:
    """The keys of threads in the database that the batch's messages may answer, and of what
    the batch has written since."""

    def __init__(self, wanted: list[Clues]) -> None:
        # Earlier than find_thread's own cut-off, so that nothing it could find is left out.
        self.since = timezone.now() - timedelta(days=settings.TAPECUT_REPLY_SUBJECT_DAYS)
        ids = sorted({key for clues in wanted for key in clues.ids})
        subjects = sorted({clues.subject for clues in wanted if clues.subject})
        self.ids: set[str] = set()
        self.subjects: set[str] = set()
        for chunk in bulk.chunks(ids):
            refs = MessageRef.objects.filter(message_id__in=chunk)
            self.ids.update(refs.values_list("message_id", flat=True))
        for chunk in bulk.chunks(subjects):
            reports = Report.objects.filter(thread_subject__in=chunk, received_at__gte=self.since)
            self.subjects.update(reports.order_by().values_list("thread_subject", flat=True))

    def may_answer(self, clues: Clues) -> bool:
        return bool(clues.ids & self.ids) or bool(clues.subject and clues.subject in self.subjects)

    def add(self, mark: Mark) -> None:
        """A report or follow-up of the batch (in any mode it may get)."""
        self.ids.update(key[:998] for key in identity.thread_keys([mark.message_id]))
        if mark.thread_subject and mark.received_at >= self.since:
            for mode in (Mode.NAMED, Mode.ANONYMOUS):
                self.subjects.add(identity.stored_thread_subject(mark.thread_subject, mode)[:500])


@dataclass(frozen=True)
class Mark:
    """What a message of the batch leaves for later ones to thread on, as the parser read it."""

    message_id: str
    thread_subject: str
    received_at: datetime
