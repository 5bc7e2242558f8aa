"""A local HTTP server that records what arrives, for the transports' tests (no network).

``down`` paths answer 503 until they are taken out of the set: a destination that is down.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Arrival:
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Recorder:
    url: str
    arrivals: list[Arrival] = field(default_factory=list)
    down: set[str] = field(default_factory=set)
    refused: list[str] = field(default_factory=list)

    def at(self, path: str) -> list[Arrival]:
        return [a for a in self.arrivals if a.path == path]


@contextmanager
def recording_server() -> Iterator[Recorder]:
    recorder = Recorder(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            if self.path in recorder.down:
                recorder.refused.append(self.path)
                self.send_response(503)
            else:
                recorder.arrivals.append(Arrival(self.path, dict(self.headers.items()), body))
                self.send_response(200)
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    recorder.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield recorder
    finally:
        server.shutdown()
        server.server_close()
