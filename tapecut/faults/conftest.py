"""Throwaway installations for the fault tests: migrated once per test process, copied per test.

They never touch the test database of pytest-django: the processes under test get their own
SQLite file or their own PostgreSQL database, so each fault runs the same in the SQLite and the
PostgreSQL pass of CI. Tests that need PostgreSQL start a private server
(tapecut.devtools.postgres).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from tapecut.devtools.installation import (
    Installation,
    child_env,
    migrate,
    migrated_sqlite,
    running,
)
from tapecut.devtools.postgres import ThrowawayPostgres

TEMPLATE_DB = "tapecut_template"
_numbers = itertools.count(1)


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return migrated_sqlite(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ThrowawayPostgres]:
    """One private server per test process, with a migrated template database."""
    server = ThrowawayPostgres().init().start()
    try:
        url = server.create_database(TEMPLATE_DB)
        migrate(child_env(tmp_path_factory.mktemp("pg-migrate"), url))
        yield server
    finally:
        server.remove()


@pytest.fixture
def sqlite_install(tmp_path: Path, sqlite_template: Path) -> Iterator[Installation]:
    with running(Installation.sqlite(tmp_path / "var", sqlite_template)) as installation:
        yield installation


@pytest.fixture
def pg_install(tmp_path: Path, postgres: ThrowawayPostgres) -> Iterator[Installation]:
    url = postgres.create_database(f"fault_{next(_numbers)}", template=TEMPLATE_DB)
    (tmp_path / "var").mkdir()
    with running(Installation(tmp_path / "var", url)) as installation:
        yield installation


@pytest.fixture(params=["sqlite", "postgresql"])
def any_install(request: pytest.FixtureRequest) -> Installation:
    """Both databases: SQLite (the default) and PostgreSQL (a private server)."""
    name = "sqlite_install" if request.param == "sqlite" else "pg_install"
    installation: Installation = request.getfixturevalue(name)
    return installation
