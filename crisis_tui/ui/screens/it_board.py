"""The IT restart board: systems in restart order with their HSE colour, what can start next, counts, activities.

Keys: 1/d down, 2/r restoring, 3/s restored, 4/v verified (the selected system), n note, e ETA, l load a list,
escape back. Every change goes through `crisis_tui.core.it_restart` (which writes the audit log).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Callable

from rich.text import Text
from sqlmodel import Session
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Static

from crisis_tui.core.errors import UsageError
from crisis_tui.core.it.listfile import parse_eta
from crisis_tui.core.it.vocab import COLOURS, STATUSES, TIERS
from crisis_tui.core.it_restart import (
    READINESS, OrderItem, activity_readiness, load_systems, progress, restart_order, set_eta, set_note, set_status,
)
from crisis_tui.core.workspace import Workspace
from crisis_tui.i18n import Catalog
from crisis_tui.ui.keymap import localize_bindings
from crisis_tui.ui.widgets.dialogs import ErrorDialog, TextInputDialog

STYLES = {
    "red": "bold white on red3",
    "amber": "bold black on dark_orange",
    "green": "bold black on green3",
    "blue": "bold white on dodger_blue2",
}
READINESS_STYLES = {"can_resume": "bold green3", "restoring": "dark_orange", "systems_down": "bold red3"}


class ItBoardScreen(Screen):
    HELP_KEY = "ui.help.it"
    BINDINGS = [
        Binding("1,d", "set_status('down')", "it.key.down", id="it.down"),
        Binding("2,r", "set_status('restoring')", "it.key.restoring", id="it.restoring"),
        Binding("3,s", "set_status('restored')", "it.key.restored", id="it.restored"),
        Binding("4,v", "set_status('verified')", "it.key.verified", id="it.verified"),
        Binding("n", "edit_note", "it.key.note", id="it.note"),
        Binding("e", "edit_eta", "it.key.eta", id="it.eta"),
        Binding("l", "load", "it.key.load", id="it.load"),
        Binding("escape", "back", "it.key.back", id="it.back"),
    ]
    DEFAULT_CSS = """
    ItBoardScreen #it-title { text-style: bold; padding: 0 1; }
    ItBoardScreen #it-systems { height: 1fr; }
    ItBoardScreen #it-next { padding: 0 1; height: auto; }
    ItBoardScreen #it-bottom { height: 14; }
    ItBoardScreen #it-progress { width: 1fr; }
    ItBoardScreen #it-activities { width: 1fr; }
    """

    def __init__(self, workspace: Workspace, catalog: Catalog, *, actor: str = "", meeting_id: int | None = None):
        super().__init__()
        self.workspace = workspace
        self.catalog = catalog
        self.actor = actor
        self.meeting_id = meeting_id
        self.items: list[OrderItem] = []
        localize_bindings(self, catalog)

    def compose(self) -> ComposeResult:
        t = self.catalog.t
        yield Static(t("it.title"), id="it-title")
        yield DataTable(id="it-systems", cursor_type="row", zebra_stripes=True)
        yield Static(id="it-next")
        with Horizontal(id="it-bottom"):
            yield DataTable(id="it-progress", cursor_type="none")
            yield DataTable(id="it-activities", cursor_type="none")
        yield Footer()

    def on_mount(self) -> None:
        t = self.catalog.t
        systems = self.query_one("#it-systems", DataTable)
        for column in ("order", "next", "name", "tier", "status", "eta", "depends_on", "owner", "notes"):
            systems.add_column(t(f"it.column.{column}"), key=column)
        counts = self.query_one("#it-progress", DataTable)
        counts.add_column("", key="label")
        for status in STATUSES:
            counts.add_column(t(f"it.status.{status}"), key=status)
        counts.add_column(t("it.column.total"), key="total")
        activities = self.query_one("#it-activities", DataTable)
        for column in ("activity", "readiness", "sites"):
            activities.add_column(t(f"it.column.{column}"), key=column)
        self.refresh_board()
        systems.focus()

    def refresh_board(self) -> None:
        """Reread everything (tens of rows: no worker needed); the cursor stays on the same system."""
        try:
            with self.workspace.session(readonly=True) as session:
                self.items = restart_order(session)
                counts = progress(session)
                readiness = activity_readiness(session, self.workspace.reference)
        except UsageError as exc:
            self.app.push_screen(ErrorDialog(self.catalog, exc.said(self.catalog)))
            return
        self._fill_systems()
        self._fill_progress(counts)
        self._fill_activities(readiness)
        t = self.catalog.t
        startable = [item.name for item in self.items if item.can_start]
        if not self.items:
            note = t("it.empty")
        else:
            note = t("it.next_list", names=", ".join(startable)) if startable else t("it.nothing_next")
        self.query_one("#it-next", Static).update(note)

    def status_cell(self, status: str) -> Text:
        colour = COLOURS[status]
        label = f" {self.catalog.t(f'it.status.{status}')} · {self.catalog.t(f'it.colour.{colour}')} "
        return Text(label, style=STYLES[colour])

    def _fill_systems(self) -> None:
        table = self.query_one("#it-systems", DataTable)
        selected = self.selected_name()
        table.clear()
        for item in self.items:
            table.add_row(
                str(item.position),
                Text(self.catalog.t("it.next"), style="bold") if item.can_start else "",
                item.name,
                f"P{item.tier}",
                self.status_cell(item.status),
                item.eta.strftime("%d/%m/%Y") if item.eta else "",
                ", ".join(item.depends_on),
                item.owner,
                item.notes,
                key=item.name,
            )
        if selected is not None and selected in {item.name for item in self.items}:
            table.move_cursor(row=table.get_row_index(selected))

    def _fill_progress(self, counts: dict) -> None:
        t = self.catalog.t
        table = self.query_one("#it-progress", DataTable)
        table.clear()
        rows = [(t("it.progress.tier", tier=tier), counts["tiers"][tier]) for tier in TIERS]
        rows.append((t("it.progress.all"), {**counts["statuses"], "total": counts["total"]}))
        names = {site.code: site.name for site in self.workspace.reference.sites}
        rows += [(names.get(code, code), bucket) for code, bucket in counts["sites"].items()]
        for label, bucket in rows:
            table.add_row(label, *(str(bucket[s]) for s in STATUSES), str(bucket["total"]))

    def _fill_activities(self, readiness: dict[tuple[str, str], str]) -> None:
        """One row per activity and state, with the sites in that state ("every site" when all are)."""
        table = self.query_one("#it-activities", DataTable)
        table.clear()
        reference = self.workspace.reference
        for activity in reference.activities:
            label = activity.label(self.catalog.lang)
            for state in READINESS:
                sites = [site.name for site in reference.sites if readiness.get((site.code, activity.code)) == state]
                if sites:
                    shown = self.catalog.t("it.every_site") if len(sites) == len(reference.sites) else ", ".join(sites)
                    table.add_row(label, Text(self.catalog.t(f"it.readiness.{state}"), style=READINESS_STYLES[state]),
                                  shown)

    def selected_name(self) -> str | None:
        table = self.query_one("#it-systems", DataTable)
        if not self.items or table.row_count == 0:
            return None
        return str(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def _selected(self) -> OrderItem | None:
        name = self.selected_name()
        item = next((i for i in self.items if i.name == name), None)
        if item is None:
            self.notify(self.catalog.t("it.no_selection"), severity="warning")
        return item

    def _change(self, change: Callable[[Session], str]) -> None:
        """Run one change in its own transaction, then show its message (or the error, nothing changed)."""
        try:
            with self.workspace.session() as session:
                message = change(session)
        except UsageError as exc:
            self.app.push_screen(ErrorDialog(self.catalog, exc.said(self.catalog)))
            return
        self.refresh_board()
        self.notify(message)

    def _prompt(self, title: str, value: str, then: Callable[[str | None], None]) -> None:
        self.app.push_screen(TextInputDialog(self.catalog, title, value), then)

    def action_set_status(self, status: str) -> None:
        item = self._selected()
        if item is None or item.status == status:
            return
        message = self.catalog.t("it.changed", name=item.name, status=self.catalog.t(f"it.status.{status}"))

        def change(session: Session) -> str:
            set_status(session, item.name, status, actor=self.actor, meeting_id=self.meeting_id)
            return message

        self._change(change)

    def action_edit_note(self) -> None:
        item = self._selected()
        if item is None:
            return

        def change(session: Session, note: str) -> str:
            set_note(session, item.name, note, actor=self.actor, meeting_id=self.meeting_id)
            return self.catalog.t("it.noted", name=item.name)

        def save(note: str | None) -> None:
            if note is not None:
                self._change(lambda session: change(session, note))

        self._prompt(self.catalog.t("it.dialog.note", name=item.name), item.notes, save)

    def action_edit_eta(self) -> None:
        item = self._selected()
        if item is None:
            return

        def change(session: Session, eta: date | None) -> str:
            set_eta(session, item.name, eta, actor=self.actor, meeting_id=self.meeting_id)
            shown = eta.strftime("%d/%m/%Y") if eta else self.catalog.t("it.no_eta")
            return self.catalog.t("it.eta_set", name=item.name, eta=shown)

        def save(value: str | None) -> None:
            if value is None:
                return
            try:
                eta = parse_eta(value)
            except ValueError:
                self.app.push_screen(ErrorDialog(self.catalog, self.catalog.t("it.bad_date", value=value)))
                return
            self._change(lambda session: change(session, eta))

        current = item.eta.strftime("%d/%m/%Y") if item.eta else ""
        self._prompt(self.catalog.t("it.dialog.eta", name=item.name), current, save)

    def action_load(self) -> None:
        def load(value: str | None) -> None:
            if not value or not value.strip():
                return
            path = Path(value.strip()).expanduser()
            self._change(lambda session: self.catalog.t(
                "it.loaded", file=path.name, count=load_systems(
                    session, path, self.actor, reference=self.workspace.reference, meeting_id=self.meeting_id),
            ))

        self._prompt(self.catalog.t("it.dialog.load"), f"{self.workspace.home.inbox}/", load)

    def action_back(self) -> None:
        self.app.pop_screen()
