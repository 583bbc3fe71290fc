"""The import screen: spreadsheets listed from the inbox, ticked, imported in a worker with progress, cancelled
after a confirmation (the files before are kept, nothing of the current one), a summary per file; the board
recounts after."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import func
from sqlmodel import select
from textual.widgets import DataTable, SelectionList

from crisis_tui.core.models import Appointment, ImportBatch
from crisis_tui.ui.screens.board import BoardScreen
from crisis_tui.ui.screens.import_files import ImportScreen, spreadsheets_at
from crisis_tui.ui.widgets.dialogs import ConfirmDialog, ErrorDialog
from tests.ui_pilot import DAY, make_app, pilot_test, settle

SIZE = (120, 40)
HEADER = "Nom;Prénom;Date;Heure;GSM;Site;Activité"


def write_csv(path: Path, rows: int, *, site: str = "Arlon", bad: int = 0) -> Path:
    lines = [HEADER]
    lines += [f"Patient{i};Jean;{DAY:%d/%m/%Y};{8 + i % 10}:{i % 60:02d};0475 12 {i // 100 % 100:02d} {i % 100:02d};"
              f"{site};Consultation" for i in range(rows)]
    lines += [f"Bad{i};Row;pas une date;;;{site};Consultation" for i in range(bad)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def appointments(workspace) -> int:
    with workspace.session() as session:
        return session.exec(select(func.count()).select_from(Appointment)).one()


def test_sizes_are_said_in_the_languages_units():
    from crisis_tui.i18n import Catalog
    from crisis_tui.ui.screens.import_files import size_text

    assert [size_text(n, Catalog("fr")) for n in (14, 808 * 1024, 22 * 1024 * 1024)] == ["14 o", "808 ko", "22,0 Mo"]
    assert [size_text(n, Catalog("en")) for n in (14, 2048, 3 * 1024 * 1024)] == ["14 B", "2 KB", "3.0 MB"]


def test_spreadsheets_in_a_folder_its_folders_or_a_file(tmp_path):
    for name in ("b.xlsx", "a.csv", "notes.docx", ".hidden.csv", "~$lock.xlsx", "Arlon/c.ods", "Arlon/~$c.ods",
                 ".cache/d.xlsx", "bastogne/e.xls"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("x")
    (tmp_path / "loop").symlink_to(tmp_path)  # a link to a folder is not followed
    assert [p.relative_to(tmp_path).as_posix() for p in spreadsheets_at(tmp_path)] == [
        "a.csv", "Arlon/c.ods", "b.xlsx", "bastogne/e.xls"]
    assert spreadsheets_at(tmp_path / "a.csv") == [tmp_path / "a.csv"]
    assert spreadsheets_at(tmp_path / "missing") == []


@pilot_test
async def test_import_through_the_screen_then_the_board_recounts(workspace):
    inbox = workspace.home.inbox
    write_csv(inbox / "arlon.csv", 12, bad=1)
    write_csv(inbox / "virton.csv", 5, site="Virton")
    (inbox / "broken.xlsx").write_bytes(b"not a workbook")
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("i")
        screen = pilot.app.screen
        assert isinstance(screen, ImportScreen)
        files = screen.query_one(SelectionList)
        assert files.option_count == 3 and len(files.selected) == 3
        await pilot.press("ctrl+s")
        await settle(pilot)
        report = screen.report
        assert [(Path(f.path).name, f.status) for f in report.files] == [
            ("arlon.csv", "imported"), ("broken.xlsx", "error"), ("virton.csv", "imported")]
        arlon = report.files[0]
        assert (arlon.rows, arlon.imported, arlon.rejected) == (13, 12, 1) and Path(arlon.rejects_file).is_file()
        table = screen.query_one(DataTable)
        assert table.row_count == 3
        assert str(table.get_row_at(0)[-1]).startswith("exports")
        assert "17 appointment(s) imported" in str(screen.query_one("#import-message").content)
        await pilot.press("escape")
        await settle(pilot)
        board = pilot.app.screen
        assert isinstance(board, BoardScreen)
        assert board.grid.cells[("ARL", "consultation")].appointments == 12
        assert board.grid.cells[("VIR", "consultation")].appointments == 5
    assert appointments(workspace) == 17


def usb_stick(tmp_path: Path) -> Path:
    """A folder of two exports: a.csv (3 appointments at Arlon) and b.csv (4 at Bastogne)."""
    usb = tmp_path / "usb"
    usb.mkdir()
    write_csv(usb / "a.csv", 3)
    write_csv(usb / "b.csv", 4, site="Bastogne")
    return usb


async def import_screen_on(pilot, folder: Path) -> ImportScreen:
    """The import screen opened from the board, its path typed in and listed."""
    await settle(pilot)
    await pilot.press("i")
    screen = pilot.app.screen
    assert screen.query_one(SelectionList).option_count == 0  # the inbox is empty
    await pilot.press("ctrl+l")
    screen.query_one("#import-path").value = str(folder)
    await pilot.press("enter")
    return screen


@pilot_test
async def test_unticked_files_are_not_imported_and_a_typed_path_is_listed(workspace, tmp_path):
    usb = usb_stick(tmp_path)
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        screen = await import_screen_on(pilot, usb)
        files = screen.query_one(SelectionList)
        assert files.option_count == 2
        await pilot.press("space", "ctrl+s")
        await settle(pilot)
        assert [Path(f.path).name for f in screen.report.files] == ["b.csv"]
    assert appointments(workspace) == 4


@pilot_test
async def test_files_already_imported_are_said_so_and_left_unticked(workspace, tmp_path):
    usb = usb_stick(tmp_path)
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        screen = await import_screen_on(pilot, usb)
        await pilot.press("space", "ctrl+s")  # b.csv only
        await settle(pilot)
        files = screen.query_one(SelectionList)
        assert files.selected == []  # a.csv left unticked by the chair stays so: a second ctrl+s imports nothing
        prompts = [str(files.get_option_at_index(i).prompt) for i in range(files.option_count)]
        assert "already" not in prompts[0] and prompts[1].endswith("— already imported")
        write_csv(usb / "b copy.csv", 4, site="Bastogne")  # the same content under another name
        await pilot.press("ctrl+l", "enter")
        await settle(pilot)  # the files already imported are found by a worker
        assert [Path(value).name for value in files.selected] == ["a.csv"]


@pilot_test
async def test_the_summary_wraps_on_a_small_terminal(workspace):
    write_csv(workspace.home.inbox / "consultations_arlon.csv", 3, bad=2)
    async with make_app(workspace, lang="fr").run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("i", "ctrl+s")
        await settle(pilot)
        message = pilot.app.screen.query_one("#import-message")
        text = str(message.render())
        assert len(text) > 80 and text.endswith("Entrée : détail du fichier")  # longer than the screen is wide...
        assert message.size.height >= 2 and message.size.width <= 80  # ...so it takes two lines, not cut


@pilot_test
async def test_after_an_import_the_summary_takes_the_keys_on_the_first_file_to_look_at(workspace):
    inbox = workspace.home.inbox
    write_csv(inbox / "arlon.csv", 4)
    (inbox / "broken.xlsx").write_bytes(b"not a workbook")
    write_csv(inbox / "virton.csv", 5, site="Virton")
    async with make_app(workspace, lang="fr").run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("i", "ctrl+s")
        await settle(pilot)
        screen = pilot.app.screen
        table = screen.query_one(DataTable)
        assert pilot.app.focused is table and table.cursor_row == 1  # broken.xlsx, the file in error
        assert table.region.bottom <= 23 and table.size.height >= 4  # its three rows shown above the footer
        await pilot.press("enter")
        await settle(pilot)
        dialog = pilot.app.screen
        assert isinstance(dialog, ErrorDialog)
        assert "broken.xlsx" in dialog.query_one("#error-text").text


@pilot_test
async def test_escape_cancels_the_import_after_confirming(workspace, monkeypatch):
    write_csv(workspace.home.inbox / "a_small.csv", 3)
    write_csv(workspace.home.inbox / "b_big.csv", 6000)
    gate, reached = threading.Event(), threading.Event()
    show = ImportScreen._report_progress

    def held(self, done, total, message):
        if message == "b_big.csv" and done < total:
            reached.set()
            gate.wait(10)
        show(self, done, total, message)

    monkeypatch.setattr(ImportScreen, "_report_progress", held)
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("i")
        screen = pilot.app.screen
        await pilot.press("ctrl+s")
        assert reached.wait(10)
        await pilot.pause(0.2)
        assert screen.importing
        assert screen.query_one("ProgressBar").progress >= 1000
        await pilot.press("escape")
        assert isinstance(pilot.app.screen, ConfirmDialog)
        await pilot.press("n")
        assert not screen.cancel_event.is_set()
        await pilot.press("escape", "y")
        gate.set()
        await settle(pilot)
        assert not screen.importing
        assert [Path(f.path).name for f in screen.report.files] == ["a_small.csv"]
        assert "stopped" in str(screen.query_one("#import-message").content)
    assert appointments(workspace) == 3
    with workspace.session() as session:
        assert [b.file_name for b in session.exec(select(ImportBatch))] == ["a_small.csv"]


@pilot_test
async def test_the_spreadsheets_of_the_inbox_folders_are_listed_by_their_path_in_it_and_imported(workspace):
    inbox = workspace.home.inbox
    (inbox / "Arlon").mkdir()
    write_csv(inbox / "Arlon" / "consultations.csv", 4)
    write_csv(inbox / "virton.csv", 3, site="Virton")
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("i")
        files = pilot.app.screen.query_one(SelectionList)
        prompts = [str(files.get_option_at_index(i).prompt) for i in range(files.option_count)]
        assert [prompt.split("  (")[0] for prompt in prompts] == ["Arlon/consultations.csv", "virton.csv"]
        await pilot.press("ctrl+s")
        await settle(pilot)
    assert appointments(workspace) == 7
