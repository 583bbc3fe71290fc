"""Shared fixtures: a fresh home per test, with its workspace.

With CRISIS_TUI_TEST_DB=postgres, every test using a home (hence a workspace) runs on a fresh PostgreSQL database
instead (`CRISIS_TUI_DB` points the CLI there too), only those tests are collected (screenshot comparisons left out),
and they carry the `postgres` marker; tests marked `postgres` themselves (see tests/pg.py) need a server in any mode.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from crisis_tui.config import Home
from crisis_tui.core.workspace import Workspace
from pg import db_url, fresh_database, pg_url  # noqa: F401  (fixtures)

SHARED_SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
ON_POSTGRES = os.environ.get("CRISIS_TUI_TEST_DB", "sqlite").lower() in ("postgres", "postgresql")


def pytest_collection_modifyitems(config, items):
    if not ON_POSTGRES:
        return
    kept, dropped = [], []
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if "home" in fixtures and "snap_compare" not in fixtures:  # screenshots test the drawing, not the data
            item.add_marker(pytest.mark.postgres)
        (kept if item.get_closest_marker("postgres") else dropped).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


@pytest.fixture
def home(tmp_path: Path, monkeypatch):
    if not ON_POSTGRES:
        yield Home(tmp_path / "home").ensure()
        return
    with fresh_database() as url:
        monkeypatch.setenv("CRISIS_TUI_DB", url)
        yield Home(tmp_path / "home", db_override=url).ensure()


@pytest.fixture
def workspace(home: Home):
    ws = Workspace.open(home)
    yield ws
    ws.close()
