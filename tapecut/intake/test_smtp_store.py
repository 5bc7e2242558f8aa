"""How the store threads treat database connections that fail."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import IntegrityError, OperationalError

from tapecut.intake import smtp_server


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
