"""Reading filled call lists back: a dialog asking for the file(s) or folder (default: the home's exports/, where the
call lists were written and where a filled copy is most likely put back; the inbox holds appointment exports), the
read-back in a thread worker (`core.outcomes.read_back`, one transaction), then the counts and every row that
could not be matched, one line each. Dismissed with the last `OutcomeReport` (None if nothing was read).
"""

from __future__ import annotations

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Static

from crisis_tui.core.outcomes import OutcomeReport, read_back
from crisis_tui.core.workspace import Workspace
from crisis_tui.i18n import Catalog
from crisis_tui.ui.keymap import localize_bindings
from crisis_tui.ui.widgets.dialogs import error_text, report_error


class OutcomesDialog(ModalScreen[OutcomeReport | None]):
    HELP_KEY = "ui.help.outcomes"
    DEFAULT_CSS = """
    OutcomesDialog #outcomes-message { margin-top: 1; }
    OutcomesDialog #outcomes-problems { height: auto; max-height: 16; overflow-y: auto; }
    """
    BINDINGS = [
        Binding("ctrl+s", "read", "telling.screen.outcomes_run", id="outcomes.run"),
        Binding("escape", "close", "telling.screen.close", id="outcomes.close"),
    ]

    def __init__(self, workspace: Workspace, catalog: Catalog) -> None:
        super().__init__(classes="dialog")
        localize_bindings(self, catalog)
        self.workspace = workspace
        self.catalog = catalog
        self.report: OutcomeReport | None = None
        self.running = False

    def compose(self) -> ComposeResult:
        t = self.catalog.t
        with Vertical(classes="dialog-box"):
            yield Label(t("telling.screen.outcomes_title"), classes="dialog-title")
            yield Label(t("telling.screen.outcomes_paths"))
            yield Input(str(self.workspace.home.exports), id="outcomes-paths")
            with Horizontal(classes="dialog-buttons"):
                yield Button(t("telling.screen.outcomes_run"), id="outcomes-run", variant="primary")
                yield Button(t("telling.screen.close"), id="outcomes-close")
            yield Label(id="outcomes-message", markup=False)
            yield Static(id="outcomes-problems", markup=False)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        if event.button.id == "outcomes-run":
            self.action_read()
        else:
            self.action_close()

    def action_close(self) -> None:
        if not self.running:
            self.dismiss(self.report)

    def action_read(self) -> None:
        if self.running:
            return
        paths = [p.strip() for p in self.query_one("#outcomes-paths", Input).value.split(";") if p.strip()]
        if not paths:
            return
        self.running = True
        self.query_one("#outcomes-run", Button).disabled = True
        self.read_files(paths)

    @work(thread=True, exclusive=True, group="outcomes")
    def read_files(self, paths: list[str]) -> None:
        try:
            with self.workspace.session() as session:
                report = read_back(session, paths, self.catalog)
        except Exception as exc:  # a refused file (UsageError) or anything unexpected: said, nothing recorded
            self.app.call_from_thread(self._finished, None, exc)
            return
        self.app.call_from_thread(self._finished, report, None)

    def _finished(self, report: OutcomeReport | None, error: Exception | None) -> None:
        t = self.catalog.t
        self.running = False
        self.query_one("#outcomes-run", Button).disabled = False
        message = self.query_one("#outcomes-message", Label)
        if report is None:
            message.update(t("telling.screen.outcomes_failed", error=error_text(error, self.catalog).splitlines()[0]))
            report_error(self, self.catalog, error)
            return
        self.report = report
        message.update(t("telling.cli.outcomes", **report.counts()))
        self.query_one("#outcomes-problems", Static).update("\n".join(report.problems))
