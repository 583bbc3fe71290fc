"""The IT restart board: the systems list, their statuses, the restart order, progress, and which activities can resume.

Every change goes through the audit log (`it.load`, `it.status`, `it.note`, `it.eta`), from which `it_snapshot`
rebuilds the situation at any past time for the minutes. Statuses: down, restoring, restored, verified (the Irish
HSE colours red, amber, green, blue).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from sqlmodel import Session, delete, select

from crisis_tui.core.audit import new_group, record
from crisis_tui.core.errors import UsageError
from crisis_tui.core.it.listfile import read_list
from crisis_tui.core.it.order import restart_sequence
from crisis_tui.core.it.vocab import COLOURS, STATUSES, TIERS, UP, parse_status, status_names
from crisis_tui.core.models import Activity, AuditEntry, ITSystem, Site, utcnow
from crisis_tui.core.reference import Matcher, Reference
from crisis_tui.core.text import key
from crisis_tui.i18n import Message

_PARENTHESISED = re.compile(r"\([^()]*\)")
_FIELDS = {"it.status": "status", "it.note": "notes", "it.eta": "eta"}
ACTIONS = ("it.load", *_FIELDS)
READINESS = ("can_resume", "restoring", "systems_down")


@dataclass(frozen=True)
class OrderItem:
    """One system in restart order. `ready`: everything it depends on is restored or verified, and so is everything
    those depend on (a directory marked restored while the DNS under it is down readies nothing)."""

    position: int
    name: str
    tier: int
    status: str
    ready: bool
    depends_on: tuple[str, ...]
    owner: str = ""
    eta: date | None = None
    notes: str = ""
    activities: tuple[str, ...] = ()

    @property
    def colour(self) -> str:
        """The HSE colour: red, amber, green, blue."""
        return COLOURS[self.status]

    @property
    def can_start(self) -> bool:
        """Next to start: still down, and everything it depends on is back."""
        return self.ready and self.status == "down"

    def as_dict(self) -> dict:
        return {
            "position": self.position, "name": self.name, "tier": self.tier, "status": self.status,
            "colour": self.colour, "ready": self.ready, "next": self.can_start, "depends_on": list(self.depends_on),
            "owner": self.owner, "eta": self.eta, "notes": self.notes, "activities": list(self.activities),
        }


def _parts(stored: str) -> tuple[str, ...]:
    return tuple(part for part in stored.split(";") if part)


def _state(system: ITSystem) -> dict:
    """A system as JSON-able data: what the audit log keeps and the snapshot rebuilds."""
    return {
        "name": system.name, "tier": system.tier, "status": system.status, "owner": system.owner,
        "depends_on": list(_parts(system.depends_on)), "activities": list(_parts(system.activities)),
        "eta": system.eta.isoformat() if system.eta else None, "notes": system.notes,
    }


def _systems(session: Session) -> list[ITSystem]:
    return list(session.exec(select(ITSystem).order_by(ITSystem.id)))


def _matchers(session: Session, reference: Reference | None) -> tuple[Matcher, Matcher]:
    if reference is not None:
        return reference.activity_matcher, reference.site_matcher
    activities = {a.code: (a.code, a.label_fr, a.label_en) for a in session.exec(select(Activity))}
    sites = {s.code: (s.code, s.name) for s in session.exec(select(Site))}
    return Matcher(activities), Matcher(sites)


def load_systems(
    session: Session,
    path: str | Path,
    actor: str = "",
    *,
    reference: Reference | None = None,
    meeting_id: int | None = None,
) -> int:
    """Replace the whole list with the file's (xlsx or csv); returns how many systems it holds.

    Activities are matched against `reference` (its aliases), else against the codes and names in the database.
    A bad file raises UsageError (one line naming the file and row, or the systems of a cycle) and changes nothing.
    """
    path = Path(path)
    specs = read_list(path, *_matchers(session, reference))
    old = [_state(s) for s in _systems(session)]
    session.exec(delete(ITSystem))
    now = utcnow()
    rows = [
        ITSystem(
            name=spec.name, tier=spec.tier, owner=spec.owner, depends_on=";".join(spec.depends_on),
            status=spec.status, eta=spec.eta, notes=spec.notes, activities=";".join(spec.activities), updated_at=now,
        )
        for spec in specs
    ]
    session.add_all(rows)
    session.flush()
    record(
        session, action="it.load", target=path.name, old=_dumps(old), new=_dumps([_state(r) for r in rows]),
        reason=f"{len(rows)} systems", actor=actor, meeting_id=meeting_id,
    )
    return len(rows)


def _dumps(states: list[dict]) -> str:
    return json.dumps(states, ensure_ascii=False, sort_keys=True)


def find_system(session: Session, name: str) -> ITSystem:
    """The system named `name` (case and accents ignored), else the one whose name is `name` once its parenthesised
    parts are left out ("RIS" for "RIS (radiologie)"); UsageError when there is none, or several of the latter."""
    wanted = key(name)
    systems = _systems(session)
    found = [s for s in systems if key(s.name) == wanted] or [
        s for s in systems if key(_PARENTHESISED.sub(" ", s.name)) == wanted
    ]
    if len(found) > 1:
        raise UsageError(Message("it.error.ambiguous_system", name=name, names=", ".join(s.name for s in found)))
    if not found:
        known = ", ".join(s.name for s in systems) or Message("error.no_system_yet")
        raise UsageError(Message("error.unknown_system", name=name, known=known))
    return found[0]


def set_status(
    session: Session,
    name: str,
    status: str,
    note: str | None = None,
    actor: str = "",
    meeting_id: int | None = None,
) -> ITSystem:
    """Set a system's status (any accepted FR/EN word or colour) and, when given, replace its note.

    Each change writes an audit entry old -> new (the note is the status entry's reason); nothing changes, nothing
    is written when the values are the same. UsageError for an unknown system or status.
    """
    code = parse_status(status)
    if code is None:
        raise UsageError(Message("error.bad_choice", option="--status", value=status, choices=status_names()))
    system = find_system(session, name)
    group = new_group()
    if code != system.status:
        record(session, action="it.status", target=system.name, old=system.status, new=code, reason=note or "",
               actor=actor, meeting_id=meeting_id, group=group)
        system.status = code
        system.updated_at = utcnow()
    if note is not None:
        _set_note(session, system, note, actor, meeting_id, group)
    session.add(system)
    session.flush()
    return system


def _set_note(session: Session, system: ITSystem, note: str, actor: str, meeting_id: int | None, group: str) -> None:
    note = note.strip()
    if note != system.notes:
        record(session, action="it.note", target=system.name, old=system.notes, new=note, actor=actor,
               meeting_id=meeting_id, group=group)
        system.notes = note
        system.updated_at = utcnow()


def set_note(session: Session, name: str, note: str, actor: str = "", meeting_id: int | None = None) -> ITSystem:
    """Replace a system's note (audited when it changes)."""
    system = find_system(session, name)
    _set_note(session, system, note, actor, meeting_id, new_group())
    session.add(system)
    session.flush()
    return system


def set_eta(
    session: Session, name: str, eta: date | None, actor: str = "", meeting_id: int | None = None
) -> ITSystem:
    """Set (or clear, with None) the date a system is expected back (audited when it changes)."""
    system = find_system(session, name)
    if eta != system.eta:
        record(session, action="it.eta", target=system.name, old=_iso(system.eta), new=_iso(eta), actor=actor,
               meeting_id=meeting_id)
        system.eta = eta
        system.updated_at = utcnow()
        session.add(system)
        session.flush()
    return system


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def _order_items(states: list[dict]) -> list[OrderItem]:
    by_name = {s["name"]: s for s in states}
    deps = {name: tuple(d for d in s["depends_on"] if d in by_name) for name, s in by_name.items()}
    sequence = restart_sequence({name: (s["tier"], deps[name]) for name, s in by_name.items()})
    working = working_status(states)
    items = []
    for position, name in enumerate(sequence, start=1):
        state = by_name[name]
        items.append(OrderItem(
            position=position, name=name, tier=state["tier"], status=state["status"],
            ready=all(working[d] in UP for d in deps[name]), depends_on=deps[name], owner=state["owner"],
            eta=date.fromisoformat(state["eta"]) if state["eta"] else None, notes=state["notes"],
            activities=tuple(state["activities"]),
        ))
    return items


def restart_order(session: Session) -> list[OrderItem]:
    """Every system in restart order (see `crisis_tui.core.it.order.restart_sequence`: dependencies always come
    first, even from a lower tier; then the most urgent tier; then the name). CycleError if the stored list has one."""
    return _order_items([_state(s) for s in _systems(session)])


def _needs(activities: tuple[str, ...] | list[str], sites: list[str]) -> set[tuple[str, str]]:
    """(site, activity) pairs a system's activity list names; `CODE` alone means every site."""
    pairs = set()
    for need in activities:
        activity, _, site = need.partition("@")
        pairs.update((s, activity) for s in ([site] if site else sites))
    return pairs


def progress(session: Session) -> dict:
    """Counts of systems: `total`, `statuses` {status: n}, `tiers` {1..4: {status: n, "total": n}} and
    `sites` {site code: {status: n, "total": n}}, a system counting for the sites its activities name (every site
    when it names an activity without @SITE, or none at all: shared infrastructure)."""
    systems = _systems(session)
    sites = [s.code for s in session.exec(select(Site).order_by(Site.order, Site.code))]

    def empty() -> dict:
        return {**dict.fromkeys(STATUSES, 0), "total": 0}

    tiers = {tier: empty() for tier in TIERS}
    per_site = {site: empty() for site in sites}
    for system in systems:
        parts = _parts(system.activities)
        applies = {site for site, _ in _needs(parts, sites)} if parts else set(sites)
        for bucket in (tiers.setdefault(system.tier, empty()), *(per_site[s] for s in sites if s in applies)):
            bucket[system.status] += 1
            bucket["total"] += 1
    statuses = {status: sum(1 for s in systems if s.status == status) for status in STATUSES}
    return {"total": len(systems), "statuses": statuses, "tiers": tiers, "sites": per_site}


def working_status(states: Iterable[dict]) -> dict[str, str]:
    """Each system's status (`_state`s) as far as its users can tell: a system restored or verified works only when
    what it depends on does, all the way down; else it counts as down when something under it is down, restoring
    otherwise."""
    by_name = {state["name"]: state for state in states}
    found: dict[str, str] = {}

    def status(name: str, seen: frozenset[str]) -> str:
        if name not in found:
            state = by_name[name]
            under = [status(d, seen | {name}) for d in state["depends_on"] if d in by_name and d not in seen]
            found[name] = state["status"] if state["status"] not in UP or all(s in UP for s in under) else (
                "down" if "down" in under else "restoring")
        return found[name]

    return {name: status(name, frozenset()) for name in by_name}


def waiting_on(session: Session, system: ITSystem) -> list[str]:
    """The systems `system` depends on that do not work yet (`working_status`), for a warning when it is marked
    restored before them."""
    working = working_status(map(_state, _systems(session)))
    return [name for name in _parts(system.depends_on) if working.get(name, "restored") not in UP]


def activity_readiness(session: Session, reference: Reference) -> dict[tuple[str, str], str]:
    """For each (site code, activity code) that needs at least one system: `can_resume` when every system it needs
    works (`working_status`: restored or verified, and so is everything it depends on), `systems_down` when one
    is down or waits on one that is, `restoring` otherwise. An activity named without @SITE needs the system on
    every site."""
    sites = [s.code for s in reference.sites]
    systems = _systems(session)
    working = working_status(map(_state, systems))
    needed: dict[tuple[str, str], list[str]] = {}
    for system in systems:
        for pair in _needs(_parts(system.activities), sites):
            needed.setdefault(pair, []).append(working[system.name])
    return {pair: _readiness(statuses) for pair, statuses in needed.items()}


def _readiness(statuses: list[str]) -> str:
    if all(s in UP for s in statuses):
        return "can_resume"
    return "systems_down" if "down" in statuses else "restoring"


def readiness_flag(
    readiness: dict[tuple[str, str], str], site: str, activity: str, decisions: Iterable[str | None]
) -> str | None:
    """What the board shows on a cell given `activity_readiness` and the cell's decision status on each day of its
    range: `can_resume` when its systems are all back and it is not maintained yet on some day, `systems_down` (a
    warning, never a block) when the cell maintains it on any day while a system it needs is down, else None."""
    state = readiness.get((site, activity))
    maintained = [decision == "maintained" for decision in decisions]
    if state == "can_resume" and not all(maintained):
        return "can_resume"
    if state == "systems_down" and any(maintained):
        return "systems_down"
    return None


def it_snapshot(session: Session, at: datetime | None = None) -> list[dict]:
    """The systems as they stood at `at` (now when None), in restart order, rebuilt from the audit log: one dict each
    with name, tier, status, colour, eta (date or None), notes, owner, depends_on, ready, next, activities, position.
    `at` is UTC like every stamp in the database (an aware datetime is converted); before any list was loaded: []."""
    if at is None:
        return [item.as_dict() for item in restart_order(session)]
    if at.tzinfo is not None:
        at = at.astimezone(timezone.utc).replace(tzinfo=None)
    entries = session.exec(
        select(AuditEntry).where(AuditEntry.action.in_(ACTIONS), AuditEntry.at <= at).order_by(AuditEntry.id)
    )
    states: dict[str, dict] = {}
    for entry in entries:
        if entry.action == "it.load":
            states = {s["name"]: s for s in json.loads(entry.new)}
        elif entry.target in states:
            field = _FIELDS[entry.action]
            states[entry.target][field] = (entry.new or None) if field == "eta" else entry.new
    return [item.as_dict() for item in _order_items(list(states.values()))]
