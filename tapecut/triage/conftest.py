from __future__ import annotations

import pytest
from django.test import Client

from tapecut.triage.personas import Personas, make_personas


@pytest.fixture
def personas(db: None) -> Personas:
    return make_personas()


@pytest.fixture
def client_as(personas: Personas):  # type: ignore[no-untyped-def]
    """``client_as("triager")`` → a test client logged in as that persona."""

    def make(name: str) -> Client:
        client = Client()
        user = personas.by_name(name)
        if user is not None:
            client.force_login(user)
        return client

    return make
