"""The case-by-case review of a board cell: its appointments one page at a time, searched, decided per patient.

Pages, search, counts and the effective status come from `core.overrides.review_page` (SQL, in a thread
worker); decisions go through `decide_patients` / `lift_patients` (meeting lock, audit), queued in key order on
the screen's own writes: a key acts on the patients under the cursor (or selected) when it is pressed, however
quickly the next one follows, and the page read again once they are written keeps the cursor on the patient the
user moved it to. Deciding the patient under the cursor (m, c, p) moves on to the next one, for a patient-by-patient
pass. Only what the call needs is shown: time, the status in force (early in the row, so an 80-column terminal shows
it), name, doctor, service, phone kind; and who took the decision.
"""

from __future__ import annotations

from datetime import date

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Input, Label, Static
from textual.worker import Worker, WorkerState

from crisis_tui.core.models import Meeting
from crisis_tui.core.overrides import ReviewPage, decide_patients, lift_patients, review_page
from crisis_tui.core.workspace import Workspace
from crisis_tui.i18n import Catalog
from crisis_tui.ui.keymap import localize_bindings
from crisis_tui.ui.widgets.dialogs import report_error
from crisis_tui.ui.writes import WriteQueue

PAGE_SIZE = 100
# the status early in the row: on an 80-column terminal it shows beside the time (found by an audit: it was cut off)
COLUMNS = ("selected", "time", "site", "status", "patient", "doctor", "service", "phone", "source", "decided_by",
           "note")


def days_text(day_from: date, day_to: date) -> str:
    return day_from.isoformat() if day_from == day_to else f"{day_from.isoformat()} → {day_to.isoformat()}"


