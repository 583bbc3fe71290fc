"""The decision grid: sites (grouped by kind) x activities, each cell's status as text and colour plus its
appointment count and its IT flag (a marker and a colour: ↻ can resume, ⚠ maintained while a system it needs is
down), a cursor, and a scope (cell, row, column, whole board) that the board's keys act on. When the terminal is
too narrow for every activity, the columns scroll to keep the cursor's in sight (◀ ▶ say more are hidden) and the
site names stay in place; too short for every site (the impact panel below keeps its height), the sites scroll under
the activities' names (▲ ▼ with a count say how many are hidden above and below).

The grid only draws what the board screen gives it (`show`); it never reads the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from crisis_tui.core.board import CellCounts
from crisis_tui.core.models import Activity, Site
from crisis_tui.core.reference import SITE_KINDS
from crisis_tui.i18n import Catalog
from crisis_tui.ui.keymap import localize_bindings

SCOPES = ("cell", "row", "column", "board")
SITE_WIDTH = 17
CELL_WIDTH = 15  # plus one space before each cell
HEADER_LINES = 2
STATUS_STYLES = {
    "maintained": "bold white on dark_green",
    "cancelled": "bold white on red3",
    "case_by_case": "bold black on gold1",
    "stopped": "bold white on purple4",
    "mixed": "bold white on dodger_blue3",
}
LOADING_STYLE = "dim"
FLAG_MARKERS = {"can_resume": "↻", "systems_down": "⚠"}
FLAG_STYLES = {"can_resume": "bold black on bright_cyan", "systems_down": "bold black on dark_orange"}


@dataclass(frozen=True)
class Selection:
    """The cells the board's keys act on, and what they are called."""

    scope: str
    sites: tuple[str, ...]
    activities: tuple[str, ...]


def fit(text: str, width: int) -> str:
    """`text` cut to `width` characters with an ellipsis."""
    return text if len(text) <= width else text[: width - 1] + "…"


def wrap_label(label: str, width: int, lines: int = HEADER_LINES) -> list[str]:
    """A column header on `lines` lines of `width`, cut at spaces, the last line ellipsed."""
    out: list[str] = []
    words = label.split()
    while words and len(out) < lines:
        line = words.pop(0)
        while words and len(line) + 1 + len(words[0]) <= width:
            line += " " + words.pop(0)
        out.append(line)
    if words:
        out[-1] = fit(out[-1] + " " + " ".join(words), width)
    out = [fit(line, width) for line in out]
    return [""] * (lines - len(out)) + out


