"""How the store threads take turns to write, and treat database connections that fail."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from unittest import mock

import pytest
from django.db import IntegrityError, OperationalError

from tapecut.intake import smtp_server
from tapecut.intake.models import InboundMessage
from tapecut.intake.smtp import store_message


def flaky(*outcomes: object) -> mock.Mock:
    return mock.Mock(side_effect=list(outcomes))


def kept_connection(vendor: str) -> mock.Mock:
    conn = mock.Mock(vendor=vendor)
    conn.connection = object()  # already open: kept from an earlier message
    return conn


def test_a_dead_kept_connection_is_replaced_and_the_store_repeated() -> None:
    conn = kept_connection("postgresql")
    store = flaky(OperationalError("terminating connection"), (7, True))
    with mock.patch.object(smtp_server, "connection", conn):
        assert smtp_server.run_store(store, ()) == (7, True)
    assert store.call_count == 2
    conn.close.assert_called_once()


def test_a_new_connection_that_fails_is_not_tried_again() -> None:
    conn = mock.Mock(vendor="postgresql", connection=None)
    store = flaky(OperationalError("no route to host"), (7, True))
    with mock.patch.object(smtp_server, "connection", conn), pytest.raises(OperationalError):
        smtp_server.run_store(store, ())
    assert store.call_count == 1
    conn.close.assert_called_once()


def test_sqlite_is_not_retried_but_the_failed_connection_is_closed() -> None:
    conn = kept_connection("sqlite")
    store = flaky(OperationalError("database is locked"), (7, True))
    with mock.patch.object(smtp_server, "connection", conn), pytest.raises(OperationalError):
        smtp_server.run_store(store, ())
    assert store.call_count == 1
    conn.close.assert_called_once()


def test_other_database_errors_close_the_connection_and_are_not_repeated() -> None:
    conn = kept_connection("postgresql")
    store = flaky(IntegrityError("constraint"), (7, True))
    with mock.patch.object(smtp_server, "connection", conn), pytest.raises(IntegrityError):
        smtp_server.run_store(store, ())
    assert store.call_count == 1
    conn.close.assert_called_once()


def test_store_threads_default_by_database_and_follow_the_setting(settings) -> None:
    from django.db import connection

    settings.TAPECUT_SMTP_STORE_THREADS = 0
    expected = 2 if connection.vendor == "sqlite" else 4
    assert smtp_server.store_thread_count() == expected
    settings.TAPECUT_SMTP_STORE_THREADS = 3
    assert smtp_server.store_thread_count() == 3


def _group(loop: asyncio.AbstractEventLoop, count: int) -> list[Any]:
    rcpt = ["bureaucracy@corp.example"]
    return [
        (store_message, (f"Subject: form {n}\r\n\r\nStamp {n}.\r\n".encode(), "", rcpt), f, loop)
        for n in range(count)
        for f in [loop.create_future()]
    ]


@pytest.mark.django_db(transaction=True)
def test_a_group_is_prepared_before_its_write_turn_and_committed_within_it() -> None:
    seen: list[tuple[str, int, int]] = []
    prepare = mock.Mock(wraps=smtp_server.prepare_messages)

    @contextmanager
    def turn() -> Iterator[None]:
        seen.append(("taken", prepare.call_count, InboundMessage.objects.count()))
        yield
        seen.append(("given back", prepare.call_count, InboundMessage.objects.count()))

    loop = asyncio.new_event_loop()
    with mock.patch.object(smtp_server, "prepare_messages", prepare):
        outcomes = smtp_server.store_batch(_group(loop, 3), turn())
    loop.close()
    assert seen == [("taken", 1, 0), ("given back", 1, 3)]
    assert [(error, result[1]) for _fut, _loop, result, error in outcomes] == [(None, True)] * 3


@pytest.mark.django_db(transaction=True)
def test_a_group_that_fails_to_prepare_is_stored_one_by_one() -> None:
    loop = asyncio.new_event_loop()
    broken = mock.patch.object(smtp_server, "prepare_messages", side_effect=ValueError("bug"))
    with broken:
        outcomes = smtp_server.store_batch(_group(loop, 2), contextlib.nullcontext())
    loop.close()
    assert [error for *_rest, error in outcomes] == [None, None]
    assert InboundMessage.objects.count() == 2


def test_sqlite_writers_in_one_process_take_turns() -> None:
    from django.db import connection

    turn = smtp_server.write_turn()
    if connection.vendor != "sqlite":  # PostgreSQL locks rows, not the whole database
        assert isinstance(turn, contextlib.nullcontext)
        return
    assert isinstance(turn, type(threading.Lock()))
    lock = turn
    taken: list[bool] = []
    with lock:
        other = threading.Thread(target=lambda: taken.append(lock.acquire(blocking=False)))
        other.start()
        other.join(60)
    assert taken == [False]
