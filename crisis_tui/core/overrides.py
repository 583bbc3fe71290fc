"""Decisions below the cell: exceptions by doctor or service, patient decisions, and the review of a cell.

Every change checks the meeting is open and is audited (action `override` or `override_remove`). An exception
given again with the same scope, words, site, activity and days replaces the active one (the old one is removed
in the same audit group); a patient decision replaces the active one of the same appointment.
The rule itself (who wins) is `effective.py`; the review page computes it in SQL with `effective_sql`.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Iterable, Sequence

from sqlalchemy import func
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from crisis_tui.core import audit
from crisis_tui.core.decisions import cell_decisions
from crisis_tui.core.effective import (SCOPES, TITLES, as_of_meeting, effective_sql, has_words, match_words,
                                       override_condition, pin_condition)
from crisis_tui.core.errors import UsageError
from crisis_tui.core.meetings import ensure_unlocked
from crisis_tui.core.models import OVERRIDE_STATUSES, Appointment, AuditEntry, Meeting, Override, utcnow
from crisis_tui.core.reference import Reference
from crisis_tui.core.text import key, tokens
from crisis_tui.i18n import Message

CHUNK = 500  # ids per IN (...) list
CLOSE_NAMES = 2000  # distinct doctors or services of a cell looked through for the ones close to a misspelt name


def check_override_status(status: str) -> str:
    if status not in OVERRIDE_STATUSES:
        raise UsageError(Message("error.bad_choice", option="--status", value=status,
                                 choices=", ".join(OVERRIDE_STATUSES)))
    return status


def names_someone(scope: str, value: str) -> bool:
    """Whether an exception's value names a doctor, a service or a patient (a title alone, "Dr", names nobody)."""
    words = match_words(scope, value)
    return bool(words) and not (scope == "doctor" and set(words) <= TITLES)


def _check_scope(scope: str, value: str, appointment_id: int | None) -> tuple[str, ...]:
    if scope not in SCOPES:
        raise UsageError(f"override scope {scope!r}: expected one of {', '.join(SCOPES)}")
    words = match_words(scope, value)
    if appointment_id is None and not names_someone(scope, value):
        raise UsageError(Message("error.name_needed", option=scope))
    return words


@dataclass(frozen=True)
class OverrideTarget:
    """An exception or patient decision as its audit entry names it (`_describe`), read back."""

    action: str  # the entry's: override (made) or override_remove (lifted)
    scope: str  # doctor, service, ... or patient
    value: str  # the words, or "appointment <id>" for a patient decision
    site: str | None  # None: every site
    activity: str


def read_target(action: str, target: str) -> OverrideTarget:
    """The audit target `_describe` wrote ("scope:value@site/activity/days"), read back."""
    scope, _, rest = target.partition(":")
    value, _, place = rest.rpartition("@")
    site, _, rest = place.partition("/")
    return OverrideTarget(action, scope, value, None if site == "all" else site, rest.partition("/")[0])


def _describe(override: Override) -> str:
    what = f"appointment {override.appointment_id}" if override.appointment_id is not None else override.value
    days = override.day_from.isoformat() + ("" if override.day_to == override.day_from else f"..{override.day_to}")
    return f"{override.scope}:{what}@{override.site or 'all'}/{override.activity}/{days}"


def _state(override: Override) -> str:
    return json.dumps({"id": override.id, "status": override.status, "note": override.note,
                       "decided_by": override.decided_by}, ensure_ascii=False)


def _remove(session: Session, meeting: Meeting, override: Override, group: str, actor: str, reason: str = "") -> None:
    override.removed_at = utcnow()
    session.add(override)
    audit.record(session, action="override_remove", target=_describe(override), old=_state(override), reason=reason,
                 actor=actor, meeting_id=meeting.id, group=group)


