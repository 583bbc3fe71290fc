"""An export killed (kill -9) at the worst moments: before its transaction commits, it leaves no file published
and nothing recorded; between the commit and the renames, notifications without files (the patients are put on
the next export again), and temporary files a later export sweeps once stale. Never a published file the
database does not know of."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import date, time as clock_time

import pytest
from sqlmodel import select
from told_support import D1, calls_export, read_call_lists, read_csv, sms_export

from crisis_tui.core.decisions import decide
from crisis_tui.core.documents.workbook import STALE_SECONDS, TEMP_SUFFIX
from crisis_tui.core.meetings import open_meeting
from crisis_tui.core.models import Notification
from tests.factories import appointment

# Runs `crisis-tui ARGS...` and kills itself with SIGKILL at MOMENT: "before_commit" (the export's transaction,
# once the export folder holds anything), or "before_rename" (the first file about to get its final name).
CHILD = """
import os, signal, sys
from pathlib import Path
from sqlalchemy import event
from sqlalchemy.orm import Session
from crisis_tui.cli import main
from crisis_tui.core.documents import workbook

def die(*_args, **_kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

moment, out = sys.argv[1], Path(sys.argv[2])
if moment == "before_commit":
    event.listen(Session, "before_commit", lambda session: out.is_dir() and any(out.iterdir()) and die())
else:
    workbook._publish = die
main(sys.argv[3:])
"""
EXPORTS = {"sms": sms_export, "calls": calls_export}


def _cancelled(workspace) -> None:
    """ARL consultations cancelled: two patients told by SMS, two called."""
    with workspace.session() as s:
        for n, kind in enumerate(("mobile", "mobile", "landline", "landline")):
            appointment(s, "ARL", at=clock_time(9, n), phone_kind=kind)
        decide(s, open_meeting(s, date(2026, 12, 6)), ["ARL"], ["consultation"], D1, D1, "cancelled")


def _killed_export(home, out, kind: str, moment: str) -> None:
    argv = ["--home", str(home.root), "export", kind, "--date", D1.isoformat(), "--out", str(out)]
    result = subprocess.run([sys.executable, "-c", CHILD, moment, str(out), *argv], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == -signal.SIGKILL, result.stderr


def _recorded(workspace) -> list[Notification]:
    with workspace.session() as s:
        return list(s.exec(select(Notification)).all())


def _published(out) -> list[str]:
    return sorted(p.name for p in out.iterdir() if not p.name.startswith("."))


def _temporary(out) -> list:
    return sorted(p for p in out.iterdir() if p.name.startswith(".") and p.name.endswith(TEMP_SUFFIX))


@pytest.mark.parametrize("kind", ["sms", "calls"])
def test_killed_before_the_commit_publishes_nothing_and_records_nothing(workspace, home, tmp_path, kind):
    _cancelled(workspace)
    out = tmp_path / "out"
    _killed_export(home, out, kind, "before_commit")
    assert _published(out) == []
    assert _recorded(workspace) == []
    assert len(_temporary(out)) == (2 if kind == "sms" else 1)  # complete, but under names no one uses


@pytest.mark.parametrize("kind", ["sms", "calls"])
def test_killed_between_commit_and_renames_the_next_export_tells_them_again_and_sweeps(workspace, home, tmp_path,
                                                                                       kind):
    _cancelled(workspace)
    out = tmp_path / "out"
    _killed_export(home, out, kind, "before_rename")
    assert _published(out) == []
    first = _recorded(workspace)
    assert len(first) == 2 and {n.reference[-2:] for n in first} == {"-1"}
    left = _temporary(out)
    assert left
    old = time.time() - STALE_SECONDS - 60
    for path in left:
        os.utime(path, (old, old))
    result = EXPORTS[kind](workspace, out)
    assert _published(out) == sorted(p.name for p in result.files) and _temporary(out) == []
    if kind == "sms":
        rows = read_csv(result.files[0])
    else:
        rows = [r for sheet in read_call_lists(result.files[0]).values() for r in sheet]
    assert sorted(r["reference"] for r in rows) == sorted(n.reference[:-2] + "-2" for n in first)