class DecisionGrid(Widget, can_focus=True):
    DEFAULT_CSS = """
    DecisionGrid { height: 1fr; min-height: 5; width: auto; max-width: 100%; padding: 0 1; }
    """
    BINDINGS = [
        Binding("up,k", "move(-1, 0)", "ui.keys.up", show=False, id="grid.up"),
        Binding("down,j", "move(1, 0)", "ui.keys.down", show=False, id="grid.down"),
        Binding("left,h", "move(0, -1)", "ui.keys.left", show=False, id="grid.left"),
        Binding("right,l", "move(0, 1)", "ui.keys.right", show=False, id="grid.right"),
        Binding("home", "jump('home')", "ui.keys.first_column", show=False, id="grid.home"),
        Binding("end", "jump('end')", "ui.keys.last_column", show=False, id="grid.end"),
    ]

    cursor_row: reactive[int] = reactive(0)
    cursor_col: reactive[int] = reactive(0)
    scope: reactive[str] = reactive("cell")

    class SelectionChanged(Message):
        def __init__(self, selection: Selection) -> None:
            super().__init__()
            self.selection = selection

    def __init__(self, sites: Sequence[Site], activities: Sequence[Activity], catalog: Catalog, **kwargs) -> None:
        super().__init__(**kwargs)
        localize_bindings(self, catalog)
        self.sites = tuple(sites)
        self.activities = tuple(activities)
        self.catalog = catalog
        self.cells: dict[tuple[str, str], CellCounts] = {}
        self.flags: dict[tuple[str, str], str] = {}  # (site, activity) -> can_resume or systems_down
        self._line_rows: list[int | None] = []  # rendered line -> site index (None: header or group title)
        self.first_col = 0  # the first activity column shown
        self.first_line = 0  # the first line shown under the header (of the group titles and site rows)
        self.body = _body(self.sites)  # the lines under the header
        self.styles.max_height = HEADER_LINES + len(self.body)  # every site when there is room

    def get_content_width(self, container, viewport) -> int:
        return SITE_WIDTH + len(self.activities) * (CELL_WIDTH + 1)

    def shown_columns(self) -> range:
        """The activity columns that fit beside the site names, the cursor's among them."""
        fitting = max(1, (self.content_size.width - SITE_WIDTH) // (CELL_WIDTH + 1))
        first = min(max(self.first_col, self.cursor_col - fitting + 1), self.cursor_col)
        self.first_col = max(0, min(first, len(self.activities) - fitting))
        return range(self.first_col, min(len(self.activities), self.first_col + fitting))

    def shown_lines(self) -> range:
        """The lines of `body` that fit under the header, the cursor's among them."""
        body = self.body
        cursor = body.index(self.cursor_row)
        fitting = max(1, self.content_size.height - HEADER_LINES) if self.content_size.height else len(body)
        first = min(max(self.first_line, cursor - fitting + 1), cursor)
        self.first_line = max(0, min(first, len(body) - fitting))
        return range(self.first_line, min(len(body), self.first_line + fitting))

    def show(self, cells: Sequence[CellCounts], flags: dict[tuple[str, str], str] | None = None) -> None:
        """The cells' counts and statuses, and their IT flags (`core.it_restart.readiness_flag`)."""
        self.cells = {(c.site, c.activity): c for c in cells}
        self.flags = dict(flags or {})
        self.refresh(layout=True)

    @property
    def cursor_cell(self) -> tuple[str, str]:
        return self.sites[self.cursor_row].code, self.activities[self.cursor_col].code

    def selection(self, scope: str | None = None) -> Selection:
        scope = scope or self.scope
        site, activity = self.cursor_cell
        all_sites = tuple(s.code for s in self.sites)
        all_activities = tuple(a.code for a in self.activities)
        sites = all_sites if scope in ("column", "board") else (site,)
        activities = all_activities if scope in ("row", "board") else (activity,)
        return Selection(scope, sites, activities)

    def selected_cells(self, selection: Selection | None = None) -> list[CellCounts]:
        selection = selection or self.selection()
        return [self.cells[(s, a)] for s in selection.sites for a in selection.activities if (s, a) in self.cells]

    def cycle_scope(self) -> None:
        self.scope = SCOPES[(SCOPES.index(self.scope) + 1) % len(SCOPES)]

    def action_move(self, rows: int, cols: int) -> None:
        self.cursor_row = (self.cursor_row + rows) % len(self.sites)
        self.cursor_col = (self.cursor_col + cols) % len(self.activities)

    def action_jump(self, where: str) -> None:
        self.cursor_col = 0 if where == "home" else len(self.activities) - 1

    def watch_cursor_row(self) -> None:
        self._changed()

    def watch_cursor_col(self) -> None:
        self._changed()

    def watch_scope(self) -> None:
        self._changed()

    def _changed(self) -> None:
        self.refresh()
        self.post_message(self.SelectionChanged(self.selection()))

    def on_click(self, event: events.Click) -> None:
        y, x = event.y, event.x - 1 - SITE_WIDTH
        if 0 <= y < len(self._line_rows) and self._line_rows[y] is not None:
            self.cursor_row = self._line_rows[y]
            if x >= 0:
                self.cursor_col = min(self.first_col + x // (CELL_WIDTH + 1), self.shown_columns()[-1])

    def activity_label(self, activity: Activity) -> str:
        return activity.label(self.catalog.lang)

    def cell_text(self, cell: CellCounts | None, flag: str | None = None) -> Text:
        """The cell on CELL_WIDTH columns: its status, its IT flag's marker (if any), its appointment count."""
        if cell is None:
            return Text(fit("…", CELL_WIDTH).ljust(CELL_WIDTH), style=LOADING_STYLE)
        style = STATUS_STYLES[cell.status]
        marker = FLAG_MARKERS.get(flag, "")  # "status  ⚠ count": the marker in its own colour, a space either side
        count = (" " if marker else "") + str(cell.appointments)
        status = fit(self.catalog.t(f"ui.status_short.{cell.status}"), CELL_WIDTH - len(count) - len(marker) - 1)
        padding = " " * (CELL_WIDTH - len(status) - len(marker) - len(count))
        return Text.assemble((status + padding, style), (marker, FLAG_STYLES.get(flag, style)), (count, style))

    def render(self) -> Text:
        t = self.catalog.t
        text = Text(no_wrap=True, overflow="crop")
        self._line_rows = []
        columns = self.shown_columns()
        body = self.body
        lines = self.shown_lines()
        labels = {col: wrap_label(self.activity_label(self.activities[col]), CELL_WIDTH) for col in columns}
        hidden_rows = (sum(type(line) is int for line in body[: lines.start]),
                       sum(type(line) is int for line in body[lines.stop :]))
        for line in range(HEADER_LINES):
            last = line == HEADER_LINES - 1
            hidden_left = "◀" if last and columns.start > 0 else ""
            text.append(hidden_left, style="bold")
            hidden = "" if last else _hidden_rows(*hidden_rows)
            text.append(hidden.rjust(SITE_WIDTH - len(hidden_left)), style="bold")
            for col, label in labels.items():
                style = "bold reverse" if col == self.cursor_col else "bold"
                text.append(" ")
                text.append(label[line].center(CELL_WIDTH), style=style)
            if last and columns.stop < len(self.activities):
                text.append(" ▶", style="bold")
            text.append("\n")
            self._line_rows.append(None)
        in_scope = self.selection()
        for line in body[lines.start : lines.stop]:
            if type(line) is int:
                self._render_row(text, line, self.sites[line], in_scope, columns)
                continue
            text.append(fit(t(f"site_kind.{line}"), SITE_WIDTH + 1 + CELL_WIDTH) + "\n", style="bold underline")
            self._line_rows.append(None)
        text.rstrip()
        return text

    def _render_row(self, text: Text, index: int, site: Site, in_scope: Selection, columns: range) -> None:
        name_style = "bold reverse" if index == self.cursor_row else "bold"
        text.append(fit(site.name, SITE_WIDTH).ljust(SITE_WIDTH), style=name_style)
        for col in columns:
            activity = self.activities[col]
            where = (site.code, activity.code)
            body = self.cell_text(self.cells.get(where), self.flags.get(where))
            if index == self.cursor_row and col == self.cursor_col:
                body.stylize("reverse")
            elif self.scope != "cell" and site.code in in_scope.sites and activity.code in in_scope.activities:
                body.stylize("underline")
            text.append(" ")
            text.append_text(body)
        text.append("\n")
        self._line_rows.append(index)


def _body(sites: Sequence[Site]) -> tuple[str | int, ...]:
    """The lines under the grid's header: each kind's title (its SITE_KINDS code), then the index of each of its
    sites."""
    lines: list[str | int] = []
    for kind in SITE_KINDS:
        rows = [index for index, site in enumerate(sites) if site.kind == kind]
        if rows:
            lines += [kind, *rows]
    return tuple(lines)


def _hidden_rows(above: int, below: int) -> str:
    """How many site rows are hidden above and below ("▲2 ▼3"), nothing when none is."""
    return " ".join(part for part in (f"▲{above}" if above else "", f"▼{below}" if below else "") if part)