def add_override(
    session: Session,
    meeting: Meeting,
    *,
    scope: str,
    value: str,
    activity: str,
    site: str | None,
    day_from: date,
    day_to: date,
    status: str,
    note: str = "",
    decided_by: str = "",
    appointment_id: int | None = None,
) -> Override:
    """Record an exception (doctor, service) or a patient decision in the meeting; `site` None is every site.
    `decided_by` defaults to the meeting's chair."""
    ensure_unlocked(meeting)
    check_override_status(status)
    words = _check_scope(scope, value, appointment_id)
    if day_to < day_from:
        raise UsageError(Message("error.reversed_dates", day_to=day_to, day_from=day_from))
    decided_by = decided_by.strip() or meeting.chair
    same = select(Override).where(
        Override.removed_at.is_(None), Override.scope == scope, Override.activity == activity,
        Override.day_from == day_from, Override.day_to == day_to,
        Override.site.is_(None) if site is None else Override.site == site,
    )
    same = same.where(Override.appointment_id == appointment_id if appointment_id is not None
                      else Override.appointment_id.is_(None) & (Override.match_key == " ".join(words)))
    group = audit.new_group()
    for old in session.exec(same):
        _remove(session, meeting, old, group, decided_by)
    override = Override(
        meeting_id=meeting.id, scope=scope, site=site, activity=activity, day_from=day_from, day_to=day_to,
        value=value.strip(), match_key=" ".join(words), appointment_id=appointment_id, status=status,
        note=note.strip(), decided_by=decided_by,
    )
    session.add(override)
    session.flush()
    audit.record(session, action="override", target=_describe(override), new=_state(override), reason=override.note,
                 actor=decided_by, meeting_id=meeting.id, group=group)
    return override


def remove_override(session: Session, meeting: Meeting, override_id: int, *, reason: str = "",
                    actor: str | None = None) -> Override:
    """Lift an exception or a patient decision (it stays in the database, marked removed)."""
    ensure_unlocked(meeting)
    override = session.get(Override, override_id)
    if override is None or override.removed_at is not None:
        raise UsageError(Message("error.no_such_override", id=override_id))
    _remove(session, meeting, override, audit.new_group(), meeting.chair if actor is None else actor, reason)
    session.flush()
    return override


def untraced_overrides(session: Session) -> list[Message]:
    """Every exception and patient decision against the last audit entry naming it (by id): its words, site,
    activity, days, status, note, author and whether it is lifted. One problem per row changed, added or removed
    behind the application's back, under the meeting that made it."""
    last: dict[int, tuple[AuditEntry, dict]] = {}
    made_in: dict[int, int] = {}
    query = select(AuditEntry).where(AuditEntry.action.in_(("override", "override_remove")))
    for entry in session.exec(query.order_by(AuditEntry.id)):
        state = audit.value(entry.new if entry.action == "override" else entry.old)
        if isinstance(state.get("id"), int):
            last[state["id"]] = (entry, state)
            if entry.action == "override":
                made_in[state["id"]] = entry.meeting_id
    rows = {o.id: o for o in session.exec(select(Override))}
    problems = []
    for override_id in sorted(set(last) | set(rows)):
        row = rows.get(override_id)
        entry, state = last.get(override_id, (None, None))
        if entry is None:
            change = "added"
        elif row is None:
            change = "removed"
        elif (json.loads(_state(row)) != state or _describe(row) != entry.target
              or (row.removed_at is None) != (entry.action == "override")):
            change = "altered"
        else:
            continue
        meeting_id = row.meeting_id if row is not None else made_in.get(override_id, entry.meeting_id)
        target = _describe(row) if row is not None else entry.target
        problems.append(audit.untraced(change, meeting_id, "override", str(override_id), f"{override_id} ({target})"))
    return problems


def list_overrides(session: Session, day_from: date | None = None, day_to: date | None = None, *,
                   scopes: Iterable[str] | None = None, activity: str | None = None,
                   pins: bool = True, as_of: int | None = None) -> list[Override]:
    """The active overrides touching the range (every one when no range), oldest first; `pins=False` leaves out
    the patient decisions naming an appointment. `as_of` (a meeting id): those in force as of that meeting
    (`effective.as_of_meeting`: a later meeting's are left out, one it lifted still counts)."""
    if as_of is None:
        query = select(Override).where(Override.removed_at.is_(None))
    else:
        query = select(Override).where(Override.meeting_id <= as_of)
    if not pins:
        query = query.where((Override.scope != "patient") | Override.appointment_id.is_(None))
    if day_to is not None:
        query = query.where(Override.day_from <= day_to)
    if day_from is not None:
        query = query.where(Override.day_to >= day_from)
    if scopes is not None:
        query = query.where(Override.scope.in_(list(scopes)))
    if activity is not None:
        query = query.where(Override.activity == activity)
    found = session.exec(query.order_by(Override.id))
    return list(found) if as_of is None else as_of_meeting(session, found, as_of)[0]


