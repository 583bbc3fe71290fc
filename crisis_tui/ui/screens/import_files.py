"""The import screen: a folder or a file (default: the home's inbox), the spreadsheets found there to tick (those
already imported are shown so and left unticked), the import in a thread worker with a progress bar (escape
cancels, after a confirmation), then a summary per file.

The import itself is `core.ingest.importer.import_paths`; this screen only starts it and shows its progress.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Sequence

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Header, Input, Label, ProgressBar, SelectionList
from textual.worker import Worker, WorkerState

from crisis_tui.core.ingest.importer import ImportCancelled, ImportReport, import_file, imported_before
from crisis_tui.core.ingest.read import spreadsheets_in
from crisis_tui.core.workspace import Workspace
from crisis_tui.i18n import Catalog
from crisis_tui.ui.keymap import localize_bindings
from crisis_tui.ui.widgets.dialogs import ConfirmDialog, ErrorDialog

PROGRESS_TICK = 0.1  # seconds between progress bar updates
FILE_STEPS = 1000  # progress bar steps per file
SUMMARY_FIELDS = ("rows", "imported", "duplicates", "rejected")


def spreadsheets_at(path: Path, skip: Sequence[Path] = ()) -> list[Path]:
    """The spreadsheets a path names: itself (a file) or those a folder import picks up in it (a folder)."""
    if path.is_file():
        return [path]
    if path.is_dir():
        return spreadsheets_in(path, skip)
    return []


def size_text(size: int, catalog: Catalog) -> str:
    """A file's size as the list shows it: bytes, KB or MB, in the catalog's units."""
    if size < 1024:
        return catalog.t("ui.import.size_bytes", n=size)
    if size < 1024 * 1024:
        return catalog.t("ui.import.size_kb", n=f"{size / 1024:.0f}")
    megabytes = f"{size / (1024 * 1024):.1f}"
    return catalog.t("ui.import.size_mb", n=megabytes.replace(".", ",") if catalog.lang == "fr" else megabytes)


class ImportScreen(Screen):
    HELP_KEY = "ui.help.import"
    BINDINGS = [
        Binding("ctrl+s", "start", "ui.keys.import_start", id="import.start"),
        Binding("ctrl+a", "toggle_all", "ui.keys.import_all", id="import.all"),
        Binding("ctrl+l", "focus_path", "ui.keys.import_path", id="import.path"),
        Binding("escape", "back", "ui.keys.import_back", id="import.back"),
    ]

    def __init__(self, workspace: Workspace, catalog: Catalog, folder: Path | None = None) -> None:
        super().__init__()
        localize_bindings(self, catalog)
        self.workspace = workspace
        self.catalog = catalog
        self.folder = folder or workspace.home.inbox
        self.listed = self.folder  # the path whose spreadsheets are listed (their names shown from it)
        self.cancel_event: threading.Event | None = None
        self._unticked: set[str] = set()  # the files listed when the import started: left unticked after it
        self.report: ImportReport | None = None  # the last one shown
        self._file = (0, 0)  # index of the file being imported, number of files
        self._progress: tuple[int, int, str] = (0, 0, "")  # rows done, rows in the file, message

    def compose(self) -> ComposeResult:
        t = self.catalog.t
        yield Header(icon="✚")
        with Vertical(id="import-body"):
            yield Label(t("ui.import.path_label"))
            yield Input(value=self.shown_path(self.folder), id="import-path")
            yield Label(id="import-found")
            yield SelectionList[str](id="import-files")
            with Horizontal(id="import-actions"):
                yield Button(t("ui.import.start"), id="import-start", variant="primary")
                yield ProgressBar(id="import-progress", show_eta=False)
            yield Label(id="import-message")
            yield DataTable(id="import-summary", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        t = self.catalog.t
        table = self.query_one(DataTable)
        table.add_columns(*(t(f"ui.import.col.{name}") for name in ("file", "status", "sheet", *SUMMARY_FIELDS,
                                                                     "detail")))
        table.display = False
        self.query_one(ProgressBar).display = False
        self.list_files()
        self.query_one(SelectionList).focus()
        self.set_interval(PROGRESS_TICK, self._show_progress)

    def shown_path(self, path: Path) -> str:
        """A path as shown: relative to the home when inside it."""
        try:
            return str(path.resolve().relative_to(self.workspace.home.root.resolve())) or "."
        except ValueError:
            return str(path)

    def typed_path(self) -> Path:
        path = Path(self.query_one("#import-path", Input).value.strip() or ".").expanduser()
        return path if path.is_absolute() else self.workspace.home.root / path

    @property
    def importing(self) -> bool:
        return self.cancel_event is not None

    # -- choosing files -------------------------------------------------------------------------------------------
    def list_files(self, unticked: set[str] = frozenset()) -> None:
        """The spreadsheets at the typed path, each ticked but those `unticked` (and, once found, those imported
        before)."""
        t = self.catalog.t
        path = self.typed_path()
        files = spreadsheets_at(path, [self.workspace.home.exports])
        self.listed = path
        selection = self.query_one(SelectionList)
        selection.clear_options()
        selection.add_options([(self._file_label(p), str(p), str(p) not in unticked) for p in files])
        if files:
            selection.highlighted = 0
            self._find_imported(files)
        found = t("ui.import.found", n=len(files)) if files else t("ui.import.none_found", path=self.shown_path(path))
        self.query_one("#import-found", Label).update(found)

    def _file_label(self, path: Path, imported: bool = False) -> str:
        already = f" — {self.catalog.t('import.cli.already')}" if imported else ""
        inside = path != self.listed and path.is_relative_to(self.listed)  # listed from a folder: a name in it
        name = path.relative_to(self.listed).as_posix() if inside else path.name
        return f"{name}  ({size_text(path.stat().st_size, self.catalog)}){already}"

    @work(thread=True, exclusive=True, group="listing", exit_on_error=False)
    def _find_imported(self, files: list[Path]) -> set[Path]:
        """The files listed whose content was imported before (each file read to its end: not on the UI thread)."""
        return imported_before(self.workspace, files)

    def _mark_imported(self, done: set[Path]) -> None:
        """Those files said so and left unticked: importing them again adds nothing."""
        selection = self.query_one(SelectionList)
        for index in range(selection.option_count):
            path = Path(selection.get_option_at_index(index).value)
            if path in done:
                selection.deselect(str(path))
                selection.replace_option_prompt_at_index(index, self._file_label(path, imported=True))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.list_files()
        self.query_one(SelectionList).focus()

    def action_focus_path(self) -> None:
        self.query_one("#import-path", Input).focus()

    def action_toggle_all(self) -> None:
        selection = self.query_one(SelectionList)
        if len(selection.selected) == selection.option_count:
            selection.deselect_all()
        else:
            selection.select_all()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_start()

    # -- importing ------------------------------------------------------------------------------------------------
    def action_start(self) -> None:
        if self.importing:
            return
        selection = self.query_one(SelectionList)
        paths = [Path(p) for p in selection.selected]
        # after the import, the files the chair left unticked stay so (a big one is not imported by a second
        # ctrl+s), and those just imported or refused too; a file come since is ticked
        self._unticked = {selection.get_option_at_index(i).value for i in range(selection.option_count)}
        if not paths:
            self.notify(self.catalog.t("ui.import.nothing_selected"), severity="warning")
            return
        self.cancel_event = threading.Event()
        self._file, self._progress = (0, len(paths)), (0, 0, self.catalog.t("ui.import.starting"))
        bar = self.query_one(ProgressBar)
        bar.update(total=None, progress=0)
        bar.display = True
        self.query_one(DataTable).display = False
        self.query_one("#import-start", Button).disabled = True
        self._import(paths, self.cancel_event)

    def _report_progress(self, done: int, total: int, message: str) -> None:
        """Called by the importer in the worker thread: only stores; the UI timer shows it."""
        self._progress = (done, total, message)

    def _show_progress(self) -> None:
        if not self.importing:
            return
        (index, files), (done, total, message) = self._file, self._progress
        share = FILE_STEPS * done // total if total else 0
        self.query_one(ProgressBar).update(total=max(files, 1) * FILE_STEPS, progress=index * FILE_STEPS + share)
        text = self.catalog.t("ui.import.progress", k=index + 1, n=files, file=message, done=done, total=total)
        self.query_one("#import-message", Label).update(text)

    @work(thread=True, exclusive=True, group="import", exit_on_error=False)
    def _import(self, paths: list[Path], cancel: threading.Event) -> tuple[ImportReport, bool]:
        """One file at a time, so that a cancel keeps (and reports) the files already imported."""
        report = ImportReport()
        for index, path in enumerate(paths):
            self._file, self._progress = (index, len(paths)), (0, 0, path.name)
            try:
                report.files.append(import_file(self.workspace, path, progress=self._report_progress, cancel=cancel,
                                                lang=self.catalog.lang))
            except ImportCancelled:
                return report, True
        return report, False

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "listing" and event.state == WorkerState.SUCCESS:
            self._mark_imported(event.worker.result)
        if event.worker.group != "import" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        self.cancel_event = None
        self.query_one(ProgressBar).display = False
        self.query_one("#import-start", Button).disabled = False
        t = self.catalog.t
        if event.state == WorkerState.ERROR:
            self.query_one("#import-message", Label).update(t("ui.import.failed"))
            self.app.show_error(event.worker.error)
        else:
            report, cancelled = event.worker.result
            self.show_report(report, cancelled)
        self.list_files(self._unticked)

    def show_report(self, report: ImportReport, cancelled: bool = False) -> None:
        t = self.catalog.t
        self.report = report
        table = self.query_one(DataTable)
        table.clear()
        for file in report.files:
            detail = (file.error.said(self.catalog) if file.error else
                      self.shown_path(Path(file.rejects_file)) if file.rejects_file else "")
            status_key = f"ui.import.status.{file.status}"
            status = t(status_key) if self.catalog.has(status_key) else file.status
            table.add_row(Path(file.path).name, status, file.sheet or "",
                          *(Text(str(getattr(file, name)), justify="right") for name in SUMMARY_FIELDS), detail)
        table.display = bool(report.files)
        sums = {name: sum(getattr(f, name) for f in report.files) for name in SUMMARY_FIELDS}
        summary = t("ui.import.done", files=len(report.files), errors=len(report.failed), **sums)
        if cancelled:
            summary = f"{t('ui.import.cancelled')} — {summary}"
        warn = cancelled or report.failed or sums["rejected"]
        self.query_one("#import-message", Label).update(f"{summary}. {t('ui.import.detail_hint')}" if warn else summary)
        self.notify(summary, severity="warning" if warn else "information", timeout=8)
        if report.files:  # the table takes the keys: arrows scroll it on a small screen, Enter shows a file's detail
            table.focus()
            table.move_cursor(row=next((row for row, file in enumerate(report.files)
                                        if file.status == "error" or file.rejected), 0))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        if self.report is None:
            return
        file = self.report.files[event.cursor_row]
        text = (file.error.said(self.catalog) if file.error else
                self.catalog.t("ui.import.file_detail", path=file.path, rejects=file.rejects_file or "—"))
        self.app.push_screen(ErrorDialog(self.catalog, text, title=Path(file.path).name))

    def action_back(self) -> None:
        if not self.importing:
            self.dismiss()
            return

        def confirmed(yes: bool | None) -> None:
            if yes and self.cancel_event is not None:
                self.cancel_event.set()
                self.query_one("#import-message", Label).update(self.catalog.t("ui.import.cancelling"))

        self.app.push_screen(ConfirmDialog(self.catalog, self.catalog.t("ui.import.confirm_cancel")), confirmed)
