"""A command stopped by SIGTERM or SIGHUP (its terminal closed) unwinds as Ctrl-C does: an import in parts rolled
back, its part file (patient data) removed, exit 128 + the signal, no traceback. A real `crisis-tui import` is
signalled from its own reading thread once the first part is read (its part file is then in the home)."""

from __future__ import annotations

import signal
import subprocess
import sys

import pytest
from sqlmodel import func, select

from crisis_tui.cli import main
from crisis_tui.core.models import Appointment, ImportBatch
from import_files import FR_HEADER, appointments, xlsx

# Runs `crisis-tui ARGS...` with a sheet cut into small parts; once the first part is read, sends itself SIGNALS
# (comma-separated numbers), one after the other.
CHILD = """
import os, sys
from crisis_tui.cli import main
from crisis_tui.core.ingest import parts

parts.PART_BYTES = 600
read = parts.PartReader._calamine
sent = []

def read_then_signal(self, name, xml):
    found = read(self, name, xml)
    if not sent:
        sent.append(name)
        for signum in sys.argv[1].split(","):
            os.kill(os.getpid(), int(signum))
    return found

parts.PartReader._calamine = read_then_signal
sys.exit(main(sys.argv[2:]))
"""


@pytest.mark.parametrize("signals", [
    [signal.SIGINT], [signal.SIGTERM], [signal.SIGHUP],
    [signal.SIGHUP, signal.SIGTERM],  # a second signal during the unwinding does not cut it short
], ids=lambda signals: "+".join(s.name for s in signals))
def test_an_import_stopped_by_a_signal_is_rolled_back_its_part_file_removed_exit_128_plus_it(home, workspace,
                                                                                             tmp_path, signals):
    path = xlsx(tmp_path / "agenda.xlsx", ("S", [FR_HEADER, *appointments(600)]))
    result = subprocess.run(
        [sys.executable, "-c", CHILD, ",".join(str(int(s)) for s in signals), "--home", str(home.root), "import",
         str(path)], capture_output=True, text=True, timeout=120)
    assert (result.returncode, result.stdout, result.stderr) == (128 + signals[0], "", "")
    assert not list(home.data_dir.glob(".import-part-*"))
    with workspace.session(readonly=True) as session:
        assert session.exec(select(func.count()).select_from(Appointment)).one() == 0
        assert session.exec(select(func.count()).select_from(ImportBatch)).one() == 0


def test_a_command_holds_the_signal_handlers_while_it_runs_and_a_second_signal_does_not_cut_its_unwinding(
        home, capsys, monkeypatch):
    before = signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)
    unwound = []

    def run(_args):
        try:
            signal.raise_signal(signal.SIGHUP)
        finally:
            signal.raise_signal(signal.SIGTERM)
            unwound.append(True)

    monkeypatch.setattr("crisis_tui.cli.status.run", run)
    assert main(["--home", str(home.root), "status", "--date", "2026-12-07"]) == 128 + signal.SIGHUP
    assert unwound == [True] and capsys.readouterr().err == ""
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGHUP)) == before  # the process's own again