def remove_matching(session: Session, meeting: Meeting, *, scope: str, value: str, activity: str, site: str | None,
                    day_from: date, day_to: date, status: str | None = None, actor: str | None = None) -> list[Override]:
    """Lift the active exceptions of that scope, words, site and activity lying within the days (one audit group).
    One that also runs outside the days is refused: lift it with its own days."""
    ensure_unlocked(meeting)
    words = _check_scope(scope, value, None)
    found = [o for o in list_overrides(session, day_from, day_to, scopes=[scope], activity=activity)
             if o.appointment_id is None and o.match_key == " ".join(words) and o.site == site
             and (status is None or o.status == status)]
    if not found:
        raise UsageError(Message("error.nothing_to_remove", scope=scope, value=value, activity=activity,
                                 site=site or Message("error.all_sites"), day_from=day_from, day_to=day_to))
    wider = [o for o in found if o.day_from < day_from or o.day_to > day_to]
    if wider:
        o = wider[0]
        raise UsageError(Message("error.wider_exception", value=value, day_from=o.day_from, day_to=o.day_to))
    group = audit.new_group()
    for override in found:
        _remove(session, meeting, override, group, meeting.chair if actor is None else actor)
    session.flush()
    return found


def _chunks(ids: list[int]) -> Iterable[list[int]]:
    for start in range(0, len(ids), CHUNK):
        yield ids[start:start + CHUNK]


def _pins_of(session: Session, appointment_ids: list[int]) -> dict[int, list[Override]]:
    pins: dict[int, list[Override]] = {}
    for chunk in _chunks(appointment_ids):
        query = select(Override).where(Override.removed_at.is_(None), Override.scope == "patient",
                                       Override.appointment_id.in_(chunk))
        for override in session.exec(query.order_by(Override.id)):
            pins.setdefault(override.appointment_id, []).append(override)
    return pins


def _appointments(session: Session, appointment_ids: list[int]) -> list[Appointment]:
    rows: list[Appointment] = []
    for chunk in _chunks(appointment_ids):
        rows += session.exec(select(Appointment).where(Appointment.id.in_(chunk))).all()
    missing = set(appointment_ids) - {a.id for a in rows}
    if missing:
        raise UsageError(Message("error.no_such_appointment", id=min(missing)))
    return sorted(rows, key=lambda a: (a.start, a.id))


def decide_patients(session: Session, meeting: Meeting, appointment_ids: Iterable[int], status: str, note: str = "",
                    decided_by: str = "") -> list[Override]:
    """One patient decision per appointment (scope patient, naming it), audit entries in one group.
    An appointment whose active decision already says the same is left as it is. Returns the decisions written."""
    ensure_unlocked(meeting)
    check_override_status(status)
    ids = list(dict.fromkeys(appointment_ids))
    decided_by = decided_by.strip() or meeting.chair
    note = note.strip()
    pins = _pins_of(session, ids)
    group = audit.new_group()
    written = []
    for appointment in _appointments(session, ids):
        current = pins.get(appointment.id, [])
        if current and (current[-1].status, current[-1].note, current[-1].decided_by) == (status, note, decided_by):
            continue
        for old in current:
            _remove(session, meeting, old, group, decided_by)
        override = Override(
            meeting_id=meeting.id, scope="patient", site=appointment.site, activity=appointment.activity,
            day_from=appointment.day, day_to=appointment.day, value=f"{appointment.last_name} {appointment.first_name}",
            match_key=appointment.patient_key, appointment_id=appointment.id, status=status, note=note,
            decided_by=decided_by,
        )
        session.add(override)
        session.flush()
        audit.record(session, action="override", target=_describe(override), new=_state(override), reason=note,
                     actor=decided_by, meeting_id=meeting.id, group=group)
        written.append(override)
    return written


def lift_patients(session: Session, meeting: Meeting, appointment_ids: Iterable[int], *,
                  actor: str | None = None) -> list[Override]:
    """Remove the patient decisions of these appointments (back to the exception or the cell), one audit group."""
    ensure_unlocked(meeting)
    group = audit.new_group()
    lifted = []
    for overrides in _pins_of(session, list(dict.fromkeys(appointment_ids))).values():
        for override in overrides:
            _remove(session, meeting, override, group, meeting.chair if actor is None else actor)
            lifted.append(override)
    session.flush()
    return lifted


