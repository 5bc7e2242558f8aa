"""Tests of the AI backends: any real network connection fails the test."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest

from tapecut.ai import registry


class NetworkCalled(AssertionError):
    """A test tried to reach the network."""


def _refuse(*args: Any, **kwargs: Any) -> Any:
    # An AssertionError, so that no SDK retries it or wraps it as a connection error.
    target = next((a for a in args if isinstance(a, tuple | str)), args)
    raise NetworkCalled(f"a test tried to open a network connection to {target!r}")


@pytest.fixture(autouse=True)
def no_network(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Refuse connects and name lookups. Local unix sockets (a PostgreSQL test database) pass."""
    real_connect = socket.socket.connect

    def connect(sock: socket.socket, address: Any) -> Any:
        if sock.family == socket.AF_UNIX:
            return real_connect(sock, address)
        return _refuse(sock, address)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect)
    monkeypatch.setattr(socket, "getaddrinfo", _refuse)
    monkeypatch.setattr(socket, "create_connection", _refuse)
    yield


@pytest.fixture(autouse=True)
def fresh_registry() -> Iterator[None]:
    registry.reset()
    yield
    registry.reset()
