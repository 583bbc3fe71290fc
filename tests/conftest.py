"""Shared fixtures: a fresh home per test, with its workspace."""

from __future__ import annotations

from pathlib import Path

import pytest

from crisis_tui.config import Home
from crisis_tui.core.workspace import Workspace

SHARED_SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"


@pytest.fixture
def home(tmp_path: Path) -> Home:
    return Home(tmp_path / "home").ensure()


@pytest.fixture
def workspace(home: Home):
    ws = Workspace.open(home)
    yield ws
    ws.close()