def _in_cell(activity: str, site: str | None, day_from: date, day_to: date) -> list:
    conditions = [Appointment.activity == activity, Appointment.day >= day_from, Appointment.day <= day_to]
    return conditions + ([Appointment.site == site] if site is not None else [])


def covered_count(session: Session, override: Override) -> int:
    """How many appointments the override covers now (every appointment of its days)."""
    return session.exec(select(func.count()).select_from(Appointment).where(override_condition(override))).one()


def matching_names(session: Session, scope: str, value: str, activity: str, site: str | None, day_from: date,
                   day_to: date, limit: int = 20) -> list[tuple[str, int]]:
    """The distinct doctors, services or patients the words would cover, with their appointment counts."""
    field = {"doctor": Appointment.doctor, "service": Appointment.service,
             "patient": Appointment.last_name + " " + Appointment.first_name}[scope]
    column = {"doctor": Appointment.doctor_key, "service": Appointment.service_key,
              "patient": Appointment.patient_key}[scope]
    query = (select(func.min(field), func.count()).where(*_in_cell(activity, site, day_from, day_to),
                                                          has_words(column, match_words(scope, value)))
             .group_by(column).order_by(func.count().desc()).limit(limit))
    return [(name, n) for name, n in session.exec(query)]


def counted_names(names: Sequence[tuple[str, int]]) -> str:
    """"Dr Lambert (12), Dr Martin (3)" for names and their appointments, as refusals and previews list them; "-"
    for none."""
    return ", ".join(f"{name} ({n})" for name, n in names) or "-"


def names_nobody(session: Session, scope: str, value: str, activity: str, site: str | None, day_from: date,
                 day_to: date) -> tuple[int, list[str]] | None:
    """When an exception's words match none of the cell's appointments while it has some: how many it has and the
    names closest to the words (a misspelt doctor would change nothing while the cell believes his patients are
    kept: the CLI and the form refuse it). None otherwise; a cell whose export is not imported yet may take it."""
    field = {"doctor": Appointment.doctor, "service": Appointment.service}[scope]
    in_cell = _in_cell(activity, site, day_from, day_to)
    total = session.exec(select(func.count()).select_from(Appointment).where(*in_cell)).one()
    if not total or matching_names(session, scope, value, activity, site, day_from, day_to, limit=1):
        return None
    names = {key(name): name for name in session.exec(select(field).where(*in_cell).distinct().limit(CLOSE_NAMES))}
    close = difflib.get_close_matches(" ".join(match_words(scope, value)), list(names), n=3, cutoff=0.5)
    return total, [names[k] for k in close]


def names_several(session: Session, scope: str, value: str, activity: str, site: str | None, day_from: date,
                  day_to: date) -> list[tuple[str, int]]:
    """The names (and their appointments) when an exception's words name several doctors (or services) of the
    cell, else []: "Martin" for Dr Jean Martin, Dr Martin Paul and Dr Saint-Martin would keep the patients of all
    three, and those the other two do not call would never be told (the CLI and the form refuse it unless told to
    take them all). One name written in several ways ("Dr Lambert", "Lambert Paul") is one: the words of each are
    among the longest's."""
    column = {"doctor": Appointment.doctor_key, "service": Appointment.service_key}[scope]
    keys = session.exec(select(column).where(*_in_cell(activity, site, day_from, day_to),
                                             has_words(column, match_words(scope, value))).distinct()
                        .limit(CLOSE_NAMES)).all()
    names = [set(match_words(scope, found or "")) for found in keys]
    longest = max(names, key=len, default=set())
    if all(name <= longest for name in names):
        return []
    return matching_names(session, scope, value, activity, site, day_from, day_to)


