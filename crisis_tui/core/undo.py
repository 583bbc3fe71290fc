"""Undo (ctrl+z on the board): the meeting's last board decision taken back, every cell it touched, unless an
exception or a patient decision came after it: that one would then stand on a decision that is no longer there,
so nothing is undone and the caller is told which change came after."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date

from sqlmodel import Session, select

from crisis_tui.core import audit
from crisis_tui.core.meetings import ensure_unlocked
from crisis_tui.core.models import AuditEntry, Decision, Meeting
from crisis_tui.core.overrides import OverrideTarget, read_target

BOARD_CHANGES = ("decide", "undo")
OTHER_CHANGES = ("override", "override_remove")  # exceptions and patient decisions (core.overrides)


@dataclass(frozen=True)
class Undone:
    """What `undo_last` took back: each cell with the status it got back; or nothing, and the later exception or
    patient decision that stopped it (`refused_by`)."""

    cells: list[tuple[str, str, date, str]]  # site, activity, day, status restored
    refused_by: OverrideTarget | None = None


def undo_last(session: Session, meeting: Meeting) -> Undone | None:
    """Undo the meeting's last board decision (a `decide` group not undone yet); None when there is none."""
    ensure_unlocked(meeting)
    entries = session.exec(select(AuditEntry).where(AuditEntry.meeting_id == meeting.id,
                                                    AuditEntry.action.in_(BOARD_CHANGES + OTHER_CHANGES))
                           .order_by(AuditEntry.id)).all()
    undone = {e.new for e in entries if e.action == "undo"}
    standing = [e for e in entries if e.action != "undo" and not (e.action == "decide" and e.group in undone)]
    if not standing:
        return None
    last = standing[-1]
    if last.action != "decide":
        return Undone([], read_target(last.action, last.target))
    cells = []
    for entry in (e for e in entries if e.action == "decide" and e.group == last.group):  # a cell once each
        site, activity, day_text = entry.target.split("/")
        day = date.fromisoformat(day_text)
        old = json.loads(entry.old)
        own = select(Decision).where(Decision.meeting_id == meeting.id, Decision.site == site,
                                     Decision.activity == activity, Decision.day == day)
        row = session.exec(own).first()
        if row is not None and old["own"]:
            row.status, row.reason, row.uncontacted = old["status"], old["reason"], old["uncontacted"]
            session.add(row)
        elif row is not None:
            session.delete(row)
        cells.append((site, activity, day, old["status"]))
    audit.record(session, action="undo", target=f"meeting {meeting.id}", new=last.group, actor=meeting.chair,
                 meeting_id=meeting.id)
    session.flush()
    return Undone(cells)
