"""SMTP clients that behave like sending mail servers: they retry on ``4xx`` and on lost links.

Every message carries a unique ``X-Bench-Seq`` marker. Each reply is written down with the time
its attempt began and the time it came, so that a test can pick the attempts made wholly while the
database was down by events it saw itself (the stop returned, the start was called), with no
margin of wall-clock time that a busy machine could overrun.
"""

from __future__ import annotations

import random
import smtplib
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from tapecut.devtools import smtpenv
from tapecut.devtools.installation import DEADLINE

RETRY_PAUSE = 0.05
# A reply slower than this counts as a broken link (the client retries): far beyond a busy machine.
REPLY_SECONDS = 120
# Meaning "the connection broke" in the reply log (not an SMTP code).
NO_REPLY = 0


@dataclass(frozen=True)
class Reply:
    at: float
    marker: str
    code: int
    port: int
    first_try_at: float
    tried_at: float  # when this attempt began (``at`` is when its answer came)


def send(smtp: smtplib.SMTP, sender: str, raw: bytes) -> int:
    """One transaction step by step; the code of the first refusal, else DATA's."""
    for code, _text in (smtp.mail(sender), smtp.rcpt(smtpenv.RECIPIENT)):
        if code != 250:
            smtp.rset()
            return code
    return smtp.data(raw)[0]


@dataclass
class Flood:
    """``clients`` threads, each sending new messages until stopped (or ``per_client`` sent).

    Client ``i`` sends as ``sender(i)`` to ``ports[i % len(ports)]``, or to every port when
    ``every_port`` (the same bytes twice: a sending server that fails over between MX hosts).
    """

    ports: list[int]
    name: str = "c"  # markers are NAME<client>-<seq>: unique across floods with other names
    clients: int = 4
    per_client: int | None = None
    sender: Callable[[int], str] = lambda i: f"c{i}@faults.invalid"
    every_port: bool = False
    pause: float = 0.0
    retry: bool = True
    replies: list[Reply] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)

    def start(self) -> Flood:
        self._threads = [
            threading.Thread(target=self._client, args=(i,), daemon=True)
            for i in range(self.clients)
        ]
        for thread in self._threads:
            thread.start()
        return self

    def stop(self, timeout: float = DEADLINE) -> None:
        self._stop.set()
        self.join(timeout)

    def join(self, timeout: float = DEADLINE) -> None:
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            thread.join(max(0.1, deadline - time.monotonic()))
        assert not any(t.is_alive() for t in self._threads), "a client did not finish"

    # --- what happened ---------------------------------------------------------------------

    def snapshot(self) -> list[Reply]:
        with self._lock:
            return list(self.replies)

    def acknowledged(self) -> set[str]:
        return {r.marker for r in self.snapshot() if r.code == 250}

    def codes(self, since: float = 0.0, until: float = float("inf")) -> Counter[int]:
        return Counter(r.code for r in self.snapshot() if since <= r.at < until)

    def attempts(self, begun_after: float, answered_before: float = float("inf")) -> Counter[int]:
        """Codes of the attempts begun after one moment and answered before another."""
        return Counter(
            r.code for r in self.snapshot() if r.tried_at >= begun_after and r.at < answered_before
        )

    def sent(self) -> set[str]:
        return {r.marker for r in self.snapshot()}

    # --- one client ------------------------------------------------------------------------

    def _client(self, index: int) -> None:
        rng = random.Random(index)  # noqa: S311 - test mail, not secrets
        sender = self.sender(index)
        ports = self.ports if self.every_port else [self.ports[index % len(self.ports)]]
        links: dict[int, smtplib.SMTP | None] = dict.fromkeys(ports)
        seq = 0
        while not self._stop.is_set() and (self.per_client is None or seq < self.per_client):
            seq += 1
            marker = f"{self.name}{index}-{seq}"
            raw = smtpenv.make_message(rng, sender, marker)
            for port in ports:
                links[port] = self._deliver(links[port], port, sender, marker, raw)
            if self.pause:
                time.sleep(self.pause)
        for link in links.values():
            if link is not None:
                link.close()

    def _deliver(
        self, smtp: smtplib.SMTP | None, port: int, sender: str, marker: str, raw: bytes
    ) -> smtplib.SMTP | None:
        """Send until ``250`` (or any answer when not retrying, or until stopped)."""
        first = time.monotonic()
        while True:
            tried = time.monotonic()
            try:
                smtp = smtp or smtpenv.connect(port, timeout=REPLY_SECONDS)
                code = send(smtp, sender, raw)
            except (smtplib.SMTPException, OSError):
                code = NO_REPLY
                if smtp is not None:
                    smtp.close()
                smtp = None
            with self._lock:
                self.replies.append(Reply(time.monotonic(), marker, code, port, first, tried))
            if code == 250 or code >= 500 or not self.retry or self._stop.is_set():
                return smtp
            time.sleep(RETRY_PAUSE)
