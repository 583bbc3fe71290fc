"""The effective status of an appointment: the most specific decision wins (patient > doctor > service > cell).

Under case by case an appointment with no patient-level decision is `pending`. Overrides carry over like cell
decisions: the latest one (by id) of a scope that covers an appointment wins within that scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, or_
from sqlmodel import Session, select

from crisis_tui.core.models import Appointment, Override
from crisis_tui.core.text import tokens

SCOPES = ("patient", "doctor", "service")  # most specific first
TITLES = frozenset({"dr", "docteur", "doctor", "dokter", "prof", "professeur", "pr", "professor", "mme", "mr", "m"})
CELL_TO_EFFECTIVE = {"maintained": "maintained", "cancelled": "cancelled", "stopped": "stopped", "case_by_case": "pending"}


def match_words(scope: str, value: str) -> tuple[str, ...]:
    """The words an override's value must find in an appointment's doctor, service or patient name."""
    words = tokens(value)
    if scope == "doctor":
        words = tuple(w for w in words if w not in TITLES) or words
    return words


def covers(override: Override, appointment: Appointment) -> bool:
    if override.removed_at is not None or override.activity != appointment.activity:
        return False
    if override.site is not None and override.site != appointment.site:
        return False
    if not override.day_from <= appointment.day <= override.day_to:
        return False
    if override.appointment_id is not None:
        return override.appointment_id == appointment.id
    text = {"doctor": appointment.doctor, "service": appointment.service,
            "patient": f"{appointment.last_name} {appointment.first_name}"}[override.scope]
    have = set(tokens(text))
    return all(word in have for word in match_words(override.scope, override.value))


@dataclass(frozen=True)
class Effective:
    status: str  # maintained, cancelled, stopped, pending
    source: str  # cell, service, doctor, patient
    override: Override | None = None


def effective_status(cell_status: str, appointment: Appointment, overrides: list[Override]) -> Effective:
    """`overrides` in id order (as `active_overrides` gives them)."""
    for scope in SCOPES:
        winner = None
        for override in overrides:
            if override.scope == scope and covers(override, appointment):
                winner = override
        if winner is not None:
            return Effective(winner.status, scope, winner)
    return Effective(CELL_TO_EFFECTIVE[cell_status], "cell")


def active_overrides(session: Session, day_from: date, day_to: date) -> list[Override]:
    """Overrides not removed that touch the range, oldest first."""
    query = select(Override).where(
        Override.removed_at.is_(None), Override.day_from <= day_to, Override.day_to >= day_from
    )
    return list(session.exec(query.order_by(Override.id)))


def covered_appointments_query(override: Override, day_from: date, day_to: date):
    """A query of the appointments an override may cover in the range (exact check: `covers`)."""
    conditions = [
        Appointment.activity == override.activity,
        Appointment.day >= max(day_from, override.day_from),
        Appointment.day <= min(day_to, override.day_to),
    ]
    if override.site is not None:
        conditions.append(Appointment.site == override.site)
    if override.appointment_id is not None:
        conditions.append(Appointment.id == override.appointment_id)
    else:
        column = {"doctor": Appointment.doctor_key, "service": Appointment.service_key,
                  "patient": Appointment.patient_key}[override.scope]
        conditions += [column.contains(word) for word in match_words(override.scope, override.value)]
    return select(Appointment).where(and_(*conditions))


def overrides_query_any(overrides: list[Override], day_from: date, day_to: date):
    """Every appointment any of the overrides may cover (one query)."""
    clauses = [covered_appointments_query(o, day_from, day_to).whereclause for o in overrides]
    return select(Appointment).where(or_(*clauses))
