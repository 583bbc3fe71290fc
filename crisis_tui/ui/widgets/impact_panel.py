"""The impact of the selection (a cell, a row, a column or the whole board): appointments by phone kind, who is
told and how, who was told and reached so far, the decision in force and the cell's IT flag, and what changed
since the previous meeting.

Figures are sums of the board's CellCounts (already aggregated in SQL); the panel never reads the database.
"""

from __future__ import annotations

from datetime import date
from typing import Sequence

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.widgets import Static

from crisis_tui.core.board import CellCounts
from crisis_tui.core.decisions import Change, CellDecision
from crisis_tui.i18n import Catalog
from crisis_tui.ui.widgets.decision_grid import FLAG_MARKERS, FLAG_STYLES

PHONE_FIELDS = ("appointments", "mobile", "landline_only", "no_number")
TOLD_FIELDS = ("sms", "calls", "doctor_calls", "unreachable", "pending")
OUTCOME_FIELDS = ("told", "reached", "not_reached")
MAX_CHANGES = 8


def totals(cells: Sequence[CellCounts]) -> dict[str, int]:
    return {name: sum(getattr(c, name) for c in cells) for name in PHONE_FIELDS + TOLD_FIELDS}


class ImpactPanel(Static):
    DEFAULT_CSS = """
    ImpactPanel { height: auto; border: round $primary; padding: 0 1; }
    """

    def __init__(self, catalog: Catalog, **kwargs) -> None:
        super().__init__(**kwargs)
        self.catalog = catalog

    def show(
        self,
        title: str,
        cells: Sequence[CellCounts],
        decision: CellDecision | None,
        changes: Sequence[Change],
        names: dict[str, str],
        named: tuple[bool, bool, bool] = (True, True, True),
        *,
        outcomes: dict[str, int] | None = None,
        flag: str | None = None,
    ) -> None:
        """`decision`: the one in force for a single cell (None for a wider selection); `names`: code -> label;
        `named`: whether a change line names its site, its activity, its day (not when the selection fixes it);
        `outcomes`: told, reached, not_reached summed over the selection; `flag`: a single cell's IT flag."""
        t = self.catalog.t
        self.border_title = t("ui.impact.title", what=title)
        sums = totals(cells)
        figures = Table.grid(padding=(0, 2))
        for _ in range(4):
            figures.add_column()
        figures.add_column(ratio=1)
        change_lines = self._change_lines(changes, names, named)
        rows = max(len(PHONE_FIELDS), len(TOLD_FIELDS), len(change_lines))
        for n in range(rows):
            cells_of_row: list[Text | str] = []
            for fields in (PHONE_FIELDS, TOLD_FIELDS):
                if n < len(fields):
                    name = fields[n]
                    style = "bold" if name in ("appointments", "pending") and sums[name] else ""
                    cells_of_row += [t(f"ui.impact.{name}"), Text(f"{sums[name]:>6}", style=style)]
                else:
                    cells_of_row += ["", ""]
            cells_of_row.append(change_lines[n] if n < len(change_lines) else "")
            figures.add_row(*cells_of_row)
        told = {name: (outcomes or {}).get(name, 0) for name in OUTCOME_FIELDS}
        parts: list = [figures, Text(t("ui.impact.outcomes", **told))]
        if flag is not None:
            parts.append(Text.assemble((FLAG_MARKERS[flag], FLAG_STYLES[flag]), " ", (t(f"it.flag.{flag}"), "bold")))
        if decision is not None:
            reason = decision.reason or t("ui.impact.no_reason")
            rule = t(f"uncontacted.{decision.uncontacted}")
            parts.append(Text.assemble((t("ui.impact.reason") + " ", "bold"), reason, "   ",
                                       (t("ui.impact.rule") + " ", "bold"), rule))
        self.update(Group(*parts))

    def _change_lines(self, changes: Sequence[Change], names: dict[str, str], named: tuple[bool, bool, bool]
                      ) -> list[Text]:
        """One line per change, naming what the selection does not fix (its site, activity, day)."""
        t = self.catalog.t
        lines = [Text(t("ui.impact.changes", n=len(changes)), style="bold")]
        if not changes:
            return lines + [Text(t("ui.impact.no_changes"), style="dim")]
        shown = changes if len(changes) <= MAX_CHANGES else changes[: MAX_CHANGES - 1]
        for change in shown:
            where = [names.get(change.site, change.site), names.get(change.activity, change.activity),
                     short_day(change.day)]
            label = " · ".join(part for part, shown_part in zip(where, named) if shown_part)
            lines.append(Text.assemble(
                t("ui.impact.change_label", label=label) if label else "",
                t(f"ui.status_short.{change.before}"), " → ", (t(f"ui.status_short.{change.after}"), "bold"),
                no_wrap=True, overflow="ellipsis",
            ))
        if len(shown) < len(changes):
            lines.append(Text(t("ui.impact.more", n=len(changes) - len(shown)), style="dim"))
        return lines


def short_day(day: date) -> str:
    return day.strftime("%d/%m")
