"""The minutes' content: one JSON-ready dict per meeting and days, the one source of the workbook, the TUI preview,
the signature's hash and `crisis-tui minutes --json`.

A signed meeting's minutes are those stored at signing (`Meeting.minutes_json`): figures that later imports or
outcomes change are shown as they were signed. No patient name is ever in the content: patient decisions are
counted per site, activity and status.

The minutes of meeting M are those of M, whenever they are read or signed: the cell decisions of M and the
meetings before it (by id, the order they were opened in), and the exceptions and patient decisions in force as of
M (`effective.as_of_meeting`): made in M or before, not lifted within M or before; one lifted by a later meeting
still counts, one a later meeting made does not. Meetings may overlap (an emergency meeting opened while the daily
one is unsigned): what a later one decides or lifts, before or after M's signature, never shows in M's minutes.
What patients were last told, the call outcomes and the IT situation are those known when read (or signed).

`record` is the part of the database a signature seals (the meeting's columns, its own decisions, its own
exceptions and patient decisions): `verify` rebuilds it from the live rows and compares.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from datetime import date, datetime, timedelta

from sqlalchemy import func
from sqlmodel import Session, select

from crisis_tui.core.board import board_counts
from crisis_tui.core.clock import days, local_time
from crisis_tui.core.decisions import UNDECIDED, cell_decisions, cell_target, changes_since_previous
from crisis_tui.core.it_restart import it_snapshot
from crisis_tui.core.meetings import attendees_of, previous_meeting
from crisis_tui.core.models import Decision, Meeting, Override
from crisis_tui.core.outcomes import outcome_counts
from crisis_tui.core.overrides import list_overrides
from crisis_tui.core.reference import Reference

VERSION = 1
COUNTS = ("appointments", "sms", "calls", "doctor_calls", "unreachable", "pending")
OUTCOME_KEYS = ("told", "reached", "not_reached")
MEETING_FACTS = ("kind", "day", "opened_at", "chair", "attendees", "notes", "actions", "minutes_from", "minutes_to",
                 "signed_at", "signed_by", "signed_role", "prev_hash")


def canonical(content: dict) -> str:
    """The one text of a content: sorted keys, no spaces, UTF-8 as is."""
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def digest(content: dict) -> str:
    return hashlib.sha256(canonical(content).encode("utf-8")).hexdigest()


def _iso(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    return value.isoformat(timespec="microseconds") if isinstance(value, datetime) else value.isoformat()


def decided_days(session: Session, meeting: Meeting) -> tuple[date, date]:
    """The days a meeting decided: those of its decisions, or the day after it when it decided nothing."""
    if meeting.minutes_from is not None and meeting.minutes_to is not None:
        return meeting.minutes_from, meeting.minutes_to
    low, high = session.exec(select(func.min(Decision.day), func.max(Decision.day))
                             .where(Decision.meeting_id == meeting.id)).one()
    if low is None:
        return meeting.day + timedelta(days=1), meeting.day + timedelta(days=1)
    return low, high


def minutes_content(session: Session, reference: Reference, meeting: Meeting, day_from: date, day_to: date) -> dict:
    """The minutes of `meeting` for the days given; a signed meeting's are those it was signed with."""
    if meeting.signed and meeting.minutes_json:
        return json.loads(meeting.minutes_json)
    return live_content(session, reference, meeting, day_from, day_to)


