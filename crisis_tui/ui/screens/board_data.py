"""What the board shows, read in one transaction off the UI thread: counts, decisions in force, changes since the
previous meeting, the IT flags (`can_resume`, `systems_down`), who was told and reached, the meeting as committed
(signed since?), and the change marker that tells whether another workstation changed anything since."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from crisis_tui.core.board import CellCounts, board_counts
from crisis_tui.core.db import session_scope
from crisis_tui.core.decisions import CellDecision, CellKey, Change, cell_decisions, changes_since_previous
from crisis_tui.core.it_restart import activity_readiness, readiness_flag
from crisis_tui.core.models import Meeting
from crisis_tui.core.outcomes import outcome_counts
from crisis_tui.core.sync import change_marker
from crisis_tui.core.workspace import Workspace


@dataclass(frozen=True)
class BoardData:
    day_from: date
    day_to: date
    cells: list[CellCounts]
    decisions: dict[CellKey, CellDecision]
    changes: list[Change]
    marker: tuple
    readiness: dict[tuple[str, str], str]  # (site, activity) -> can_resume, systems_down, restoring
    flags: dict[tuple[str, str], str]  # (site, activity) -> can_resume, systems_down (cells flagged only)
    outcomes: dict[tuple[str, str], dict[str, int]]  # (site, activity) -> told, reached, not_reached
    meeting: Meeting | None = None  # the app's meeting as committed (signed meanwhile, here or elsewhere?)


def load_board(workspace: Workspace, meeting_id: int | None, day_from: date, day_to: date) -> BoardData:
    """Everything the board shows, from one snapshot, in a read-only session (it never waits for a writer)."""
    with session_scope(workspace.engine, readonly=True) as session:
        cells = board_counts(session, workspace.reference, day_from, day_to)
        decisions = cell_decisions(session, day_from, day_to)
        meeting = session.get(Meeting, meeting_id) if meeting_id is not None else None
        changes = changes_since_previous(session, meeting, day_from, day_to) if meeting else []
        marker = change_marker(session)
        readiness = activity_readiness(session, workspace.reference)
        outcomes = outcome_counts(session, day_from, day_to)
    flags = {(c.site, c.activity): flag for c in cells
             if (flag := readiness_flag(readiness, c.site, c.activity, c.statuses.values())) is not None}
    return BoardData(day_from, day_to, cells, decisions, changes, marker, readiness, flags, outcomes, meeting)


def read_marker(workspace: Workspace) -> tuple:
    with session_scope(workspace.engine, readonly=True) as session:
        return change_marker(session)


def parse_days(text: str) -> tuple[date, date]:
    """"2026-12-07", "07/12/2026", or two of them (a range); ValueError naming what is wrong."""
    parts = [p for p in re.split(r"\s*(?:\.\.|→|\s)\s*", text.strip()) if p]
    if not 1 <= len(parts) <= 2:
        raise ValueError(text)
    days = [_one_day(p) for p in parts]
    start, end = days[0], days[-1]
    if end < start:
        raise ValueError(text)
    return start, end


def _one_day(text: str) -> date:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(text)