def resolve_patient(session: Session, text: str, activity: str, site: str | None, day_from: date,
                    day_to: date) -> list[Appointment]:
    """The appointments in the scope of the one patient the text names (every word of it in his name; a text
    equal to one full name picks that one). Two patients with the same name and other birth dates are two."""
    words = tokens(text)
    if not words:
        raise UsageError(Message("error.patient_needed"))
    where = [*_in_cell(activity, site, day_from, day_to), has_words(Appointment.patient_key, words)]
    found: dict[str, set] = {}
    for patient_key, born in session.exec(select(Appointment.patient_key, Appointment.birth_date).where(*where).distinct()):
        found.setdefault(patient_key, set()).update([born] if born else [])
    if key(text) in found:
        found = {key(text): found[key(text)]}
    patients = sum(max(1, len(births)) for births in found.values())
    scope = {"text": text, "activity": activity, "site": site or Message("error.every_site"), "day_from": day_from,
             "day_to": day_to}
    if patients == 0:
        raise UsageError(Message("error.no_patient", **scope))
    if patients > 1:
        raise UsageError(Message("error.many_patients", n=patients, **scope))
    chosen = next(iter(found))
    query = select(Appointment).where(*_in_cell(activity, site, day_from, day_to), Appointment.patient_key == chosen)
    return list(session.exec(query.order_by(Appointment.start, Appointment.id)))


@dataclass(frozen=True)
class ReviewRow:
    """What the call needs, no more: name, time, doctor, service, phone kind; and the decision in force."""

    appointment_id: int
    start: datetime
    site: str
    patient: str
    doctor: str
    service: str
    phone_kind: str
    status: str  # effective: maintained, cancelled, stopped, pending
    source: str  # cell, service, doctor, patient
    decided_by: str
    note: str
    override_id: int | None


@dataclass(frozen=True)
class ReviewPage:
    rows: list[ReviewRow]
    total: int  # rows matching the search (and status filter)
    pending_left: int  # pending appointments of the whole cell, search aside
    offset: int = 0
    limit: int = 100


def review_page(session: Session, reference: Reference, site: str | None, activity: str, day_from: date,
                day_to: date, *, search: str = "", offset: int = 0, limit: int = 100,
                status: str | None = None) -> ReviewPage:
    """One page of a cell's appointments (`site` None: every site) in time order, each with its effective status,
    paged, searched (words in patient, doctor or service) and counted in SQL; `status` keeps one effective status."""
    if activity not in {a.code for a in reference.activities}:
        raise UsageError(Message("error.unknown_code", what="activity", value=activity))
    if site is not None and site not in {s.code for s in reference.sites}:
        raise UsageError(Message("error.unknown_code", what="site", value=site))
    in_cell = _in_cell(activity, site, day_from, day_to)
    pin = aliased(Override)
    others = [o for o in list_overrides(session, day_from, day_to, activity=activity, pins=False)
              if site is None or o.site in (None, site)]
    cells = {k: d.status for k, d in cell_decisions(session, day_from, day_to).items()
             if k[1] == activity and (site is None or k[0] == site)}
    winner, effective = effective_sql(others, cells, pin.id, pin.status)

    pinned = pin_condition(pin)

    def joined(query):
        return query.outerjoin(pin, pinned)

    searched = list(in_cell)
    for word in tokens(search):
        searched.append(Appointment.patient_key.contains(word) | Appointment.doctor_key.contains(word)
                        | Appointment.service_key.contains(word))
    counted = select(func.count()).select_from(Appointment)
    pending_left = session.exec(joined(counted).where(*in_cell, effective == "pending")).one()
    ids = select(Appointment.id)
    if status is not None:
        searched.append(effective == status)
        counted, ids = joined(counted), joined(ids)
    total = session.exec(counted.where(*searched)).one()
    order = (Appointment.day, Appointment.start, Appointment.id)  # the (site, activity, day) index gives the day
    ids = ids.where(*searched).order_by(*order).offset(max(0, offset)).limit(limit)
    page = joined(select(Appointment.id, Appointment.start, Appointment.site, Appointment.last_name,
                         Appointment.first_name, Appointment.doctor, Appointment.service, Appointment.phone_kind,
                         winner, effective))
    page = page.where(Appointment.id.in_(ids)).order_by(*order)
    results = session.exec(page).all()
    winners = {o.id: o for o in session.exec(select(Override).where(
        Override.id.in_([r[8] for r in results if r[8] is not None])))}
    rows = []
    for (aid, start, at_site, last, first, doctor, service, phone_kind, won, state) in results:
        override = winners.get(won)
        rows.append(ReviewRow(aid, start, at_site, f"{last} {first}".strip(), doctor, service, phone_kind, state,
                              override.scope if override else "cell", override.decided_by if override else "",
                              override.note if override else "", won))
    return ReviewPage(rows, total, pending_left, max(0, offset), limit)