def live_content(session: Session, reference: Reference, meeting: Meeting, day_from: date, day_to: date) -> dict:
    """The minutes as the database stands now, as of this meeting (`signature` None): later meetings' decisions,
    exceptions and lifts left out (see the module's docstring)."""
    previous = previous_meeting(session, meeting)
    in_force = cell_decisions(session, day_from, day_to, before_meeting=meeting.id + 1)
    cells = board_counts(session, reference, day_from, day_to, as_of=meeting.id)
    outcomes = outcome_counts(session, day_from, day_to)
    grid = {day.isoformat(): {site.code: {activity.code: in_force.get((site.code, activity.code, day), UNDECIDED).status
                                          for activity in reference.activities}
                              for site in reference.sites}
            for day in days(day_from, day_to)}
    decisions = [{"site": site, "activity": activity, "day": day.isoformat(), "status": d.status, "reason": d.reason,
                  "uncontacted": d.uncontacted, "meeting": d.meeting_id, "own": d.meeting_id == meeting.id}
                 for (site, activity, day), d in sorted(in_force.items())]
    impact = []
    for cell in cells:
        mine = [d for d in decisions if (d["site"], d["activity"]) == (cell.site, cell.activity)]
        impact.append({"site": cell.site, "activity": cell.activity, "status": cell.status,
                       "statuses": cell.statuses, **{k: getattr(cell, k) for k in COUNTS},
                       "reasons": sorted({d["reason"] for d in mine if d["reason"]}),
                       "rules": sorted({d["uncontacted"] for d in mine if d["status"] != "maintained"})})
    outcome_cells = [{"site": site, "activity": activity, **counts} for (site, activity), counts in sorted(outcomes.items())]
    return {
        "version": VERSION,
        "meeting": {"id": meeting.id, "kind": meeting.kind, "day": meeting.day.isoformat(),
                    "opened_at": _iso(meeting.opened_at), "start": local_time(meeting.opened_at).strftime("%H:%M"),
                    "chair": meeting.chair, "attendees": attendees_of(meeting),
                    "previous": previous.id if previous else None},
        "days": {"from": day_from.isoformat(), "to": day_to.isoformat()},
        "it": [_it_item(item) for item in it_snapshot(session)],
        "grid": grid,
        "decisions": decisions,
        "changes": [{"site": c.site, "activity": c.activity, "day": c.day.isoformat(), "before": c.before,
                     "after": c.after} for c in changes_since_previous(session, meeting, day_from, day_to)],
        "impact": impact,
        "totals": {k: sum(c[k] for c in impact) for k in COUNTS},
        "exceptions": _exceptions(session, day_from, day_to, meeting.id),
        "patient_decisions": _patient_decisions(session, day_from, day_to, meeting.id),
        "outcomes": {"cells": outcome_cells, **{k: sum(c[k] for c in outcome_cells) for k in OUTCOME_KEYS}},
        "notes": meeting.notes,
        "actions": meeting.actions,
        "signature": None,
    }


def _it_item(item: dict) -> dict:
    return {"position": item["position"], "name": item["name"], "tier": item["tier"], "status": item["status"],
            "next": item["next"], "eta": _iso(item["eta"]), "notes": item["notes"]}


def _exceptions(session: Session, day_from: date, day_to: date, as_of: int) -> list[dict]:
    """The doctors' and services' exceptions over the days in force as of the meeting (a doctor's name is no
    patient's)."""
    return [{"id": o.id, "meeting": o.meeting_id, "scope": o.scope, "value": o.value, "site": o.site,
             "activity": o.activity, "from": o.day_from.isoformat(), "to": o.day_to.isoformat(), "status": o.status,
             "note": o.note, "decided_by": o.decided_by}
            for o in list_overrides(session, day_from, day_to, scopes=("doctor", "service"), as_of=as_of)]


def _patient_decisions(session: Session, day_from: date, day_to: date, as_of: int) -> list[dict]:
    """Patient decisions over the days in force as of the meeting, counted per site, activity and status."""
    counts = Counter((o.site or "", o.activity, o.status)
                     for o in list_overrides(session, day_from, day_to, scopes=("patient",), as_of=as_of))
    return [{"site": site, "activity": activity, "status": status, "count": n}
            for (site, activity, status), n in sorted(counts.items())]


# --- what a signature seals ----------------------------------------------------------------------------------------

def record(session: Session, meeting: Meeting) -> dict:
    """The meeting's columns, its decisions and its exceptions as they are in the database now. An exception lifted
    after the signature (by a later meeting) still belongs to it; one lifted before does not. The minutes' own
    lists go by meeting, not by time (`effective.as_of_meeting`): one an overlapping emergency meeting lifted before
    this one's signature is still in its minutes (sealed by the hash) though not here; this rule is kept as it was
    so that the records signed before it stay verifiable."""
    facts = {name: getattr(meeting, name) for name in MEETING_FACTS}
    facts = {name: _iso(value) if isinstance(value, (date, datetime)) else value for name, value in facts.items()}
    facts["attendees"] = attendees_of(meeting)
    decisions = {cell_target(d.site, d.activity, d.day): {
        "status": d.status, "reason": d.reason, "uncontacted": d.uncontacted, "decided_at": _iso(d.decided_at)}
        for d in session.exec(select(Decision).where(Decision.meeting_id == meeting.id))}
    overrides = {}
    for o in session.exec(select(Override).where(Override.meeting_id == meeting.id).order_by(Override.id)):
        if o.removed_at is not None and (meeting.signed_at is None or o.removed_at <= meeting.signed_at):
            continue
        patient = o.appointment_id is not None or o.scope == "patient"
        overrides[str(o.id)] = {
            "scope": o.scope, "site": o.site, "activity": o.activity, "from": _iso(o.day_from), "to": _iso(o.day_to),
            # a patient's name is sealed by its hash only: the stored minutes hold no patient name
            "value": hashlib.sha256(o.value.encode("utf-8")).hexdigest() if patient else o.value,
            "appointment": o.appointment_id, "status": o.status, "note": o.note, "decided_by": o.decided_by,
            "decided_at": _iso(o.decided_at),
        }
    return {"meeting": facts, "decisions": decisions, "overrides": overrides}
