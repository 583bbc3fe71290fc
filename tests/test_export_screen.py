"""The export screen and the outcomes dialog, each pushed in a tiny App: the export runs in a worker and shows
where the files are; bad input is said and nothing written; filled lists are read back."""

from __future__ import annotations

import threading
from datetime import date, time

from openpyxl import load_workbook
from sqlmodel import select
from textual.widgets import Checkbox, Input, Label, Static
from told_support import D1, D2, read_call_lists, read_csv

from crisis_tui.core.decisions import decide
from crisis_tui.core.documents import sms_batch
from crisis_tui.core.meetings import open_meeting
from crisis_tui.core.models import CallOutcome, Notification
from crisis_tui.i18n import Catalog
from crisis_tui.ui.screens.export import ExportScreen
from crisis_tui.ui.screens.outcomes import OutcomesDialog
from crisis_tui.ui.widgets.dialogs import ConfirmDialog, ErrorDialog
from tests.factories import appointment
from tests.ui_pilot import hosted, paused, until


def drive(screen, steps) -> None:
    hosted(screen, steps, (140, 40), ready=paused)


async def settled(pilot, screen) -> None:
    await until(pilot, lambda: not screen.running, "screen busy", tries=600, workers=True)


def _setup(workspace):
    with workspace.session() as s:
        for n, kind in enumerate(["mobile", "landline", "none", "mobile"]):
            appointment(s, "ARL", at=time(9, n), phone_kind=kind)
        appointment(s, "ARL", day=D2, phone_kind="mobile")
        decide(s, open_meeting(s, date(2026, 12, 6)), ["ARL"], ["consultation"], D1, D2, "cancelled")


def test_export_runs_in_a_worker_and_shows_the_files(workspace):
    _setup(workspace)
    screen = ExportScreen(workspace, Catalog("en"), D1, D1)

    async def steps(pilot, screen):
        screen.query_one("#export-secretaries", Input).value = "2"
        await pilot.click("#export-run")
        await settled(pilot, screen)
        shown = str(screen.query_one("#export-files", Static).render())
        files = [p for r in screen.results for p in r.files]
        assert [p.suffix for p in files] == [".csv", ".xlsx", ".xlsx"]
        assert all(str(p) in shown and p.parent == workspace.home.exports for p in files)
        message = str(screen.query_one("#export-message", Label).render())
        assert message.startswith("Done. Files written:") and "SMS 2, calls 1" in message
        toasts = [n.message for n in pilot.app._notifications]
        assert any(toast.startswith("Lists written: 3 file(s).") and "SMS 2, calls 1" in toast for toast in toasts)
        assert len(read_csv(files[0])) == 2 and "Arlon" in read_call_lists(files[2])

    drive(screen, steps)


def test_on_an_80x24_terminal_the_whole_result_and_the_files_are_on_screen(workspace):
    _setup(workspace)
    screen = ExportScreen(workspace, Catalog("fr"), D1, D1)

    async def steps(pilot, screen):
        await pilot.press("ctrl+s")
        await settled(pilot, screen)
        await pilot.pause()
        message, files = screen.query_one("#export-message", Label), screen.query_one("#export-files", Static)
        assert "injoignables" in str(message.render()) and message.region.right <= 80  # wrapped, not cut
        assert screen.screen.region.contains_region(files.region) and files.region.height >= 3  # scrolled to
        assert all(box.region.right <= 80 for box in screen.query(Checkbox))  # every option on screen

    hosted(screen, steps, (80, 24), ready=paused)


def test_a_range_and_gsm7_from_the_form(workspace):
    _setup(workspace)
    screen = ExportScreen(workspace, Catalog("fr"), D1, D1)

    async def steps(pilot, screen):
        screen.query_one("#export-to", Input).value = D2.isoformat()
        screen.query_one("#export-calls", Checkbox).value = False
        screen.query_one("#export-gsm7", Checkbox).value = True
        await pilot.press("ctrl+s")
        await settled(pilot, screen)
        [result] = screen.results
        assert result.files[0].name.startswith("sms_2026-12-07_2026-12-08_")
        assert [r["encoding"] for r in read_csv(result.files[0])] == ["GSM-7"] * 3

    drive(screen, steps)


def test_only_sms_not_sent_yet_from_the_form(workspace):
    _setup(workspace)
    screen = ExportScreen(workspace, Catalog("en"), D1, D1)

    async def steps(pilot, screen):
        screen.query_one("#export-calls", Checkbox).value = False
        await pilot.press("ctrl+s")
        await settled(pilot, screen)
        assert len(read_csv(screen.results[0].files[0])) == 2
        await pilot.click("#export-new")
        await pilot.press("ctrl+s")
        await settled(pilot, screen)
        [result] = screen.results
        assert read_csv(result.files[0]) == [] and result.already_told == 2
        message = str(screen.query_one("#export-message", Label).render())
        assert "2 SMS left out: those patients already received the same message" in message

    drive(screen, steps)


