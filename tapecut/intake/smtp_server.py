"""Running the SMTP receiver: store threads, the listening server, SIGTERM, a test helper.

Django's ORM is synchronous, so every store runs in a small pool of threads of our own, each with
its own database connection. On SQLite, writers take turns, but two threads still beat one: one
prepares its message while the other waits for its commit to reach the disk (measured with
``tapecut bench smtp``: 12-75 % more messages a second than one thread on this project's test
machine, and a lower p99; four threads were no faster and had a worse p99).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import queue
import signal
import sys
import threading
import weakref
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    connection,
    connections,
    transaction,
)

from tapecut.intake.smtp import (
    IntakeHandler,
    IntakeSMTP,
    prepare_messages,
    store_message,
    store_prepared,
)

log = logging.getLogger(__name__)

# How long a stopping server waits for stores in progress before it closes connections.
GRACE_SECONDS = 30.0
GIL_SWITCH_SECONDS = 0.001
# Messages that one commit may acknowledge together (see store_batch).
GROUP_COMMIT_MAX = 64

_Item = tuple[Callable[..., Any], tuple[Any, ...], "asyncio.Future[Any]", asyncio.AbstractEventLoop]
_Outcome = tuple["asyncio.Future[Any]", asyncio.AbstractEventLoop, Any, BaseException | None]


def store_thread_count() -> int:
    configured = settings.TAPECUT_SMTP_STORE_THREADS
    if configured > 0:
        return configured
    return 2 if connection.vendor == "sqlite" else 4


def write_turn() -> contextlib.AbstractContextManager[Any]:
    """What a store thread holds while it writes: on SQLite, a lock of this process.

    SQLite lets one writer in at a time; a second one waits in SQLite's busy handler, which
    sleeps in growing steps (up to 100 ms each) instead of waking when the lock is free. Two
    store threads meeting there made the slowest 1 % of messages wait 340 ms on average (up to
    740 ms) for a lock held about 10 ms at a time (``tapecut bench smtp``). A lock of our own
    hands the turn over at once. Receivers in other processes still meet in the busy handler.
    """
    if connection.vendor == "sqlite":
        return threading.Lock()
    return contextlib.nullcontext()


def _drop_stale_connections() -> None:
    """Close connections that broke or outlived CONN_MAX_AGE, as Django does between requests.

    Not for SQLite: ``close_old_connections()`` closes it after every use when CONN_MAX_AGE is 0,
    and reopening it (with its pragmas and WAL set-up) for every message cut the store rate to a
    third here; a local file does not go away (a failed SQLite connection is closed in
    ``run_store`` instead).
    """
    for conn in connections.all(initialized_only=True):
        if conn.vendor != "sqlite":
            conn.close_if_unusable_or_obsolete()


def run_store(fn: Callable[..., Any], args: tuple[Any, ...]) -> Any:
    """Call ``fn``; when a kept connection turns out dead (the database restarted), once more.

    Repeating is safe because storing is idempotent: bytes already committed are found again by
    their hash. A connection that failed is closed, so it never serves the next message.
    """
    kept = connection.vendor != "sqlite" and connection.connection is not None
    try:
        return fn(*args)
    except (InterfaceError, OperationalError):
        connection.close()
        if not kept:
            raise
        log.warning("database connection lost; storing again on a new one")
        return fn(*args)
    except DatabaseError:
        connection.close()
        raise


def _settle(settled: list[tuple[asyncio.Future[Any], Any, BaseException | None]]) -> None:
    for fut, result, error in settled:
        if fut.cancelled():
            continue
        if error is not None:
            fut.set_exception(error)
        else:
            fut.set_result(result)


def _answer(outcomes: list[_Outcome]) -> None:
    """Hand the results to their event loops: one wake-up per loop, not one per message."""
    by_loop: dict[asyncio.AbstractEventLoop, list[Any]] = {}
    for fut, loop, result, error in outcomes:
        by_loop.setdefault(loop, []).append((fut, result, error))
    for loop, settled in by_loop.items():
        with contextlib.suppress(RuntimeError):  # the loop already closed
            loop.call_soon_threadsafe(_settle, settled)


class StoreWorkers:
    """Threads that run ORM calls for the event loop, first come first served."""

    def __init__(self, count: int) -> None:
        self._queue: queue.SimpleQueue[_Item | None] = queue.SimpleQueue()
        self._threads = [
            threading.Thread(target=self._work, name=f"tapecut-smtp-store-{i}", daemon=True)
            for i in range(count)
        ]
        self._write_turn = write_turn()

    def start(self) -> None:
        for thread in self._threads:
            thread.start()

    async def call(self, fn: Callable[..., Any], *args: Any) -> Any:
        loop = asyncio.get_running_loop()
        fut: asyncio.Future[Any] = loop.create_future()
        self._queue.put((fn, args, fut, loop))
        return await fut

    def stop(self, timeout: float = GRACE_SECONDS) -> None:
        """Finish what is queued, then end the threads."""
        for _ in self._threads:
            self._queue.put(None)
        for thread in self._threads:
            thread.join(timeout)

    def _work(self) -> None:
        while (first := self._queue.get()) is not None:
            batch, stop = self._drain(first)
            _drop_stale_connections()
            _answer(store_batch(batch, self._write_turn))
            if stop:
                break
        connections.close_all()

    def _drain(self, first: _Item) -> tuple[list[_Item], bool]:
        """The first item and whatever else is already waiting, up to ``GROUP_COMMIT_MAX``."""
        batch = [first]
        while len(batch) < GROUP_COMMIT_MAX:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if item is None:
                return batch, True
            batch.append(item)
        return batch, False


def store_batch(
    batch: list[_Item], write_turn: contextlib.AbstractContextManager[Any]
) -> list[_Outcome]:
    """Group commit: store every waiting message in one transaction, so one fsync acks them all.

    The messages are prepared (hashed, encrypted) before ``write_turn`` is taken, so that one
    thread prepares while another commits. Each message still gets its ``250`` only after the
    commit that holds it. Any error in the group rolls it back; each message is then stored on
    its own, so one bad message cannot cost the others their acknowledgement.
    """
    if any(fn is not store_message for fn, *_ in batch):
        with write_turn:
            return [_store_one(item) for item in batch]
    try:
        built = prepare_messages([args for _fn, args, _fut, _loop in batch])
        with write_turn, transaction.atomic():
            results = store_prepared(built)
    except Exception:
        connection.close()
        with write_turn:
            return [_store_one(item) for item in batch]
    outcomes: list[_Outcome] = []
    for (_fn, _args, fut, loop), result in zip(batch, results, strict=True):
        if isinstance(result, Exception):
            outcomes.append((fut, loop, None, result))
        else:
            outcomes.append((fut, loop, result, None))
    return outcomes


def _store_one(item: _Item) -> _Outcome:
    fn, args, fut, loop = item
    try:
        return fut, loop, run_store(fn, args), None
    except BaseException as exc:
        return fut, loop, None, exc


class IntakeServer:
    """One listening socket with its handler and store threads, on the running event loop."""

    def __init__(self, host: str, port: int, threads: int | None = None) -> None:
        self.host, self.port = host, port
        self.workers = StoreWorkers(threads or store_thread_count())
        self.handler = IntakeHandler(self.workers)
        self._server: asyncio.AbstractServer | None = None
        self._protocols: weakref.WeakSet[IntakeSMTP] = weakref.WeakSet()

    def _protocol(self) -> IntakeSMTP:
        proto = IntakeSMTP(self.handler)
        self._protocols.add(proto)
        return proto

    async def start(self) -> int:
        """Listen; return the port (useful when asked for port 0)."""
        # aiosmtpd logs whole addresses at info; ours are masked.
        logging.getLogger("mail.log").setLevel(logging.WARNING)
        loop = asyncio.get_running_loop()
        self._server = await loop.create_server(self._protocol, self.host, self.port)
        self.workers.start()  # only once listening: a taken port leaves no threads behind
        self.port = self._server.sockets[0].getsockname()[1]
        log.info("smtpd listening on %s:%s", self.host, self.port)
        return self.port

    async def stop(self, grace: float = GRACE_SECONDS) -> None:
        """Stop taking mail, let stores in progress answer, then close every connection."""
        self.handler.closing = True
        if self._server is not None:
            self._server.close()
        loop = asyncio.get_running_loop()
        deadline = loop.time() + grace
        while self.handler.active and loop.time() < deadline:
            await asyncio.sleep(0.02)
        await asyncio.sleep(0)  # let the last replies reach the transports
        for proto in list(self._protocols):
            if proto.transport is not None:
                proto.transport.close()  # close() still sends what is buffered
        await asyncio.to_thread(self.workers.stop, grace)
        log.info("smtpd on %s:%s stopped", self.host, self.port)


async def _serve(host: str, port: int) -> None:
    server = IntakeServer(host, port)
    await server.start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(signum, stop.set)
    await stop.wait()
    log.info("smtpd on %s:%s stopping", host, port)
    await server.stop()


def serve_forever(host: str, port: int) -> None:
    """Run the receiver until SIGTERM or SIGINT (``tapecut smtpd``)."""
    # The event loop and the store threads hand the GIL back and forth around every socket and
    # SQLite call; with the default 5 ms switch interval each waits too long to get it back.
    # 1 ms gave 18-27 % more messages a second and a lower p99 in `tapecut bench smtp`.
    sys.setswitchinterval(GIL_SWITCH_SECONDS)
    asyncio.run(_serve(host, port))


class ServerThread:
    """The receiver on its own event loop in a background thread (tests, benchmarks)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, threads: int | None = None):
        self.server = IntakeServer(host, port, threads)
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)

    @property
    def port(self) -> int:
        return self.server.port

    def start(self) -> int:
        self.loop.run_until_complete(self.server.start())
        self._thread.start()
        return self.port

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self.server.stop(grace=5.0), self.loop).result(30)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
        self.loop.close()
