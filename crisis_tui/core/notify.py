"""Who is told, and how. The one rule every list, count and document follows.

- Cancelled or stopped: the activity's channel: `sms` with a mobile, else a `call` with a landline, else
  `unreachable`; a `call` activity (surgery) is called on any number.
- Case by case: every patient is called with his own decision (pending ones flagged and counted as pending).
- A doctor keeping appointments under a cancelled or stopped cell calls his patients himself (`doctor_call`),
  whatever their numbers; they are never in the SMS batch.
- Maintained: nobody is told, unless the patient was told otherwise before: cancelled, stopped, or a decision
  pending (which may have told him to stay home unless called); he is then told again, as a change, and by
  phone until a call reaches him (`last_told_query`).
Every appointment that must be told gets exactly one channel.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Iterator

from sqlalchemy import and_, case, exists, func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from crisis_tui.core.decisions import UNDECIDED, CellDecision, cell_decisions
from crisis_tui.core.effective import Effective, active_overrides, effective_status, overrides_query_any
from crisis_tui.core.models import Appointment, CallOutcome, Notification

CHANNELS = ("sms", "call", "doctor_call", "unreachable")
TOLD_ABSENT = ("cancelled", "stopped")
TOLD_UNSETTLED = (*TOLD_ABSENT, "pending")  # told something a maintained appointment must correct
UNHEARD_CHANNELS = ("call", "unreachable")  # a correction sent this way is heard once a call reaches the patient


@dataclass(frozen=True)
class Verdict:
    status: str  # effective status: maintained, cancelled, stopped, pending
    source: str  # cell, service, doctor, patient
    channel: str | None  # sms, call, doctor_call, unreachable; None when nobody is told
    change: bool = False  # told before, now told otherwise

    @property
    def pending(self) -> bool:
        return self.status == "pending"


def _by_channel(activity_channel: str, phone_kind: str) -> str:
    if activity_channel == "sms" and phone_kind == "mobile":
        return "sms"
    return _by_call(phone_kind)


def _by_call(phone_kind: str) -> str:
    return "call" if phone_kind in ("mobile", "landline") else "unreachable"


def verdict(cell_status: str, effective: Effective, activity_channel: str, phone_kind: str,
            last_told: str | None = None) -> Verdict:
    status, source = effective.status, effective.source
    if status == "maintained":
        if source == "doctor" and cell_status in TOLD_ABSENT:
            return Verdict(status, source, "doctor_call", last_told in TOLD_ABSENT)
        if cell_status == "case_by_case" or (source == "patient" and cell_status in TOLD_ABSENT):
            # a patient kept under a cancelled cell is phoned (BRIEF: a patient-level decision is), as in case by case
            return Verdict(status, source, _by_call(phone_kind), last_told in TOLD_ABSENT)
        if last_told in TOLD_UNSETTLED:
            return Verdict(status, source, _by_channel(activity_channel, phone_kind), True)
        return Verdict(status, source, None)
    change = last_told == "maintained"
    if status == "pending" or cell_status == "case_by_case":
        return Verdict(status, source, _by_call(phone_kind), change)
    return Verdict(status, source, _by_channel(activity_channel, phone_kind), change)


def last_told_query(day_from: date, day_to: date):
    """(appointment id, what its patient was last told and may still believe) for the appointments of the range
    told before: the told status of the latest notification; but when that one is "maintained" after all and no
    list since the patient was told otherwise got it to him (a call reached him, on any of those lists, a
    reprint too; an SMS or a doctor's own call is taken as told), what he was told before: he is told again
    until a call reaches him."""
    latest = (
        select(func.max(Notification.id).label("id"))
        .join(Appointment, Appointment.id == Notification.appointment_id)
        .where(Appointment.day >= day_from, Appointment.day <= day_to)
        .group_by(Notification.appointment_id)
        .subquery()
    )
    earlier, since = aliased(Notification), aliased(Notification)
    unsettled = (select(earlier.id, earlier.told_status)
                 .where(earlier.appointment_id == Notification.appointment_id, earlier.id < Notification.id,
                        earlier.told_status.in_(TOLD_UNSETTLED))
                 .order_by(earlier.id.desc()).limit(1)
                 .correlate(Notification))  # to the outer row even inside `heard` (auto-correlation stops one level up)
    before_id = unsettled.with_only_columns(earlier.id).scalar_subquery()
    before = unsettled.with_only_columns(earlier.told_status).scalar_subquery()
    reached = exists().where(CallOutcome.notification_id == since.id, CallOutcome.outcome == "reached")
    heard = exists().where(since.appointment_id == Notification.appointment_id, since.id > before_id,
                           since.told_status == "maintained",
                           or_(since.channel.not_in(UNHEARD_CHANNELS), reached))  # any list since, a reprint too
    unheard = and_(Notification.told_status == "maintained", before.is_not(None), ~heard)
    believed = case((unheard, before), else_=Notification.told_status)
    return (select(Notification.appointment_id, believed.label("told_status"))
            .join(latest, latest.c.id == Notification.id))


@dataclass(frozen=True)
class Told:
    appointment: Appointment
    decision: CellDecision
    verdict: Verdict


def told_appointments(
    session: Session,
    channels: dict[str, str],
    day_from: date,
    day_to: date,
    *,
    site: str | None = None,
    activity: str | None = None,
    include_untold: bool = False,
) -> Iterator[Told]:
    """Every appointment of the range with its decision and verdict, in time order (only those who must be told,
    unless `include_untold`). `channels` maps activity code -> its notification channel."""
    decisions = cell_decisions(session, day_from, day_to)
    overrides = active_overrides(session, day_from, day_to)
    last_told = dict(session.exec(last_told_query(day_from, day_to)).all())
    query = select(Appointment).where(Appointment.day >= day_from, Appointment.day <= day_to)
    if site:
        query = query.where(Appointment.site == site)
    if activity:
        query = query.where(Appointment.activity == activity)
    query = query.order_by(Appointment.start, Appointment.site, Appointment.activity, Appointment.id)
    for appointment in session.exec(query.execution_options(yield_per=2000)):
        decision = decisions.get((appointment.site, appointment.activity, appointment.day), UNDECIDED)
        effective = effective_status(decision.status, appointment, overrides)
        result = verdict(decision.status, effective, channels[appointment.activity], appointment.phone_kind,
                         last_told.get(appointment.id))
        if include_untold or result.channel is not None:
            yield Told(appointment, decision, result)


def overridden_appointments(session: Session, day_from: date, day_to: date, *, as_of: int | None = None):
    """The appointments some active override may cover, with the overrides (for the board's exact recount);
    `as_of` (a meeting id): the overrides in force as of that meeting (`effective.as_of_meeting`)."""
    overrides = active_overrides(session, day_from, day_to, as_of=as_of)
    if not overrides:
        return [], overrides
    return list(session.exec(overrides_query_any(overrides, day_from, day_to, as_of=as_of))), overrides
