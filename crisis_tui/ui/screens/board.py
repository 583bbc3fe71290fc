"""The meeting board: sites x activities for the target day(s), decided with single keys.

Every change goes through `core.decisions.decide` / `core.undo.undo_last` (which check the meeting is open and
write the audit log); counts come from `core.board.board_counts` in a thread worker (never in the UI thread), and a timer
recounts when another workstation changed something (`change_marker`). Cells carry their IT flag (a legend under
the grid explains the markers once an IT list is loaded); maintaining a cell whose systems are down is recorded
with a warning, never refused.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer, Header, Static
from textual.worker import Worker, WorkerState

from crisis_tui.core.decisions import UNDECIDED, decide
from crisis_tui.core.it_restart import activity_readiness
from crisis_tui.core.models import STATUSES
from crisis_tui.core.overrides import OverrideTarget
from crisis_tui.core.undo import Undone, undo_last
from crisis_tui.core.workspace import Workspace
from crisis_tui.i18n import Catalog
from crisis_tui.ui.keymap import localize_bindings
from crisis_tui.ui.screens.board_data import BoardData, load_board, parse_days, read_marker
from crisis_tui.ui.widgets.decision_dialog import DecisionDialog, DecisionEdit
from crisis_tui.ui.widgets.decision_grid import FLAG_MARKERS, FLAG_STYLES, DecisionGrid, Selection
from crisis_tui.ui.widgets.dialogs import ConfirmDialog, TextInputDialog
from crisis_tui.ui.widgets.impact_panel import OUTCOME_FIELDS, ImpactPanel

POLL_SECONDS = 5.0
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
STATUS_GROUP = Binding.Group("ui.keys.status_group")
ROW_GROUP = Binding.Group("ui.keys.row_group")
DAY_GROUP = Binding.Group("ui.keys.day_group")
SCREEN_GROUP = Binding.Group("ui.keys.screen_group")
STATUS_KEYS = {"maintained": "m", "cancelled": "c", "case_by_case": "x", "stopped": "s"}
NAMED_CELLS = 4  # cells a warning names before "… and N more"


def _status_bindings() -> list[Binding]:
    cell = [Binding(key, f"status('{status}')", f"ui.keys.{status}", id=f"board.{status}", group=STATUS_GROUP)
            for status, key in STATUS_KEYS.items()]
    row = [Binding(f"{key.upper()},shift+{key}", f"row('{status}')", f"ui.keys.row_{status}",
                   id=f"board.row_{status}", group=ROW_GROUP) for status, key in STATUS_KEYS.items()]
    return cell + row


class BoardScreen(Screen):
    HELP_KEY = "ui.help.board"
    BINDINGS = [
        Binding("space", "cycle", "ui.keys.cycle", key_display="␣", id="board.cycle"),
        *_status_bindings(),
        Binding("v", "scope", "ui.keys.scope", id="board.scope"),
        Binding("escape", "scope_cell", "ui.keys.scope_cell", show=False, id="board.scope_cell"),
        Binding("enter", "edit", "ui.keys.edit", id="board.edit"),
        Binding("ctrl+z", "undo", "ui.keys.undo", id="board.undo"),
        Binding("[", "shift_days(-1)", "ui.keys.prev_day", id="board.prev_day", group=DAY_GROUP),
        Binding("]", "shift_days(1)", "ui.keys.next_day", id="board.next_day", group=DAY_GROUP),
        Binding("{", "range_end(-1)", "ui.keys.range_shrink", id="board.range_shrink", group=DAY_GROUP),
        Binding("}", "range_end(1)", "ui.keys.range_extend", id="board.range_extend", group=DAY_GROUP),
        Binding("t", "default_day", "ui.keys.default_day", show=False, id="board.default_day"),
        Binding("g", "goto", "ui.keys.goto", show=False, id="board.goto"),
        Binding("r,f5", "recount", "ui.keys.refresh", show=False, id="board.refresh"),
        Binding("i", "app.go('import')", "ui.keys.import", id="board.import", group=SCREEN_GROUP),
        Binding("o,f2", "app.go('review')", "ui.keys.review", id="board.review", group=SCREEN_GROUP),
        Binding("e,f3", "app.go('exceptions')", "ui.keys.exceptions", id="board.exceptions", group=SCREEN_GROUP),
        Binding("w,f4", "app.go('export')", "ui.keys.export", id="board.export", group=SCREEN_GROUP),
        Binding("u,f6", "app.go('outcomes')", "ui.keys.outcomes", show=False, id="board.outcomes"),
        Binding("n,f7", "app.go('minutes')", "ui.keys.minutes", id="board.minutes", group=SCREEN_GROUP),
        Binding("y,f8", "app.go('it')", "ui.keys.it", id="board.it", group=SCREEN_GROUP),
        Binding("p", "app.people", "ui.keys.people", show=False, id="board.people"),
        Binding("!", "app.emergency", "ui.keys.emergency", show=False, id="board.emergency"),
    ]

    def __init__(self, workspace: Workspace, catalog: Catalog, *, target_day: date) -> None:
        super().__init__()
        localize_bindings(self, catalog)
        self.workspace = workspace
        self.catalog = catalog
        self.default_day = target_day
        self.day_from = self.day_to = target_day
        self.data: BoardData | None = None
        self.refreshed = 0  # boards shown so far (tests and the benchmark wait on it)
        self._generation = 0
        self._asks = 0  # statuses asked for so far
        # (site, activity, day_from, day_to) -> (ask number, status): shown at once, until a count includes the write
        self._asked: dict[tuple[str, str, date, date], tuple[int, str]] = {}
        reference = workspace.reference
        self.names = {s.code: s.name for s in reference.sites}
        self.names |= {a.code: a.label(catalog.lang) for a in reference.activities}

    def compose(self) -> ComposeResult:
        yield Header(icon="✚")
        yield Static(id="board-info")
        reference = self.workspace.reference
        yield DecisionGrid(reference.sites, reference.activities, self.catalog, id="grid")
        yield Static(self.legend(), id="board-legend")
        yield ImpactPanel(self.catalog, id="impact")
        yield Footer()

    @property
    def grid(self) -> DecisionGrid:
        return self.query_one(DecisionGrid)

    def on_mount(self) -> None:
        self.grid.focus()
        self.show_info()
        self.set_interval(POLL_SECONDS, self.poll, name="board-poll")

    def on_screen_resume(self) -> None:
        self.recount()

    # -- counting -------------------------------------------------------------------------------------------------
    def recount(self) -> None:
        """Read the board again in a worker; only the latest request's answer is shown. With no write queued, every
        status asked so far is written, so the answer has them all."""
        self._generation += 1
        self.show_info()
        written = self._asks if not self.app.writes.busy else 0
        self._load(self._generation, written, self.day_from, self.day_to, self.app.meeting_id)

    def action_recount(self) -> None:
        self.recount()

    @work(thread=True, exclusive=True, group="board-count", exit_on_error=False)
    def _load(self, generation: int, written: int, day_from: date, day_to: date,
              meeting_id: int | None) -> tuple[int, int, BoardData]:
        return generation, written, load_board(self.workspace, meeting_id, day_from, day_to)

    def poll(self) -> None:
        """Timer: ask for the change marker (in a worker); recount only when it changed."""
        if self.data is not None and self.app.screen is self:
            self._poll()

    @work(thread=True, exclusive=True, group="board-poll", exit_on_error=False)
    def _poll(self) -> tuple:
        return read_marker(self.workspace)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if event.state == WorkerState.ERROR:
            self.app.show_error(worker.error)
        elif event.state != WorkerState.SUCCESS:
            return
        elif worker.group == "board-count":
            generation, written, data = worker.result
            if generation == self._generation:
                self._show(data, written)
        elif worker.group == "board-poll" and self.data is not None and worker.result != self.data.marker:
            self.recount()

    def _show(self, data: BoardData, written: int) -> None:
        self.data = data
        meeting = data.meeting
        if meeting is not None and meeting.id == self.app.meeting_id and meeting.signed != self.app.meeting_signed:
            self.app.show_meeting(meeting)  # signed in the minutes screen or elsewhere: the header says so at once
        self._asked = {key: ask for key, ask in self._asked.items() if ask[0] > written}
        self._show_cells()
        self.query_one("#board-legend", Static).display = bool(data.readiness)
        self._show_impact(self.grid.selection())
        self.refreshed += 1

    def _show_cells(self) -> None:
        """The counted cells, each with the status last asked for it while its write and recount are on their way."""
        data = self.data
        if data is None:
            return
        asked = {(site, activity): status for (site, activity, day_from, day_to), (_, status) in self._asked.items()
                 if (day_from, day_to) == (data.day_from, data.day_to)}
        cells = [c if (status := asked.get((c.site, c.activity))) is None
                 else replace(c, status=status, statuses=dict.fromkeys(c.statuses, status)) for c in data.cells]
        self.grid.show(cells, data.flags)

    # -- what is shown --------------------------------------------------------------------------------------------
    def day_text(self, day: date) -> str:
        return f"{self.catalog.t(f'ui.weekday.{WEEKDAYS[day.weekday()]}')} {day:%d/%m/%Y}"

    def days_text(self, first: date, last: date) -> str:
        """A day, or "first → last", as a toast names them (no "Jour :" label)."""
        return self.day_text(first) + (f" → {self.day_text(last)}" if last > first else "")

    def range_text(self) -> str:
        t = self.catalog.t
        if self.day_from == self.day_to:
            return t("ui.board.day", day=self.day_text(self.day_from))
        n = (self.day_to - self.day_from).days + 1
        return t("ui.board.range", start=self.day_text(self.day_from), end=self.day_text(self.day_to), n=n)

    def selection_text(self, selection: Selection) -> str:
        site, activity = self.names[selection.sites[0]], self.names[selection.activities[0]]
        what = {"cell": f"{site} · {activity}", "row": site, "column": activity, "board": ""}[selection.scope]
        return self.catalog.t(f"ui.scope.{selection.scope}", what=what)

    def legend(self) -> Text:
        """One line explaining the IT markers of the grid."""
        t = self.catalog.t
        parts: list = [(t("ui.legend.title"), "bold")]
        for flag, marker in FLAG_MARKERS.items():
            parts += ["   ", (marker, FLAG_STYLES[flag]), " ", t(f"ui.legend.{flag}")]
        return Text.assemble(*parts)

    def show_info(self) -> None:
        if not self.is_mounted:
            return
        t = self.catalog.t
        parts = [self.range_text(), t("ui.board.scope", scope=self.selection_text(self.grid.selection()))]
        if self.app.meeting_signed:
            parts.append(t("ui.board.read_only"))
        self.query_one("#board-info", Static).update("  ·  ".join(parts))

    def on_decision_grid_selection_changed(self, event: DecisionGrid.SelectionChanged) -> None:
        self.show_info()
        self._show_impact(event.selection)

    def _show_impact(self, selection: Selection) -> None:
        if self.data is None:
            return
        decision = flag = None
        if selection.scope == "cell":
            decision = self.data.decisions.get((*self.grid.cursor_cell, self.data.day_from), UNDECIDED)
            flag = self.data.flags.get(self.grid.cursor_cell)
        changes = [c for c in self.data.changes if c.site in selection.sites and c.activity in selection.activities]
        named = (len(selection.sites) > 1, len(selection.activities) > 1, self.data.day_from != self.data.day_to)
        told = [self.data.outcomes.get((s, a), {}) for s in selection.sites for a in selection.activities]
        outcomes = {name: sum(cell.get(name, 0) for cell in told) for name in OUTCOME_FIELDS}
        self.query_one(ImpactPanel).show(self.selection_text(selection), self.grid.selected_cells(selection),
                                         decision, changes, self.names, named, outcomes=outcomes, flag=flag)

    # -- deciding -------------------------------------------------------------------------------------------------
    def action_status(self, status: str) -> None:
        self.record_status(status, self.grid.selection())

    def action_row(self, status: str) -> None:
        self.record_status(status, self.grid.selection("row"))

    def action_cycle(self) -> None:
        cell = self.grid.cells.get(self.grid.cursor_cell)
        current = cell.status if cell is not None and cell.status in STATUSES else STATUSES[-1]
        self.record_status(STATUSES[(STATUSES.index(current) + 1) % len(STATUSES)], self.grid.selection())

    def action_scope(self) -> None:
        self.grid.cycle_scope()

    def action_scope_cell(self) -> None:
        self.grid.scope = "cell"

    def record_status(self, status: str, selection: Selection, *, reason: str | None = None,
               uncontacted: str | None = None) -> None:
        """Record the status for the selection over the target days; a whole-board change is confirmed first."""
        if selection.scope != "board":
            self._apply(status, selection, reason, uncontacted)
            return
        t = self.catalog.t
        message = t("ui.board.confirm_board", status=t(f"status.{status}"), days=self.range_text())

        def confirmed(yes: bool | None) -> None:
            if yes:
                self._apply(status, selection, reason, uncontacted)

        self.app.push_screen(ConfirmDialog(self.catalog, message), confirmed)

    def _apply(self, status: str, selection: Selection, reason: str | None, uncontacted: str | None) -> None:
        """Queued on the app's writes (in key order, off the UI thread); the board recounts once they are done. The
        grid shows the status at once, so that a key pressed meanwhile (space) starts from it."""
        day_from, day_to = self.day_from, self.day_to
        self._asks += 1
        for site in selection.sites:
            for activity in selection.activities:
                self._asked[(site, activity, day_from, day_to)] = (self._asks, status)
        self._show_cells()

        def job(session) -> tuple[int, list[tuple[str, str]]]:
            changed = decide(session, self.app.lock_meeting(session), selection.sites, selection.activities,
                             day_from, day_to, status, reason=reason, uncontacted=uncontacted)
            if status != "maintained":
                return changed, []
            readiness = activity_readiness(session, self.workspace.reference)
            return changed, [(s, a) for s in selection.sites for a in selection.activities
                             if readiness.get((s, a)) == "systems_down"]

        past = day_from < self.app.clock()  # a day before the meeting's: most likely the wrong day shown
        days = self.days_text(day_from, min(day_to, self.app.clock() - timedelta(days=1)))

        def done(result: object) -> None:
            changed, systems_down = result
            if selection.scope != "cell":
                self.notify(self.catalog.t("ui.board.changed", n=changed))
            if past:
                self.notify(self.catalog.t("ui.board.past_day", days=days), severity="warning", timeout=10)
            if systems_down:
                self.notify(self.catalog.t("ui.board.systems_down", cells=self.cells_text(systems_down)),
                            severity="warning")

        self.app.write(job, done)

    def cells_text(self, cells: list[tuple[str, str]]) -> str:
        """"Site · Activity" for the first few cells, then how many more."""
        text = ", ".join(f"{self.names[s]} · {self.names[a]}" for s, a in cells[:NAMED_CELLS])
        more = len(cells) - NAMED_CELLS
        return f"{text} {self.catalog.t('ui.impact.more', n=more)}" if more > 0 else text

    def action_edit(self) -> None:
        if self.data is None:
            return
        selection = self.grid.selection()
        current = self.data.decisions.get((*self.grid.cursor_cell, self.day_from), UNDECIDED)
        edit = DecisionEdit(current.status, current.reason, current.uncontacted)

        def done(result: DecisionEdit | None) -> None:
            if result is not None:
                self.record_status(result.status, selection, reason=result.reason, uncontacted=result.uncontacted)

        what = f"{self.selection_text(selection)} — {self.range_text()}"
        self.app.push_screen(DecisionDialog(self.catalog, what, edit), done)

    def action_undo(self) -> None:
        """Undo the meeting's last board decision, saying which cells, days and status came back; the board moves to
        those days when it shows others. Refused, with what to do instead, when the meeting's last change is an
        exception or a patient decision: ctrl+z undoes board decisions only."""

        def job(session) -> Undone | None:
            return undo_last(session, self.app.lock_meeting(session))

        def done(plan: object) -> None:
            t = self.catalog.t
            if plan is None:
                self.notify(t("ui.board.nothing_to_undo"), severity="warning")
            elif plan.refused_by is not None:
                self.notify(self.refusal_text(plan.refused_by), severity="warning", timeout=12)
            else:
                shown = {self.day_from + timedelta(days=i) for i in range((self.day_to - self.day_from).days + 1)}
                undone = sorted({day for _, _, day, _ in plan.cells})
                text = t("ui.board.undone", n=len(plan.cells), what=self.undone_text(plan))
                if not set(undone) <= shown:
                    self.set_days(undone[0], undone[-1])
                    text += "\n" + t("ui.board.undo_moved", days=self.days_text(undone[0], undone[-1]))
                self.notify(text, timeout=10)

        self.app.write(job, done)

    def undone_text(self, plan: Undone) -> str:
        """"Consultations, 9 sites, lun. 07/12/2026: restored Maintained" per status restored."""
        t = self.catalog.t
        by_status: dict[str, list[tuple[str, str, date]]] = {}
        for site, activity, day, status in plan.cells:
            by_status.setdefault(status, []).append((site, activity, day))
        parts = []
        for status, cells in by_status.items():
            sites = sorted({c[0] for c in cells})
            activities = sorted({c[1] for c in cells})
            days = self.days_text(min(c[2] for c in cells), max(c[2] for c in cells))
            parts.append(t("ui.board.undone_part",
                           activities=self.names[activities[0]] if len(activities) == 1
                           else t("ui.board.n_activities", n=len(activities)),
                           sites=self.names[sites[0]] if len(sites) == 1 else t("ui.board.n_sites", n=len(sites)),
                           days=days, status=t(f"status.{status}")))
        more = len(parts) - NAMED_CELLS
        return "; ".join(parts[:NAMED_CELLS]) + (f" {t('ui.impact.more', n=more)}" if more > 0 else "")

    def refusal_text(self, later: OverrideTarget) -> str:
        """Why ctrl+z undid nothing: the meeting's last change is an exception (or its removal) or a patient
        decision."""
        t = self.catalog.t
        activity = self.names.get(later.activity, later.activity)
        if later.scope == "patient":
            return t("ui.board.undo_refused_patient", activity=activity)
        what = ", ".join(x for x in (later.value, self.names.get(later.site or "", ""), activity) if x)
        key = "ui.board.undo_refused_removal" if later.action == "override_remove" else "ui.board.undo_refused"
        return t(key, what=what)

    # -- days -----------------------------------------------------------------------------------------------------
    def set_days(self, day_from: date, day_to: date) -> None:
        self.day_from, self.day_to = day_from, max(day_from, day_to)
        self.recount()

    def action_shift_days(self, n: int) -> None:
        self.set_days(self.day_from + timedelta(days=n), self.day_to + timedelta(days=n))

    def action_range_end(self, n: int) -> None:
        self.set_days(self.day_from, self.day_to + timedelta(days=n))

    def action_default_day(self) -> None:
        self.set_days(self.default_day, self.default_day)

    def action_goto(self) -> None:
        t = self.catalog.t

        def done(text: str | None) -> None:
            if not text:
                return
            try:
                self.set_days(*parse_days(text))
            except ValueError:
                self.app.show_error(t("ui.board.bad_days", text=text))

        current = self.day_from.isoformat() + ("" if self.day_from == self.day_to else f" {self.day_to.isoformat()}")
        self.app.push_screen(TextInputDialog(self.catalog, t("ui.board.goto_title"), current,
                                             placeholder="2026-12-07 2026-12-09"), done)
