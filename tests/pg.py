"""PostgreSQL for tests: a fresh database per test on the server named by CRISIS_TUI_TEST_PG_URL, else a skip
that says why. The URL names any database of the server (e.g. `postgresql+psycopg://postgres@127.0.0.1:5433/postgres`)
and a role allowed to create databases."""

from __future__ import annotations

import functools
import os
import uuid
from contextlib import contextmanager
from typing import Iterator

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

PG_ENV = "CRISIS_TUI_TEST_PG_URL"
NO_SERVER = "no PostgreSQL server: set CRISIS_TUI_TEST_PG_URL (.ci/run starts one)"


@functools.cache
def _server(url: str) -> str | None:
    """None when the server answers, else why not."""
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
        return None
    except (SQLAlchemyError, ImportError) as exc:
        shown = make_url(url).render_as_string(hide_password=True)
        return f"{NO_SERVER} ({shown} unreachable: {exc.__class__.__name__})"
    finally:
        engine.dispose()


def server_url() -> str:
    """The server's URL, or a skip of the calling test with the reason."""
    url = os.environ.get(PG_ENV, "").strip()
    if not url:
        pytest.skip(NO_SERVER)
    problem = _server(url)
    if problem:
        pytest.skip(problem)
    return url


@contextmanager
def fresh_database() -> Iterator[str]:
    """The URL of a new empty database, dropped afterwards (connections left open are ended)."""
    server = make_url(server_url())
    name = f"crisis_test_{uuid.uuid4().hex[:16]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh PostgreSQL database for this test (skipped with the reason when no server is available)."""
    with fresh_database() as url:
        yield url


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request, tmp_path) -> Iterator[str]:
    """The test once on a fresh SQLite file, once on a fresh PostgreSQL database (skipped without a server)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    with fresh_database() as url:
        yield url
