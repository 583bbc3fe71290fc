"""Exceptions by doctor or by service, for a cell or a whole activity: list, add, lift.

"Dr Lambert keeps his consultations on Monday at LIB", "Oncology follow-ups maintained everywhere". Every change
goes through `core.overrides` (meeting lock, audit); reads run in thread workers. The add form shows, as you type,
which doctors or services the words cover and how many appointments, so an exception takes exactly whom it should.
"""

from __future__ import annotations

from datetime import date

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Input, Label, Select, Static
from textual.worker import Worker, WorkerState

from crisis_tui.core.errors import UsageError
from crisis_tui.core.models import OVERRIDE_STATUSES, Meeting, Override
from crisis_tui.core.overrides import (add_override, counted_names, covered_count, list_overrides, matching_names,
                                       names_nobody, names_several, names_someone, remove_override)
from crisis_tui.core.workspace import Workspace
from crisis_tui.i18n import Catalog
from crisis_tui.ui.keymap import localize_bindings
from crisis_tui.ui.screens.review import days_text
from crisis_tui.ui.widgets.dialogs import ConfirmDialog, report_error

SCOPES = ("doctor", "service")
EVERY_SITE = "*"  # the site select's value for every site (Override.site None)


class ExceptionsScreen(Screen):
    HELP_KEY = "exceptions.help"
    BINDINGS = [
        Binding("a", "add", "exceptions.key.add", id="exceptions.add"),
        Binding("x,delete", "remove", "exceptions.key.remove", id="exceptions.remove"),
        Binding("escape", "back", "exceptions.key.back", id="exceptions.back"),
    ]
    DEFAULT_CSS = """
    ExceptionsScreen #exceptions-title { text-style: bold; padding: 0 1; }
    ExceptionsScreen DataTable { height: 1fr; }
    """

    def __init__(self, workspace: Workspace, catalog: Catalog, meeting_id: int, day_from: date, day_to: date,
                 site: str | None = None, activity: str | None = None) -> None:
        super().__init__()
        localize_bindings(self, catalog)
        self.workspace = workspace
        self.catalog = catalog
        self.meeting_id = meeting_id
        self.day_from, self.day_to = day_from, day_to
        self.site, self.activity = site, activity
        self.rows: list[tuple[Override, int]] = []
        self._generation = 0
        self._shown = 0
        self._writing = False

    @property
    def idle(self) -> bool:
        """No read nor change in flight (tests wait on it)."""
        return not self._writing and self._shown == self._generation

    def compose(self) -> ComposeResult:
        t = self.catalog.t
        yield Static(t("exceptions.title", days=days_text(self.day_from, self.day_to)), id="exceptions-title")
        table = DataTable(cursor_type="row", zebra_stripes=True, id="exceptions-table")
        for column in ("scope", "value", "site", "activity", "days", "status", "appointments", "note", "decided_by"):
            table.add_column(t(f"exceptions.column.{column}"), key=column)
        yield table
        yield Static("", id="exceptions-empty")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()
        self.reload()

    def reload(self) -> None:
        self._generation += 1
        self._load(self._generation)

    @work(thread=True, exclusive=True, group="exceptions-list", exit_on_error=False)
    def _load(self, generation: int) -> tuple[int, list[tuple[Override, int]]]:
        with self.workspace.session(readonly=True) as session:
            found = list_overrides(session, self.day_from, self.day_to, scopes=SCOPES)
            return generation, [(o, covered_count(session, o)) for o in found]

    @work(thread=True, exclusive=True, group="exceptions-write", exit_on_error=False)
    def _write(self, change: dict) -> str:
        t = self.catalog.t
        with self.workspace.session() as session:
            meeting = session.get(Meeting, self.meeting_id)
            if "remove" in change:
                removed = remove_override(session, meeting, change["remove"])
                return t("exceptions.removed", value=removed.value)
            override = add_override(session, meeting, **change)
            return t("exceptions.added", value=override.value, n=covered_count(session, override))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group not in ("exceptions-list", "exceptions-write"):
            return
        if worker.state == WorkerState.ERROR:
            if worker.group == "exceptions-write":
                self._writing = False
            else:
                self._shown = self._generation
            report_error(self, self.catalog, worker.error)
        elif worker.state == WorkerState.SUCCESS and worker.group == "exceptions-list":
            generation, rows = worker.result
            if generation == self._generation:
                self._show(rows)
                self._shown = generation
        elif worker.state == WorkerState.SUCCESS:
            self.notify(worker.result)
            self._writing = False
            self.reload()

    def _site_text(self, override: Override) -> str:
        return override.site or self.catalog.t("exceptions.all_sites")

    def _activity_text(self, code: str) -> str:
        return self.workspace.reference.activity(code).label(self.catalog.lang)

    def _show(self, rows: list[tuple[Override, int]]) -> None:
        t = self.catalog.t
        self.rows = rows
        table = self.query_one(DataTable)
        cursor = table.cursor_row
        table.clear()
        for override, n in rows:
            table.add_row(t(f"source.{override.scope}"), override.value, self._site_text(override),
                          self._activity_text(override.activity), days_text(override.day_from, override.day_to),
                          t(f"status.{override.status}"), str(n), override.note, override.decided_by)
        if rows:
            table.move_cursor(row=min(cursor, len(rows) - 1))
        self.query_one("#exceptions-empty", Static).update("" if rows else t("exceptions.empty"))

    def action_add(self) -> None:
        form = ExceptionForm(self.workspace, self.catalog, self.meeting_id, self.day_from, self.day_to, self.site,
                             self.activity)
        self.app.push_screen(form, self._added)

    def _added(self, change: dict | None) -> None:
        if change is not None:
            self._writing = True
            self._write(change)

    def action_remove(self) -> None:
        if not self.rows:
            return
        override, _ = self.rows[min(self.query_one(DataTable).cursor_row, len(self.rows) - 1)]
        message = self.catalog.t("exceptions.confirm_remove", value=override.value, site=self._site_text(override),
                                 activity=self._activity_text(override.activity),
                                 days=days_text(override.day_from, override.day_to))

        def answered(yes: bool | None) -> None:
            if yes:
                self._writing = True
                self._write({"remove": override.id})

        self.app.push_screen(ConfirmDialog(self.catalog, message), answered)

    def action_back(self) -> None:
        self.dismiss()