class ReviewScreen(Screen):
    HELP_KEY = "review.help.text"
    BINDINGS = [
        # the footer shows them in this order: the decisions first, what a narrow screen must not cut
        Binding("m", "mark('maintained')", "review.key.maintained", id="review.maintained"),
        Binding("c", "mark('cancelled')", "review.key.cancelled", id="review.cancelled"),
        Binding("p", "mark('pending')", "review.key.pending", id="review.pending"),
        Binding("space", "toggle", "review.key.select", id="review.select"),
        Binding("a", "select_page", "review.key.select_page", show=False, id="review.select_page"),
        Binding("slash", "search", "review.key.search", id="review.search"),
        Binding("n,right_square_bracket", "page(1)", "review.key.next", id="review.next"),
        Binding("b,left_square_bracket", "page(-1)", "review.key.previous", id="review.previous"),
        Binding("u", "lift", "review.key.lift", id="review.lift"),
        Binding("r", "reason", "review.key.reason", id="review.reason"),
        Binding("f", "filter_pending", "review.key.filter", id="review.filter"),
        Binding("escape", "back", "review.key.back", id="review.back"),
    ]
    DEFAULT_CSS = """
    ReviewScreen #review-title { text-style: bold; padding: 0 1; }
    ReviewScreen #review-counter, ReviewScreen #review-reason { padding: 0 1; }
    ReviewScreen #review-search { margin: 0 1; }
    ReviewScreen DataTable { height: 1fr; }
    """

    def __init__(self, workspace: Workspace, catalog: Catalog, meeting_id: int, site: str | None, activity: str,
                 day_from: date, day_to: date) -> None:
        super().__init__()
        localize_bindings(self, catalog)
        self.workspace = workspace
        self.catalog = catalog
        self.meeting_id = meeting_id
        self.site = site
        self.activity = activity
        self.day_from, self.day_to = day_from, day_to
        self.first_row = 0
        self.search = ""
        self.only_pending = False
        self.selected: set[int] = set()
        self.reason = ""
        self.decided_by = ""
        self.page: ReviewPage | None = None
        self._generation = 0  # page requests made; only the latest one's answer is shown
        self._shown = 0  # the request whose answer is shown
        self._cursor: int | None = None  # the row of the next page shown (None: the cursor stays on its patient)
        self._held_until = 0  # keys wait for this page request's answer (the next patient is not shown yet)
        self._leaving = False  # escape pressed while decisions were being written: leave once they are
        # the screen runs the queue's workers, so their events come here (it works in any App)
        self.writes = WriteQueue(self, workspace, on_error=self._write_failed, on_idle=self._written)

    def compose(self) -> ComposeResult:
        t = self.catalog.t
        reference = self.workspace.reference
        site = reference.site(self.site).name if self.site else t("review.every_site")
        label = reference.activity(self.activity).label(self.catalog.lang)
        yield Static(t("review.title", site=site, activity=label, days=days_text(self.day_from, self.day_to)),
                     id="review-title")
        yield Input(placeholder=t("review.search"), id="review-search")
        yield Static("", id="review-counter")
        yield Static("", id="review-reason")
        table = DataTable(cursor_type="row", zebra_stripes=True, id="review-table")
        for column in COLUMNS:
            if column != "site" or self.site is None:
                table.add_column(t(f"review.column.{column}"), key=column)
        yield table
        yield Footer()

    @property
    def idle(self) -> bool:
        """No page request nor decision in flight (tests and the benchmark wait on it)."""
        return not self.writes.busy and self._shown == self._generation

    @property
    def table(self) -> DataTable:
        return self.query_one("#review-table", DataTable)

    def on_mount(self) -> None:
        with self.workspace.session(readonly=True) as session:
            meeting = session.get(Meeting, self.meeting_id)
            self.decided_by = meeting.chair if meeting else ""
        self._show_reason()
        self.table.focus()
        self.call_after_refresh(self.reload)  # once the screen is painted: its worker then has the CPU to itself

    def reload(self) -> None:
        """Read the current page again in a worker; only the latest request's answer is shown."""
        self._generation += 1
        self._load(self._generation, self.first_row, self.search, "pending" if self.only_pending else None)

    @work(thread=True, exclusive=True, group="review-page", exit_on_error=False)
    def _load(self, generation: int, offset: int, search: str, status: str | None) -> tuple[int, ReviewPage]:
        with self.workspace.session(readonly=True) as session:
            return generation, review_page(session, self.workspace.reference, self.site, self.activity,
                                           self.day_from, self.day_to, search=search, offset=offset,
                                           limit=PAGE_SIZE, status=status)

    def _write(self, status: str | None, ids: list[int]) -> None:
        """`status` (None: lift) for `ids`, with the reason and decider of now, after the writes asked before."""
        t, meeting_id, note, decided_by = self.catalog.t, self.meeting_id, self.reason, self.decided_by

        def job(session) -> str:
            meeting = session.get(Meeting, meeting_id)
            if status is None:
                return t("review.lifted", n=len(lift_patients(session, meeting, ids, actor=decided_by)))
            written = decide_patients(session, meeting, ids, status, note, decided_by)
            return t("review.marked", n=len(written), status=t(f"status.{status}"))

        self.writes.submit(job, self.notify)

    def _write_failed(self, error: BaseException) -> None:
        self._leaving = False
        report_error(self, self.catalog, error)

    def _written(self) -> None:
        if self._leaving and self.is_active:
            self.dismiss()
        else:
            self.reload()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if self.writes.handle(event):
            return
        worker = event.worker
        if worker.state == WorkerState.ERROR:
            self._shown = self._generation
            report_error(self, self.catalog, worker.error)
        elif worker.state == WorkerState.SUCCESS and worker.group == "review-page":
            generation, page = worker.result
            if generation == self._generation:
                self._show(page)
                self._shown = generation

    def _show(self, page: ReviewPage) -> None:
        if page.total and page.offset >= page.total:  # the page emptied (filter, decisions): go back one
            self.first_row = max(0, (page.total - 1) // PAGE_SIZE * PAGE_SIZE)
            self.reload()
            return
        t = self.catalog.t
        table = self.table
        cursor = table.cursor_row if self._cursor is None else self._cursor
        if self._cursor is None and (current := self._current_id(held=True)) is not None:
            # the page read again after decisions: the cursor stays on its patient, wherever they now are
            cursor = next((i for i, row in enumerate(page.rows) if row.appointment_id == current), cursor)
        self._cursor = None
        self.page = page
        table.clear()
        several_days = self.day_from != self.day_to
        for row in page.rows:
            cells = [
                "✓" if row.appointment_id in self.selected else "",
                row.start.strftime("%d/%m %H:%M" if several_days else "%H:%M"),
                *([row.site] if self.site is None else []),
                t(f"status.{row.status}"), row.patient, row.doctor, row.service, t(f"phone_kind.{row.phone_kind}"),
                t(f"source.{row.source}"), row.decided_by, row.note,
            ]
            table.add_row(*cells)
        if page.rows:
            table.move_cursor(row=min(cursor, len(page.rows) - 1))
        self._show_counter()

    def _show_counter(self) -> None:
        page = self.page
        if page is None:
            return
        pages = max(1, -(-page.total // PAGE_SIZE))
        text = self.catalog.t(
            "review.counter", pending=page.pending_left, first=page.offset + 1 if page.rows else 0,
            last=page.offset + len(page.rows), total=page.total, page=page.offset // PAGE_SIZE + 1, pages=pages,
            selected=len(self.selected),
        )
        if self.only_pending:
            text += self.catalog.t("review.only_pending")
        self.query_one("#review-counter", Static).update(text)

    def _show_reason(self) -> None:
        t = self.catalog.t
        self.query_one("#review-reason", Static).update(
            t("review.reason_line", reason=self.reason or t("review.no_reason"), by=self.decided_by or "-"))

    def _current_id(self, held: bool = False) -> int | None:
        """The patient under the cursor; None while the patient the cursor moved to is not shown yet (unless
        `held`)."""
        if self.page is None or not self.page.rows or (not held and self._shown < self._held_until):
            return None
        return self.page.rows[min(self.table.cursor_row, len(self.page.rows) - 1)].appointment_id

    def action_page(self, step: int) -> None:
        if self.page is None:
            return
        target = self.first_row + step * PAGE_SIZE
        if 0 <= target < max(self.page.total, 1):
            self.first_row, self._cursor = target, 0
            self.reload()

    def action_search(self) -> None:
        self.query_one("#review-search", Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "review-search" and event.value != self.search:
            self.search, self.first_row, self._cursor = event.value, 0, 0
            self.reload()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "review-search":
            self.table.focus()

    def action_toggle(self) -> None:
        current = self._current_id()
        if current is None:
            return
        self.selected.symmetric_difference_update({current})
        row = self.table.cursor_row
        self.table.update_cell_at((row, 0), "✓" if current in self.selected else "")
        self.table.move_cursor(row=row + 1)
        self._show_counter()

    def action_select_page(self) -> None:
        if self.page is None:
            return
        ids = {row.appointment_id for row in self.page.rows}
        if ids <= self.selected:
            self.selected -= ids
        else:
            self.selected |= ids
        for index, row in enumerate(self.page.rows):
            self.table.update_cell_at((index, 0), "✓" if row.appointment_id in self.selected else "")
        self._show_counter()

    def _take_targets(self) -> list[int]:
        """The selected patients (the selection is then cleared), else the one under the cursor."""
        if not self.selected:
            current = self._current_id()
            return [current] if current is not None else []
        ids = sorted(self.selected)
        self.selected.clear()
        for index in range(self.table.row_count):
            self.table.update_cell_at((index, 0), "")
        self._show_counter()
        return ids

    def action_mark(self, status: str) -> None:
        one = not self.selected
        ids = self._take_targets()
        if not ids:
            self.notify(self.catalog.t("ui.review.wait" if self.page and self.page.rows else "review.nothing"))
            return
        self._write(status, ids)
        if one:
            self._next_patient(stays=not self.only_pending or status == "pending")

    def _next_patient(self, stays: bool) -> None:
        """After deciding the patient under the cursor, on to the next one (the last one stays under it).
        `stays`: the decided patient is still listed once written (not so when only the pending ones are)."""
        page, row = self.page, self.table.cursor_row
        if page is None:
            return
        if row + 1 < len(page.rows):
            self.table.move_cursor(row=row + 1)  # the page read again keeps the cursor on this patient
        elif page.offset + len(page.rows) < page.total:  # the next patient is on the next page
            if stays:
                self.first_row, self._cursor = page.offset + PAGE_SIZE, 0
                self.reload()
                self._held_until = self._generation
            else:  # once written, the decided patient leaves this page and the next one comes up under the cursor
                self._held_until = self._generation + 1

    def action_lift(self) -> None:
        ids = self._take_targets()
        if ids:
            self._write(None, ids)

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_reason()

    def action_reason(self) -> None:
        self.app.push_screen(ReasonDialog(self.catalog, self.reason, self.decided_by), self._set_reason)

    def _set_reason(self, answer: tuple[str, str] | None) -> None:
        if answer is not None:
            self.reason = answer[0]
            self.decided_by = answer[1] or self.decided_by
            self._show_reason()

    def action_filter_pending(self) -> None:
        self.only_pending = not self.only_pending
        self.first_row, self._cursor = 0, 0
        self.reload()

    def action_back(self) -> None:
        search = self.query_one("#review-search", Input)
        if search.has_focus:
            self.table.focus()
        elif self.writes.busy:
            self._leaving = True
        else:
            self.dismiss()


class ReasonDialog(ModalScreen[tuple[str, str] | None]):
    """The reason and the decider of the next decisions: enter in a field moves on, then gives both; escape
    gives None."""

    BINDINGS = [Binding("escape", "cancel", show=False, id="review.reason_cancel")]
    DEFAULT_CSS = """
    ReasonDialog { align: center middle; }
    ReasonDialog > Vertical { width: 70; height: auto; border: thick $accent; padding: 1 2; background: $surface; }
    """

    def __init__(self, catalog: Catalog, reason: str, decided_by: str) -> None:
        super().__init__()
        self.catalog = catalog
        self.reason = reason
        self.decided_by = decided_by

    def compose(self) -> ComposeResult:
        t = self.catalog.t
        with Vertical():
            yield Label(t("review.reason.title"))
            yield Label(t("review.reason.reason"))
            yield Input(self.reason, id="reason-text")
            yield Label(t("review.reason.by"))
            yield Input(self.decided_by, id="reason-by")
            yield Label(t("review.reason.hint"))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "reason-text":
            self.query_one("#reason-by", Input).focus()
        else:
            self.dismiss((self.query_one("#reason-text", Input).value.strip(), event.value.strip()))

    def action_cancel(self) -> None:
        self.dismiss(None)
