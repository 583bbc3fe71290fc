"""The cell's decisions (site x activity x day): record, carry over, compare with the previous meeting.

The decision in force for a cell is the one of the latest meeting that decided it; a cell nobody decided is
maintained. A decision for a range is one row per day.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from typing import Iterable

from sqlmodel import Session, select

from crisis_tui.core import audit
from crisis_tui.core.clock import days as days_between
from crisis_tui.core.errors import UsageError
from crisis_tui.core.meetings import ensure_unlocked
from crisis_tui.core.models import STATUSES, UNCONTACTED_RULES, AuditEntry, Decision, Meeting, utcnow
from crisis_tui.i18n import Message

DEFAULT_STATUS = "maintained"
DEFAULT_UNCONTACTED = "cancelled_unless_contacted"
FIELDS = ("status", "reason", "uncontacted")  # what a `decide` entry records of a decision
CellKey = tuple[str, str, date]  # site, activity, day


@dataclass(frozen=True)
class CellDecision:
    status: str
    reason: str = ""
    uncontacted: str = DEFAULT_UNCONTACTED
    meeting_id: int | None = None

    def as_dict(self) -> dict[str, str]:
        return {"status": self.status, "reason": self.reason, "uncontacted": self.uncontacted}


UNDECIDED = CellDecision(DEFAULT_STATUS)


def cell_target(site: str, activity: str, day: date) -> str:
    """A cell as the audit log and the signed record name it: "site/activity/day"."""
    return f"{site}/{activity}/{day.isoformat()}"


def cell_decisions(
    session: Session, day_from: date, day_to: date, *, before_meeting: int | None = None
) -> dict[CellKey, CellDecision]:
    """The decisions in force for every decided cell of the range (optionally as they stood before a meeting)."""
    query = select(Decision).where(Decision.day >= day_from, Decision.day <= day_to)
    if before_meeting is not None:
        query = query.where(Decision.meeting_id < before_meeting)
    result: dict[CellKey, CellDecision] = {}
    for row in session.exec(query.order_by(Decision.meeting_id, Decision.id)):
        result[(row.site, row.activity, row.day)] = CellDecision(row.status, row.reason, row.uncontacted, row.meeting_id)
    return result


def check_status(status: str) -> str:
    if status not in STATUSES:
        raise UsageError(Message("error.bad_choice", option="--status", value=status, choices=", ".join(STATUSES)))
    return status


def check_uncontacted(rule: str | None) -> str | None:
    if rule is not None and rule not in UNCONTACTED_RULES:
        raise UsageError(Message("error.bad_choice", option="--uncontacted", value=rule,
                                 choices=", ".join(UNCONTACTED_RULES)))
    return rule


def decide(
    session: Session,
    meeting: Meeting,
    sites: Iterable[str],
    activities: Iterable[str],
    day_from: date,
    day_to: date,
    status: str,
    *,
    reason: str | None = None,
    uncontacted: str | None = None,
    actor: str | None = None,
) -> int:
    """Set the status of every site x activity x day given, in this meeting. Returns the cells changed.

    A reason left out keeps the one in force for the same status (a decision carried over, confirmed); for another
    status it is empty: "maintained" never goes on with the reason of a cancellation. A rule left out keeps the one
    in force. One audit group per call (undone together)."""
    ensure_unlocked(meeting)
    check_status(status)
    check_uncontacted(uncontacted)
    sites, activities = list(sites), list(activities)
    in_force = cell_decisions(session, day_from, day_to)
    own = {
        (d.site, d.activity, d.day): d
        for d in session.exec(
            select(Decision).where(Decision.meeting_id == meeting.id, Decision.day >= day_from, Decision.day <= day_to)
        )
    }
    group = audit.new_group()
    changed = 0
    for day in days_between(day_from, day_to):
        for site in sites:
            for activity in activities:
                key = (site, activity, day)
                before = in_force.get(key, UNDECIDED)
                after = CellDecision(
                    status,
                    reason if reason is not None else before.reason if status == before.status else "",
                    uncontacted or before.uncontacted,
                    meeting.id,
                )
                if after.as_dict() == before.as_dict() and key in own:
                    continue
                row = own.get(key) or Decision(meeting_id=meeting.id, site=site, activity=activity, day=day, status=status)
                row.status, row.reason, row.uncontacted, row.decided_at = after.status, after.reason, after.uncontacted, utcnow()
                session.add(row)
                old = before.as_dict() | {"own": key in own}
                audit.record(
                    session, action="decide", target=cell_target(site, activity, day),
                    old=json.dumps(old, ensure_ascii=False), new=json.dumps(after.as_dict(), ensure_ascii=False),
                    reason=after.reason, actor=meeting.chair if actor is None else actor,
                    meeting_id=meeting.id, group=group,
                )
                changed += 1
    session.flush()
    return changed


def audited_decisions(session: Session) -> dict[tuple[int, str], dict]:
    """What the audit log says every meeting's own decisions are now, keyed (meeting id, cell target): the
    `decide` entries replayed in order, each `undo` taking its group back as `undo_last` does."""
    state: dict[tuple[int, str], dict] = {}
    groups: dict[str, list[AuditEntry]] = {}
    query = select(AuditEntry).where(AuditEntry.action.in_(("decide", "undo")), AuditEntry.meeting_id.is_not(None))
    for entry in session.exec(query.order_by(AuditEntry.id)):
        if entry.action == "decide":
            groups.setdefault(entry.group, []).append(entry)
            new = audit.value(entry.new)
            state[(entry.meeting_id, entry.target)] = {k: new.get(k) for k in FIELDS}
            continue
        for done in reversed(groups.pop(entry.new, [])):
            old = audit.value(done.old)
            if old.get("own"):
                state[(done.meeting_id, done.target)] = {k: old.get(k) for k in FIELDS}
            else:
                state.pop((done.meeting_id, done.target), None)
    return state


def untraced_decisions(session: Session) -> list[Message]:
    """Every meeting's decisions, signed or not, against what the audit log last recorded for them: one problem
    per decision changed, added or removed behind the application's back."""
    audited = audited_decisions(session)
    rows = {(d.meeting_id, cell_target(d.site, d.activity, d.day)): {k: getattr(d, k) for k in FIELDS}
            for d in session.exec(select(Decision))}
    problems = []
    for meeting_id, target in sorted(set(audited) | set(rows)):
        then, now = audited.get((meeting_id, target)), rows.get((meeting_id, target))
        change = "added" if then is None else "removed" if now is None else "altered" if then != now else None
        if change:
            problems.append(audit.untraced(change, meeting_id, "decision", target))
    return problems


@dataclass(frozen=True)
class Change:
    site: str
    activity: str
    day: date
    before: str
    after: str


def changes_since_previous(session: Session, meeting: Meeting, day_from: date, day_to: date) -> list[Change]:
    """Cells whose status in force now differs from what it was before this meeting."""
    before = cell_decisions(session, day_from, day_to, before_meeting=meeting.id)
    now = cell_decisions(session, day_from, day_to, before_meeting=meeting.id + 1)
    changes = []
    for key in sorted(set(before) | set(now)):
        old, new = before.get(key, UNDECIDED).status, now.get(key, UNDECIDED).status
        if old != new:
            changes.append(Change(*key, old, new))
    return changes