class ExceptionForm(ModalScreen[dict | None]):
    """A new exception: by doctor or service, words of the name, site or every site, activity, days, status,
    reason, decider. Enter moves on (saves from the last field), ctrl+s saves, escape cancels.

    The site and the activity start as those of the cell the screen was opened for; with no cell the site starts
    blank and must be chosen (every site is one choice among them, never taken silently)."""

    BINDINGS = [
        Binding("ctrl+s", "save", "exceptions.key.save", id="exceptions.save"),
        Binding("escape", "cancel", show=False, id="exceptions.cancel"),
    ]
    DEFAULT_CSS = """
    ExceptionForm { align: center middle; }
    ExceptionForm > Vertical { width: 90; max-width: 100%; height: auto; max-height: 100%; border: thick $accent;
                               padding: 0 1; background: $surface; }
    ExceptionForm Horizontal { height: auto; }
    ExceptionForm Horizontal > Vertical { width: 1fr; height: auto; }
    ExceptionForm #form-error { color: $error; }
    """

    def __init__(self, workspace: Workspace, catalog: Catalog, meeting_id: int, day_from: date, day_to: date,
                 site: str | None, activity: str | None) -> None:
        super().__init__()
        localize_bindings(self, catalog)
        self.workspace = workspace
        self.catalog = catalog
        self.meeting_id = meeting_id
        self.day_from, self.day_to = day_from, day_to
        self.site, self.activity = site, activity
        self._several: dict | None = None  # the change last refused for naming several: saving it again takes them

    def compose(self) -> ComposeResult:
        t = self.catalog.t
        reference = self.workspace.reference
        with Vertical():
            yield Label(t("exceptions.form.title"))
            with Horizontal():
                yield self._field("scope", Select([(t(f"source.{s}"), s) for s in SCOPES], value="doctor",
                                                  allow_blank=False, id="form-scope"))
                yield self._field("value", Input(id="form-value"))
            with Horizontal():
                sites = [(t("exceptions.all_sites"), EVERY_SITE)] + [(s.name, s.code) for s in reference.sites]
                yield self._field("site", Select(sites, value=self.site or Select.NULL, allow_blank=self.site is None,
                                                 prompt=t("ui.exceptions.choose_site"), id="form-site"))
                activities = [(a.label(self.catalog.lang), a.code) for a in reference.activities]
                yield self._field("activity", Select(activities, value=self.activity or activities[0][1],
                                                     allow_blank=False, id="form-activity"))
            with Horizontal():
                yield self._field("day_from", Input(self.day_from.isoformat(), id="form-from"))
                yield self._field("day_to", Input(self.day_to.isoformat(), id="form-to"))
                yield self._field("status", Select([(t(f"status.{s}"), s) for s in OVERRIDE_STATUSES],
                                                   value="maintained", allow_blank=False, id="form-status"))
            with Horizontal():
                yield self._field("note", Input(id="form-note"))
                yield self._field("by", Input(id="form-by"))
            yield Static("", id="form-preview")
            yield Static("", id="form-error")
            yield Label(t("exceptions.form.hint"))

    def _field(self, name: str, widget) -> Vertical:
        return Vertical(Label(self.catalog.t(f"exceptions.form.{name}")), widget)

    def on_mount(self) -> None:
        with self.workspace.session(readonly=True) as session:
            meeting = session.get(Meeting, self.meeting_id)
            self.query_one("#form-by", Input).value = meeting.chair if meeting else ""
        self.query_one("#form-value", Input).focus()
        for choice in self.query(Select):
            self.watch(choice, "expanded", self._chosen, init=False)

    def _chosen(self, expanded: bool) -> None:
        """A list closed (its choice taken with Enter, or Escape) moves on to the next field, as Enter in a text
        field does."""
        if not expanded:
            self.call_after_refresh(self.focus_next)

    def _days(self) -> tuple[date, date]:
        values = []
        for widget_id in ("#form-from", "#form-to"):
            text = self.query_one(widget_id, Input).value.strip()
            try:
                values.append(date.fromisoformat(text))
            except ValueError:
                raise UsageError(self.catalog.t("exceptions.form.bad_date", value=text)) from None
        return values[0], values[1]

    def _change(self) -> dict:
        """The form's values (the site Select.NULL while none is chosen); a UsageError for bad dates."""
        day_from, day_to = self._days()
        if day_to < day_from:
            raise UsageError(self.catalog.t("exceptions.form.dates_reversed", day_from=day_from, day_to=day_to))
        site = self.query_one("#form-site", Select).value
        return {
            "scope": self.query_one("#form-scope", Select).value,
            "value": self.query_one("#form-value", Input).value,
            "activity": self.query_one("#form-activity", Select).value,
            "site": None if site == EVERY_SITE else site,
            "day_from": day_from, "day_to": day_to,
            "status": self.query_one("#form-status", Select).value,
            "note": self.query_one("#form-note", Input).value,
            "decided_by": self.query_one("#form-by", Input).value,
        }

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id in ("form-value", "form-from", "form-to"):
            self._refresh_preview()

    def on_select_changed(self, event: Select.Changed) -> None:
        self._refresh_preview()

    def _checked_change(self) -> dict | None:
        """The form's change with its error line cleared, or None with the error on that line."""
        try:
            change = self._change()
        except UsageError as exc:
            self.query_one("#form-error", Static).update(str(exc))
            return None
        self.query_one("#form-error", Static).update("")
        return change

    def _refresh_preview(self) -> None:
        change = self._checked_change()
        if change is None:
            return
        if change["site"] == Select.NULL:  # no site chosen yet: nothing to count (said when saving)
            self.query_one("#form-preview", Static).update("")
        else:
            self._preview(change)

    @work(thread=True, exclusive=True, group="exceptions-preview", exit_on_error=False)
    def _preview(self, change: dict) -> str:
        if not change["value"].strip():
            return ""
        draft = Override(meeting_id=self.meeting_id, scope=change["scope"], value=change["value"],
                         activity=change["activity"], site=change["site"], day_from=change["day_from"],
                         day_to=change["day_to"], status=change["status"])
        with self.workspace.session(readonly=True) as session:
            names = matching_names(session, change["scope"], change["value"], change["activity"], change["site"],
                                   change["day_from"], change["day_to"], limit=8)
            total = covered_count(session, draft)
        return self.catalog.t("exceptions.form.preview", n=total, names=counted_names(names))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group == "exceptions-preview" and worker.state == WorkerState.SUCCESS:
            self.query_one("#form-preview", Static).update(worker.result)
        elif worker.group == "exceptions-check" and worker.state == WorkerState.SUCCESS:
            change, refusal, several = worker.result
            if not refusal:
                self.dismiss(change)
                return
            self._several = change if several else None
            self.query_one("#form-error", Static).update(refusal)
            self.query_one("#form-value", Input).focus()
        elif worker.group == "exceptions-check" and worker.state == WorkerState.ERROR:
            report_error(self, self.catalog, worker.error)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "form-by":
            self.action_save()
        else:
            self.focus_next()

    def action_save(self) -> None:
        change = self._checked_change()
        if change is None:
            return
        error = self.query_one("#form-error", Static)
        if not names_someone(change["scope"], change["value"]):
            error.update(self.catalog.t("exceptions.form.no_value"))
            return
        if change["site"] == Select.NULL:  # the chair sees the site and chooses it, every site included
            error.update(self.catalog.t("ui.exceptions.no_site"))
            self.query_one("#form-site", Select).focus()
            return
        self._check_names(change, every_match=change == self._several)

    @work(thread=True, exclusive=True, group="exceptions-check", exit_on_error=False)
    def _check_names(self, change: dict, every_match: bool) -> tuple[dict, str, bool]:
        """The change, what refuses it ("" when nothing) and whether it is words naming several doctors (or
        services): refused as the CLI refuses them (`override`), the form saying why. Words naming nobody of the
        cell would change nothing while the cell believes his patients kept; words naming several would keep them
        all: saved only when the chair saves the very same words again (the CLI's --every-match)."""
        t = self.catalog.t
        where = (change["scope"], change["value"], change["activity"], change["site"], change["day_from"],
                 change["day_to"])
        with self.workspace.session(readonly=True) as session:
            nobody = names_nobody(session, *where)
            if nobody is not None:
                return change, t("exceptions.form.names_nobody", value=change["value"], n=nobody[0],
                                 close=", ".join(nobody[1]) or "-"), False
            several = [] if every_match else names_several(session, *where)
        if several:
            return change, t("exceptions.form.names_several", value=change["value"],
                             names=counted_names(several)), True
        return change, "", False

    def action_cancel(self) -> None:
        self.dismiss(None)