def test_bad_input_is_said_and_nothing_written(workspace):
    _setup(workspace)
    screen = ExportScreen(workspace, Catalog("en"), D1, D1)

    async def steps(pilot, screen):
        message = screen.query_one("#export-message", Label)
        screen.query_one("#export-from", Input).value = "07/12/2026"
        screen.action_export()
        assert "Invalid date: 07/12/2026" in str(message.render())
        screen.query_one("#export-from", Input).value = D2.isoformat()
        screen.action_export()
        assert str(message.render()) == f"The end ({D1}) is before the start ({D2})"
        screen.query_one("#export-from", Input).value = D1.isoformat()
        screen.query_one("#export-secretaries", Input).value = "0"
        screen.action_export()
        assert "--secretaries 0" in str(message.render())
        screen.query_one("#export-secretaries", Input).value = "1"
        screen.query_one("#export-sms", Checkbox).value = False
        screen.query_one("#export-calls", Checkbox).value = False
        screen.action_export()
        assert str(message.render()) == "Choose at least one list."
        await settled(pilot, screen)
        assert screen.results == [] and list(workspace.home.exports.iterdir()) == []
        await pilot.press("escape")
        await pilot.pause()
        assert pilot.app.screen is not screen

    drive(screen, steps)


def test_outcomes_dialog_reads_filled_lists_back(workspace):
    _setup(workspace)
    screen = ExportScreen(workspace, Catalog("fr"), D1, D1)
    exported = []

    async def export(pilot, screen):
        screen.query_one("#export-sms", Checkbox).value = False
        screen.action_export()
        await settled(pilot, screen)
        exported.extend(screen.results[0].files)

    drive(screen, export)
    wb = load_workbook(exported[0])
    wb["Arlon"]["L2"] = "Joint"
    wb["Injoignables"]["L2"] = "n'importe quoi"
    filled = workspace.home.exports / "appels_rempli.xlsx"  # put back beside the list, as a secretary would
    wb.save(filled)
    dialog = OutcomesDialog(workspace, Catalog("fr"))

    async def read(pilot, dialog):
        # the folder the lists were written to, not the inbox of appointment exports (found by an audit: ctrl+s
        # straight away said there was no filled call list there)
        assert dialog.query_one("#outcomes-paths", Input).value == str(workspace.home.exports)
        await pilot.press("ctrl+s")
        await settled(pilot, dialog)
        assert (dialog.report.recorded, dialog.report.unmatched) == (1, 1)  # the list as exported adds nothing
        assert sorted(dialog.report.files) == sorted(map(str, [filled, exported[0]]))
        assert "Injoignables, ligne 2" in str(dialog.query_one("#outcomes-problems", Static).render())
        dialog.query_one("#outcomes-paths", Input).value = str(workspace.home.inbox / "absent.xlsx")
        dialog.action_read()
        await settled(pilot, dialog)
        assert "introuvable" in str(dialog.query_one("#outcomes-message", Label).render())
        assert isinstance(pilot.app.screen, ErrorDialog) and "absent.xlsx" in pilot.app.screen.text

    drive(dialog, read)
    with workspace.session() as s:
        assert s.exec(select(Notification.channel).join(CallOutcome)).all() == ["call"]


def test_a_failed_export_is_said_in_the_copyable_error_dialog(workspace, monkeypatch):
    _setup(workspace)

    def broken(*_args, **_kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("crisis_tui.ui.screens.export.export_sms", broken)
    screen = ExportScreen(workspace, Catalog("en"), D1, D1)

    async def steps(pilot, screen):
        screen.action_export()
        await settled(pilot, screen)
        assert "disk full" in str(screen.query_one("#export-message", Label).render())
        assert isinstance(pilot.app.screen, ErrorDialog) and "OSError: disk full" in pilot.app.screen.text

    drive(screen, steps)


def test_escape_stops_an_export_after_a_confirmation_and_nothing_of_it_is_kept(workspace, monkeypatch):
    _setup(workspace)
    monkeypatch.setattr(sms_batch, "PROGRESS_EVERY", 1)
    asked, release = threading.Event(), threading.Event()
    real = ExportScreen._progress

    def slow(screen, done, total):  # the export waits at its first progress until the test has pressed Escape
        asked.set()
        release.wait(10)
        real(screen, done, total)

    monkeypatch.setattr(ExportScreen, "_progress", slow)
    screen = ExportScreen(workspace, Catalog("fr"), D1, D2)

    async def steps(pilot, screen):
        await pilot.press("ctrl+s")
        await until(pilot, asked.is_set, "the export's first progress")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ConfirmDialog) and screen.running
        await pilot.press("y")
        await pilot.pause()
        release.set()
        await settled(pilot, screen)
        assert pilot.app.screen is screen  # still open, saying so
        assert str(screen.query_one("#export-message", Label).render()).startswith("Export arrêté")
        assert any(n.message.startswith("Export arrêté") for n in pilot.app._notifications)

    drive(screen, steps)
    assert not [p for p in workspace.home.exports.iterdir() if p.is_file()]
    with workspace.session() as s:
        assert s.exec(select(Notification)).all() == []
