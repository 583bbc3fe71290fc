"""The effective status of an appointment: the most specific decision wins (patient > doctor > service > cell).

Under case by case an appointment with no decision below the cell is `pending`. Overrides carry over like cell
decisions: the latest one (by id) of a scope that covers an appointment wins within that scope.

An override names its doctor, service or patient by words: it covers an appointment whose stored key
(`doctor_key`, `service_key`, `patient_key`: the name's `text.key`) holds every one of them as a whole word.
`covers` and `override_condition` (its SQL twin) read the same keys, so Python and SQL always agree.

"As of meeting M" (`as_of`, for the minutes of M): the overrides in force for M, whatever later meetings did
(`as_of_meeting`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, exists, func, literal, or_, true
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from crisis_tui.core import audit
from crisis_tui.core.models import Appointment, AuditEntry, Override
from crisis_tui.core.text import tokens

SCOPES = ("patient", "doctor", "service")  # most specific first
TITLES = frozenset({"dr", "docteur", "doctor", "dokter", "prof", "professeur", "pr", "professor", "mme", "mr", "m"})
CELL_TO_EFFECTIVE = {"maintained": "maintained", "cancelled": "cancelled", "stopped": "stopped", "case_by_case": "pending"}
KEY_FIELDS = {"doctor": "doctor_key", "service": "service_key", "patient": "patient_key"}


def match_words(scope: str, value: str) -> tuple[str, ...]:
    """The words an override's value must find in an appointment's doctor, service or patient key."""
    words = tokens(value)
    if scope == "doctor":
        words = tuple(w for w in words if w not in TITLES) or words
    return words


def covers(override: Override, appointment: Appointment, kept: frozenset[int] = frozenset()) -> bool:
    """`kept`: ids of lifted overrides that still count (lifted by a meeting after the one the count is as of)."""
    if (override.removed_at is not None and override.id not in kept) or override.activity != appointment.activity:
        return False
    if override.site is not None and override.site != appointment.site:
        return False
    if not override.day_from <= appointment.day <= override.day_to:
        return False
    if override.appointment_id is not None:
        return override.appointment_id == appointment.id
    have = set((getattr(appointment, KEY_FIELDS[override.scope]) or "").split())
    return all(word in have for word in match_words(override.scope, override.value))


@dataclass(frozen=True)
class Effective:
    status: str  # maintained, cancelled, stopped, pending
    source: str  # cell, service, doctor, patient
    override: Override | None = None


class ActiveOverrides(list):
    """Overrides in id order, those naming an appointment indexed by it: an appointment is checked against the
    few general ones and its own, not against every patient decision of the range. `kept`: the ids of those lifted
    since that still count (`as_of_meeting`)."""

    def __init__(self, overrides=(), kept: frozenset[int] = frozenset()) -> None:
        super().__init__(overrides)
        self.kept = kept
        self.general: list[Override] = []
        self.naming: dict[int, list[Override]] = {}
        for override in self:
            if override.appointment_id is None:
                self.general.append(override)
            else:
                self.naming.setdefault(override.appointment_id, []).append(override)

    def candidates(self, appointment: Appointment) -> list[Override]:
        own = self.naming.get(appointment.id)
        return sorted(self.general + own, key=lambda o: o.id) if own else self.general


def effective_status(cell_status: str, appointment: Appointment, overrides: list[Override]) -> Effective:
    """`overrides` in id order (as `active_overrides` gives them, indexed)."""
    kept: frozenset[int] = frozenset()
    if isinstance(overrides, ActiveOverrides):
        overrides, kept = overrides.candidates(appointment), overrides.kept
    for scope in SCOPES:
        winner = None
        for override in overrides:
            if override.scope == scope and covers(override, appointment, kept):
                winner = override
        if winner is not None:
            return Effective(winner.status, scope, winner)
    return Effective(CELL_TO_EFFECTIVE[cell_status], "cell")


def _active_in(day_from: date, day_to: date, as_of: int | None = None) -> tuple:
    """The overrides touching the range not lifted; with `as_of` (a meeting id), those made in a meeting up to it,
    lifted or not (`as_of_meeting` then tells which of the lifted ones still count)."""
    during = (Override.day_from <= day_to, Override.day_to >= day_from)
    return (Override.removed_at.is_(None) if as_of is None else Override.meeting_id <= as_of, *during)


def lifted_after(session: Session, meeting_id: int) -> frozenset[int]:
    """The ids of the overrides a meeting after `meeting_id` lifted, as the audit log says (`override_remove`
    entries carry the lifting meeting and the override's id)."""
    query = select(AuditEntry.old).where(AuditEntry.action == "override_remove", AuditEntry.meeting_id > meeting_id)
    ids = (audit.value(old).get("id") for old in session.exec(query))
    return frozenset(i for i in ids if isinstance(i, int))


def as_of_meeting(session: Session, overrides, meeting_id: int) -> tuple[list[Override], frozenset[int]]:
    """The overrides (`overrides`: rows in id order, lifted ones included) that are in force as of meeting M:
    made in M or an earlier meeting, and not lifted, or lifted by a meeting after M (for M they still held).
    One lifted within M or by an earlier meeting does not count, nor one lifted with no audit entry to say by
    which meeting. Meetings are ordered by id (their order of opening), as cell decisions are: an emergency
    meeting opened while the daily one is still open comes after it, whatever the hours of their changes.
    Returns the overrides that count and the ids of the lifted ones among them."""
    later = lifted_after(session, meeting_id)
    counted = [o for o in overrides
               if o.meeting_id <= meeting_id and (o.removed_at is None or o.id in later)]
    return counted, frozenset(o.id for o in counted if o.removed_at is not None)


def active_overrides(session: Session, day_from: date, day_to: date, *, as_of: int | None = None) -> ActiveOverrides:
    """Overrides not removed that touch the range, oldest first; with `as_of` (a meeting id), those in force as of
    that meeting (`as_of_meeting`)."""
    found = session.exec(select(Override).where(*_active_in(day_from, day_to, as_of)).order_by(Override.id))
    return ActiveOverrides(found) if as_of is None else ActiveOverrides(*as_of_meeting(session, found, as_of))


def has_words(column, words: tuple[str, ...]):
    """SQL: the space-separated key `column` holds every word whole (words are `text.tokens`: [0-9a-z] only)."""
    if not words:
        return true()
    padded = literal(" ") + func.coalesce(column, "") + literal(" ")
    return and_(*[padded.like(f"% {word} %") for word in words])


def override_condition(override: Override):
    """SQL twin of `covers` for an active override (exact)."""
    conditions = [
        Appointment.activity == override.activity,
        Appointment.day >= override.day_from,
        Appointment.day <= override.day_to,
    ]
    if override.site is not None:
        conditions.append(Appointment.site == override.site)
    if override.appointment_id is not None:
        conditions.append(Appointment.id == override.appointment_id)
    else:
        column = getattr(Appointment, KEY_FIELDS[override.scope])
        conditions.append(has_words(column, match_words(override.scope, override.value)))
    return and_(*conditions)


def overrides_query_any(overrides: list[Override], day_from: date, day_to: date, *, as_of: int | None = None):
    """Every appointment of the range any of the active overrides (`active_overrides` of the range) may cover,
    in one query: a clause per override naming no appointment, one subquery for those naming one. With `as_of`,
    that subquery takes every patient decision of meetings up to it, lifted or not: a few appointments more,
    which `effective_status` then finds covered by nothing."""
    clauses = [override_condition(o) for o in overrides if o.appointment_id is None]
    if any(o.appointment_id is not None for o in overrides):
        named = select(Override.appointment_id).where(Override.appointment_id.is_not(None),
                                                     *_active_in(day_from, day_to, as_of))
        clauses.append(Appointment.id.in_(named))
    return select(Appointment).where(Appointment.day >= day_from, Appointment.day <= day_to, or_(*clauses))


def pin_condition(pin):
    """Join condition for `pin`, an alias of Override: the latest active patient decision naming the Appointment
    row and covering it (at most one row joins; the NOT EXISTS only runs for the rows that have one)."""
    later = aliased(Override)

    def naming(o):
        return and_(o.appointment_id == Appointment.id, o.removed_at.is_(None), o.scope == "patient",
                    o.activity == Appointment.activity, or_(o.site.is_(None), o.site == Appointment.site),
                    Appointment.day >= o.day_from, Appointment.day <= o.day_to)

    return and_(naming(pin), ~exists().where(naming(later), later.id > pin.id))


def effective_sql(overrides: list[Override], cell_statuses: dict[tuple[str, str, date], str], pin_id, pin_status):
    """SQL twin of `effective_status` over Appointment rows: (winning override id or NULL, effective status).

    `overrides`: the active ones other than the patient decisions naming an appointment, which come as the
    columns `pin_id`, `pin_status` of an Override alias outer-joined on `pin_condition`. `cell_statuses`: (site, activity, day) -> cell status, undecided ones left out.
    """
    whens = []
    for scope in SCOPES:
        for override in sorted((o for o in overrides if o.scope == scope), key=lambda o: o.id, reverse=True):
            condition = override_condition(override)
            if scope == "patient":
                condition = and_(condition, or_(pin_id.is_(None), pin_id < override.id))
            whens.append((condition, literal(override.id), literal(override.status)))
        if scope == "patient":
            whens.append((pin_id.is_not(None), pin_id, pin_status))
    cells = [(and_(Appointment.site == site, Appointment.activity == activity, Appointment.day == day),
              CELL_TO_EFFECTIVE[status]) for (site, activity, day), status in cell_statuses.items()]
    cell_status = case(*cells, else_=CELL_TO_EFFECTIVE["maintained"]) if cells else literal("maintained")
    winner = case(*[(condition, winner) for condition, winner, _ in whens], else_=None)
    status = case(*[(condition, status) for condition, _, status in whens], else_=cell_status)
    return winner, status
