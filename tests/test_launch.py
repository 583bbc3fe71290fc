"""`crisis-tui --demo` works on its own throw-away home, whatever database the environment names."""

from __future__ import annotations

import os
import select as io_select
import signal
import subprocess
import sys
import tempfile
import time

import pytest
from sqlmodel import func, select

from crisis_tui.cli import main
from crisis_tui.core.demo import DEMO_DAY
from crisis_tui.core.models import Appointment
from crisis_tui.ui.app import CrisisApp


def test_demo_fills_a_throw_away_home_not_the_database_of_the_environment(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    shared = tmp_path / "shared.db"
    monkeypatch.setenv("CRISIS_TUI_DB", str(shared))
    monkeypatch.setenv("CRISIS_TUI_HOME", str(tmp_path / "home"))
    opened = {}

    def run(app):
        with app.workspace.session(readonly=True) as session:
            opened["appointments"] = session.exec(select(func.count()).select_from(Appointment)).one()
        opened["url"], opened["day"] = app.workspace.home.db_url, app.target_day

    monkeypatch.setattr(CrisisApp, "run", run)
    assert main(["--demo"]) == 0
    assert opened["appointments"] > 400 and opened["day"] == DEMO_DAY
    assert "crisis-tui-demo-" in opened["url"] and not shared.exists()


def test_demo_removes_the_demo_homes_left_untouched_for_a_day(tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    monkeypatch.setattr(CrisisApp, "run", lambda app: None)
    old, recent, other = tmp_path / "crisis-tui-demo-old", tmp_path / "crisis-tui-demo-recent", tmp_path / "mine"
    for home in (old, recent, other):
        (home / "data").mkdir(parents=True)
        (home / "data" / "crisis.db").write_bytes(b"")
    day_and_more = time.time() - 25 * 3600
    for path in (old, old / "data" / "crisis.db", recent, other, other / "data" / "crisis.db"):
        os.utime(path, (day_and_more, day_and_more))  # recent's database was written an hour ago: kept
    assert main(["--demo"]) == 0
    assert not old.exists() and recent.exists() and other.exists()
    assert len(list(tmp_path.glob("crisis-tui-demo-*"))) == 2  # recent, and this run's


@pytest.mark.skipif(not hasattr(signal, "SIGHUP"), reason="POSIX signals and terminals")
@pytest.mark.parametrize("ending", ["SIGTERM", "SIGHUP"])
def test_a_signal_ends_the_tui_as_ctrl_q_does_and_gives_the_terminal_back(tmp_path, ending):
    """A shutdown (SIGTERM) or a closed terminal (SIGHUP): the app leaves the alternate screen and stops the mouse
    reports, then exits 128 + the signal, instead of dying with the terminal left full of escape codes."""
    import fcntl
    import pty
    import struct
    import termios

    terminal, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    process = subprocess.Popen([sys.executable, "-m", "crisis_tui", "--home", str(tmp_path)], stdin=child,
                               stdout=child, stderr=child, env={**os.environ, "TERM": "xterm-256color"},
                               start_new_session=True)
    os.close(child)
    try:
        shown = _read_until(terminal, "Réunion quotidienne".encode(), deadline=time.monotonic() + 60)
        assert "Réunion quotidienne".encode() in shown
        process.send_signal(getattr(signal, ending))
        assert process.wait(timeout=30) == 128 + getattr(signal, ending)
        after = _read_until(terminal, None, deadline=time.monotonic() + 5)
        assert b"\x1b[?1049l" in after and b"\x1b[?1000l" in after and b"Traceback" not in after
    finally:
        process.kill()
        os.close(terminal)


def _read_until(terminal: int, wanted: bytes | None, deadline: float) -> bytes:
    """What the app wrote to its terminal until `wanted` shows (None: until it closes) or the deadline."""
    seen = b""
    while time.monotonic() < deadline and (wanted is None or wanted not in seen):
        ready, _, _ = io_select.select([terminal], [], [], 0.2)
        if ready:
            try:
                chunk = os.read(terminal, 65536)
            except OSError:  # the app has exited: its side of the terminal is closed
                break
            if not chunk:
                break
            seen += chunk
    return seen
