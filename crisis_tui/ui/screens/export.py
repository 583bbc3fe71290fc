"""The export screen: a day or a range, which lists (SMS batch, call lists), how many secretaries per site,
GSM-7 or not; the export runs in a thread worker with a progress bar (Escape stops it, after a confirmation: the
list being written is not kept), then the screen shows where the files are.

The documents are written by `core.documents.sms_batch.export_sms` and `core.documents.call_lists.export_calls`
(each in one transaction: all or nothing); this screen only starts them and shows their progress.
"""

from __future__ import annotations

import threading
from datetime import date

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Footer, Header, Input, Label, ProgressBar, Static

from crisis_tui.core.documents.call_lists import export_calls
from crisis_tui.core.documents.sms_batch import export_sms
from crisis_tui.core.told import ExportCancelled, ExportResult, run_export
from crisis_tui.core.workspace import Workspace
from crisis_tui.i18n import Catalog
from crisis_tui.ui.keymap import localize_bindings
from crisis_tui.ui.widgets.dialogs import ConfirmDialog, error_text, report_error

MAX_SECRETARIES = 50


class ExportScreen(Screen):
    HELP_KEY = "ui.help.export"
    DEFAULT_CSS = """
    ExportScreen #export-body { padding: 1 2; }
    ExportScreen #export-title { text-style: bold; margin-bottom: 1; }
    ExportScreen .export-row { height: auto; margin-bottom: 1; }
    ExportScreen .export-row Label { width: auto; padding: 1 1 0 0; }
    ExportScreen .export-row Input { width: 18; margin-right: 2; }
    ExportScreen #export-progress { padding: 1 2; }
    ExportScreen #export-message { width: 1fr; height: auto; }
    ExportScreen #export-files { height: auto; margin-top: 1; }
    """
    BINDINGS = [
        Binding("ctrl+s", "export", "telling.screen.run", id="export.run"),
        Binding("escape", "back", "telling.screen.close", id="export.back"),
    ]

    def __init__(self, workspace: Workspace, catalog: Catalog, day_from: date, day_to: date) -> None:
        super().__init__()
        localize_bindings(self, catalog)
        self.workspace = workspace
        self.catalog = catalog
        self.day_from, self.day_to = day_from, day_to
        self.results: list[ExportResult] = []  # those of the last export
        self.running = False
        self.cancel = threading.Event()  # set to stop the running export (Escape, confirmed)

    def compose(self) -> ComposeResult:
        t = self.catalog.t
        yield Header()
        with VerticalScroll(id="export-body"):  # on a small terminal the files written are scrolled to
            yield Label(t("telling.screen.title"), id="export-title")
            with Horizontal(classes="export-row"):
                yield Label(t("telling.screen.date_from"))
                yield Input(self.day_from.isoformat(), id="export-from")
                yield Label(t("telling.screen.date_to"))
                yield Input(self.day_to.isoformat(), id="export-to")
            with Horizontal(classes="export-row"):
                yield Checkbox(t("telling.screen.sms"), True, id="export-sms")
                yield Checkbox(t("telling.screen.calls"), True, id="export-calls")
            with Horizontal(classes="export-row"):  # the options: a row of their own fits 80 columns
                yield Checkbox(t("telling.screen.gsm7"), False, id="export-gsm7")
                yield Checkbox(t("telling.screen.new_only"), False, id="export-new")
            with Horizontal(classes="export-row"):
                yield Label(t("telling.screen.secretaries"))
                yield Input("1", type="integer", id="export-secretaries")
            with Horizontal(classes="export-row"):
                yield Button(t("telling.screen.run"), id="export-run", variant="primary")
                yield ProgressBar(id="export-progress", show_eta=False)
            yield Label(id="export-message", markup=False)
            yield Static(id="export-files", markup=False)
        yield Footer()

    def _say(self, text: str) -> None:
        self.query_one("#export-message", Label).update(text)

    def _date(self, widget_id: str) -> date | None:
        value = self.query_one(widget_id, Input).value.strip()
        try:
            return date.fromisoformat(value)
        except ValueError:
            self._say(self.catalog.t("telling.screen.bad_date", value=value))
            return None

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "export-run":
            event.stop()
            self.action_export()

    def action_back(self) -> None:
        """Close; while an export runs, stop it after a confirmation (what it was writing is not kept)."""
        if not self.running:
            self.dismiss()
            return

        def confirmed(yes: bool | None) -> None:
            if yes and self.running:
                self.cancel.set()
                self._say(self.catalog.t("telling.screen.cancelling"))

        self.app.push_screen(ConfirmDialog(self.catalog, self.catalog.t("telling.screen.confirm_cancel")), confirmed)

    def action_export(self) -> None:
        if self.running:
            return
        t = self.catalog.t
        day_from = self._date("#export-from")
        day_to = self._date("#export-to") if day_from else None
        if day_from is None or day_to is None:
            return
        if day_to < day_from:
            self._say(t("exceptions.form.dates_reversed", day_from=day_from, day_to=day_to))
            return
        kinds = [k for k in ("sms", "calls") if self.query_one(f"#export-{k}", Checkbox).value]
        if not kinds:
            self._say(t("telling.screen.nothing"))
            return
        try:
            secretaries = int(self.query_one("#export-secretaries", Input).value or "1")
        except ValueError:
            secretaries = 0
        if not 1 <= secretaries <= MAX_SECRETARIES:
            self._say(t("telling.cli.secretaries", value=self.query_one("#export-secretaries", Input).value))
            return
        self.day_from, self.day_to = day_from, day_to
        self.running = True
        self.cancel.clear()
        self.query_one("#export-run", Button).disabled = True
        self.query_one("#export-files", Static).update("")
        self._say(t("telling.screen.working"))
        self.run_export(kinds, secretaries, self.query_one("#export-gsm7", Checkbox).value,
                        self.query_one("#export-new", Checkbox).value)

    def _progress(self, done: int, total: int) -> None:
        """Show how far the export is; stop it (ExportCancelled) when the chair asked to."""
        if self.cancel.is_set():
            raise ExportCancelled()
        self.app.call_from_thread(self.query_one("#export-progress", ProgressBar).update, total=max(total, 1),
                                  progress=done)

    @work(thread=True, exclusive=True, group="export")
    def run_export(self, kinds: list[str], secretaries: int, gsm7: bool, new_only: bool) -> None:
        ws, reference, catalog = self.workspace, self.workspace.reference, self.catalog
        out_dir = ws.home.exports
        results: list[ExportResult] = []
        try:
            for kind in kinds:
                if self.cancel.is_set():
                    raise ExportCancelled()
                if kind == "sms":
                    results.append(run_export(ws, export_sms, reference, catalog, self.day_from, self.day_to,
                                              out_dir, gsm7=gsm7, new_only=new_only, progress=self._progress))
                else:
                    results.append(run_export(ws, export_calls, reference, catalog, self.day_from, self.day_to,
                                              out_dir, secretaries=secretaries, new_only=new_only,
                                              progress=self._progress))
        except ExportCancelled:
            self.app.call_from_thread(self._cancelled, results)
            return
        except Exception as exc:  # shown to the user; each export already took its own files back
            self.app.call_from_thread(self._finished, results, exc)
            return
        self.app.call_from_thread(self._finished, results, None)

    def _cancelled(self, results: list[ExportResult]) -> None:
        """Stopped: the list being written is not kept; those finished before it are (listed)."""
        self.running = False
        self.results = results
        self.query_one("#export-run", Button).disabled = False
        files = [str(path) for result in results for path in result.files]
        self.query_one("#export-files", Static).update("\n".join(files))
        text = self.catalog.t("telling.screen.cancelled")
        self._say(text)
        self.notify(text, severity="warning", timeout=8)

    def _finished(self, results: list[ExportResult], error: Exception | None) -> None:
        t = self.catalog.t
        self.running = False
        self.results = results
        self.query_one("#export-run", Button).disabled = False
        files = [str(path) for result in results for path in result.files]
        self.query_one("#export-files", Static).update("\n".join(files))
        if error is not None:
            self._say(t("telling.screen.failed", error=error_text(error, self.catalog).splitlines()[0]))
            report_error(self, self.catalog, error)
            return
        counts = results[-1].counts if results else {}
        counted = [t("telling.cli.counts", **counts)] if counts else []
        self._say("  ".join([t("telling.screen.done"), *counted,
                             *(result.notice.said(self.catalog) for result in results if result.notice)]))
        self.notify(" ".join([t("telling.screen.written", n=len(files)), *counted]), timeout=8)
        self.query_one("#export-body", VerticalScroll).scroll_end(animate=False)
