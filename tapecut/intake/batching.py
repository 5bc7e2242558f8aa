"""Processing many stored messages with a handful of statements (``tapecut import``).

The outcome is the one ``processing.do_process_inbound`` gives each message on its own; only the
writes are gathered. The common case, a new report that answers nothing, is written for the
whole group at once: one query for the known reporters, one insert for the reports, one for
their Message-IDs, one update for the messages. Everything else (a reply or a message that
could be one, an attachment, a parser failure) goes through ``do_process_inbound`` one at a
time, after what came before it has been written, so that threading sees the same reports as
in a message-by-message run. Run it inside the caller's transaction, within
``announcing.sending_in_transaction``: a crash loses the whole batch, never part of it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from email.message import Message

from django.db import InterfaceError, OperationalError, connection, connections, transaction
from django.utils import timezone

from tapecut.core import bulk, crypto
from tapecut.intake import identity, processing
from tapecut.intake.announcing import announce_report
from tapecut.intake.batch_threads import Clues, Mark, Threads
from tapecut.intake.models import InboundMessage, MessageRef, Mode, Report, Reporter
from tapecut.intake.parse_ahead import Read, read_one
from tapecut.intake.parsing import MessageRejected, ParsedMessage
from tapecut.intake.storing import raw_bytes

log = logging.getLogger(__name__)
Outcome = processing.Outcome
_UPDATED = ["state", "outcome", "reason", "message_id", "parsed_at"]


@dataclass
class _Group:
    """New reports waiting to be written together, and messages that need no report."""

    reports: list[tuple[InboundMessage, ParsedMessage, Message]] = field(default_factory=list)
    finished: list[InboundMessage] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.reports) + len(self.finished)


def do_process_many(
    msgs: list[InboundMessage], given: dict[int, Read] | None = None
) -> list[Outcome]:
    """Process each pending message (``final``: what cannot be understood is quarantined).

    ``given``: what the parser made of a message's bytes (by its id), where that was parsed
    already (``tapecut import`` parses the next batch in a helper process)."""
    outcomes: dict[int, Outcome] = {}
    pending = [msg for msg in msgs if msg.state == InboundMessage.State.PENDING]
    for msg in msgs:
        if msg.state != InboundMessage.State.PENDING:
            outcomes[msg.pk] = Outcome(msg.outcome or msg.state, reason=msg.reason)
    given = given or {}
    reads = [
        (msg, _lean(msg, given[msg.pk] if msg.pk in given else _parse(msg))) for msg in pending
    ]
    clues = {
        msg.pk: Clues.of(read[0], msg)
        for msg, read in reads
        if isinstance(read, tuple) and read[0].is_report
    }
    batch = _Batch(threads=Threads([c for c in clues.values() if c]), outcomes=outcomes)
    for msg, read in reads:
        if isinstance(read, MessageRejected):
            _finish(batch.group, msg, InboundMessage.State.QUARANTINED, "", str(read))
        elif isinstance(read, Mark):
            _flush(batch.group, outcomes)
            outcomes[msg.pk] = processing.do_process_inbound(msg, final=True)
            batch.threads.add(read)
        elif read is not None and not read[0].is_report:
            msg.message_id = identity.protect_message_id(read[0].message_id, msg.mode)[:998]
            reason = read[0].non_report_reason
            _finish(batch.group, msg, InboundMessage.State.PARSED, "non_report", reason)
        else:
            _report_or_reply(batch, msg, read, clues.get(msg.pk))
    _flush(batch.group, outcomes)
    return [outcomes[msg.pk] for msg in msgs]


@dataclass
class _Batch:
    threads: Threads
    outcomes: dict[int, Outcome]
    group: _Group = field(default_factory=_Group)


def _report_or_reply(
    batch: _Batch,
    msg: InboundMessage,
    read: tuple[ParsedMessage, Message] | None,
    clues: Clues | None,
) -> None:
    """A new report joins the group; anything else (a reply, an attachment, a parser failure)
    goes through ``do_process_inbound``, after the group is written."""
    if read is None:
        _flush(batch.group, batch.outcomes)
        batch.outcomes[msg.pk] = processing.do_process_inbound(msg, final=True)
        return
    parsed = read[0]
    if _new_report(batch, parsed, msg, clues or Clues.of(parsed, msg)):
        batch.group.reports.append((msg, identity.for_storage(parsed, msg.mode), read[1]))
    else:
        _flush(batch.group, batch.outcomes)  # what came before is written before this one
        batch.outcomes[msg.pk] = processing.do_process_inbound(msg, final=True, read=read)
    # Later messages of the batch may answer this one.
    batch.threads.add(_mark(parsed, msg))


def _mark(parsed: ParsedMessage, msg: InboundMessage) -> Mark:
    return Mark(parsed.message_id, parsed.thread_subject, processing.parsed_time(parsed, msg))


def _lean(msg: InboundMessage, read: Read) -> Read | Mark:
    """A report with attachments is processed on its own and read again there: only its mark
    is kept meanwhile, so that a batch does not hold all its attachments at once."""
    if isinstance(read, tuple) and read[0].is_report and read[0].attachments:
        return _mark(read[0], msg)
    return read


def _parse(msg: InboundMessage) -> Read:
    """What the parser read, its refusal, or None where the parser itself failed."""
    try:
        raw = raw_bytes(msg)
    except Exception:
        return None  # do_process_inbound reads it again and quarantines it with the error
    return read_one(raw)


def _new_report(batch: _Batch, parsed: ParsedMessage, msg: InboundMessage, clues: Clues) -> bool:
    """A report that answers no report and brings no attachment: the case written in bulk.

    Where it may be a reply, its thread is looked up as ``do_process_inbound`` would; the
    group is written first only if one of its reports could be that thread."""
    if parsed.attachments:
        return False
    if not (clues and batch.threads.may_answer(clues)):
        return True
    if _group_may_answer(batch.group, clues, batch.threads.since):
        _flush(batch.group, batch.outcomes)
    return processing.find_thread(parsed, msg) is None


def _group_may_answer(group: _Group, clues: Clues, since: datetime) -> bool:
    """Whether a report of the group could be the thread (its keys as stored)."""
    return any(
        p.message_id[:998] in clues.ids
        or (
            clues.subject
            and p.thread_subject[:500] == clues.subject
            and processing.parsed_time(p, m) >= since
        )
        for m, p, _tree in group.reports
    )


def _finish(group: _Group, msg: InboundMessage, state: str, outcome: str, reason: str) -> None:
    msg.state, msg.outcome, msg.reason = state, outcome, reason[:5000]
    msg.parsed_at = timezone.now()
    group.finished.append(msg)


def _flush(group: _Group, outcomes: dict[int, Outcome]) -> None:
    if not group:
        return
    try:
        with transaction.atomic():
            reports = _write_reports(group.reports)
    except (OperationalError, InterfaceError):
        raise  # the database itself is failing: stop rather than quarantine everything
    except Exception:
        # Our bug somewhere in the group: one at a time, so that only its message is quarantined.
        log.exception("writing %d reports together failed; one at a time", len(group.reports))
        reports = []
        for msg, _parsed, _tree in group.reports:
            msg.state, msg.outcome, msg.reason = InboundMessage.State.PENDING, "", ""
            outcomes[msg.pk] = processing.do_process_inbound(msg, final=True)
        group.reports = []
    for report, (_msg, _parsed, tree) in zip(reports, group.reports, strict=True):
        assert report.inbound is not None
        _finish(group, report.inbound, InboundMessage.State.PARSED, "report", "")
        outcomes[report.inbound.pk] = Outcome("report", report_id=report.pk)
        announce_report(report, tree)
    _update_states(group.finished)
    for msg in group.finished:
        outcomes.setdefault(msg.pk, Outcome(msg.outcome or msg.state, reason=msg.reason))
        if msg.state == InboundMessage.State.QUARANTINED:
            log.info("quarantined inbound %s: %s", msg.pk, msg.reason[:200])
    group.reports, group.finished = [], []


def _update_states(msgs: list[InboundMessage]) -> None:
    """One UPDATE statement run for every message (bulk_update builds a CASE per column and
    row, which costs more than the rows it writes)."""
    if not msgs:
        return
    meta = InboundMessage._meta
    quote = connection.ops.quote_name
    fields = [f for f in meta.concrete_fields if f.name in _UPDATED]
    fields.sort(key=lambda f: _UPDATED.index(f.name))
    columns = ", ".join(f"{quote(f.column)} = %s" for f in fields)
    sql = f"UPDATE {quote(meta.db_table)} SET {columns} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608 - names from the model, values bound
    db = connections[connection.alias]  # not the proxy: a look-up through it per value costs
    rows = [[f.get_db_prep_save(getattr(m, f.attname), db) for f in fields] + [m.pk] for m in msgs]
    with connection.cursor() as cursor:
        cursor.executemany(sql, rows)


def _write_reports(pending: list[tuple[InboundMessage, ParsedMessage, Message]]) -> list[Report]:
    reporters = _reporters([(parsed, msg.mode, msg.channel) for msg, parsed, _ in pending])
    reports = []
    for (msg, parsed, _tree), reporter in zip(pending, reporters, strict=True):
        msg.message_id = identity.protect_message_id(parsed.message_id, msg.mode)[:998]
        reports.append(processing.build_report(msg, parsed, reporter))
    bulk.insert(reports, set_pks=True)
    _add_refs(reports)
    return reports


def _reporters(senders: list[tuple[ParsedMessage, str, str]]) -> list[Reporter | None]:
    """``identity.resolve_reporter`` for each sender: one query for the known named ones, one
    insert for the new ones."""
    digests = [
        crypto.keyed_hash(p.from_address)
        if mode == Mode.NAMED and _named_address(p.from_address)
        else ""
        for p, mode, _channel in senders
    ]
    wanted = {d for d in digests if d}
    known = {
        r.address_hmac: r
        for r in Reporter.objects.filter(address_hmac__in=wanted, mode=Mode.NAMED).order_by()
    }
    out: list[Reporter | None] = []
    fresh: list[Reporter] = []  # new named reporters, written together below
    for (parsed, mode, channel), digest in zip(senders, digests, strict=True):
        found = known.get(digest) if digest else None
        if digest and found is None:
            found = Reporter(address=parsed.from_address, address_hmac=digest, mode=Mode.NAMED)
            fresh.append(found)
            known[digest] = found
        if found is not None and found.pk is None:
            found.display_name = found.display_name or parsed.from_name[:200]
        elif found is None or (parsed.from_name and not found.display_name):
            found = identity.resolve_reporter(parsed.from_address, parsed.from_name, mode, channel)
            if digest and found is not None:
                found.display_name = found.display_name or parsed.from_name[:200]
                known[digest] = found
        out.append(found)
    Reporter.objects.bulk_create(fresh)
    return out


def _named_address(address: str) -> bool:
    return bool(address) and not address.endswith("@" + identity.PLACEHOLDER_DOMAIN)


def _add_refs(reports: list[Report]) -> None:
    """One MessageRef per new Message-ID (the first report that brings it keeps it)."""
    ids = {r.message_id: r for r in reversed(reports) if r.message_id}
    taken = set(MessageRef.objects.filter(message_id__in=ids).values_list("message_id", flat=True))
    bulk.insert(
        [
            MessageRef(message_id=mid, report_id=report.pk)  # the id: no related-object checks
            for mid, report in ids.items()
            if mid not in taken
        ]
    )
