"""The board's figures per site x activity for a day or a range, aggregated in SQL.

Appointments are counted by (site, activity, day, phone kind, what they were last told) in SQL; only those an
override may cover are read one by one. The same `notify.verdict` decides for a group as for one appointment.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field
from datetime import date

from sqlalchemy import func
from sqlmodel import Session, select

from crisis_tui.core.clock import days
from crisis_tui.core.decisions import UNDECIDED, cell_decisions
from crisis_tui.core.effective import CELL_TO_EFFECTIVE, Effective, effective_status
from crisis_tui.core.models import Appointment, Notification
from crisis_tui.core.notify import last_told_query, overridden_appointments, verdict
from crisis_tui.core.reference import Reference

GroupKey = tuple[str, str, date, str, str | None]  # site, activity, day, phone kind, last told
PHONE_CLASS = {"mobile": "mobile", "landline": "landline_only", "invalid": "no_number", "none": "no_number"}
CHANNEL_FIELD = {"sms": "sms", "call": "calls", "doctor_call": "doctor_calls", "unreachable": "unreachable"}


@dataclass
class CellCounts:
    site: str
    activity: str
    status: str  # the status in force; "mixed" when the days of a range differ
    appointments: int = 0
    mobile: int = 0
    landline_only: int = 0
    no_number: int = 0
    sms: int = 0
    calls: int = 0
    doctor_calls: int = 0
    unreachable: int = 0
    pending: int = 0
    statuses: dict[str, str] = field(default_factory=dict)  # day (ISO) -> status, for the range

    def as_json(self) -> dict:
        data = asdict(self)
        data.pop("statuses")
        return data

    def add(self, phone_kind: str, channel: str | None, pending: bool, n: int = 1) -> None:
        self.appointments += n
        setattr(self, PHONE_CLASS[phone_kind], getattr(self, PHONE_CLASS[phone_kind]) + n)
        if channel is not None:
            setattr(self, CHANNEL_FIELD[channel], getattr(self, CHANNEL_FIELD[channel]) + n)
        if pending:
            self.pending += n


def _groups(session: Session, day_from: date, day_to: date) -> Counter:
    """Appointment counts per group key, in SQL."""
    in_range = (Appointment.day >= day_from, Appointment.day <= day_to)
    base = select(Appointment.site, Appointment.activity, Appointment.day, Appointment.phone_kind, func.count())
    groups: Counter = Counter()
    for site, activity, day, kind, n in session.exec(
        base.where(*in_range).group_by(Appointment.site, Appointment.activity, Appointment.day, Appointment.phone_kind)
    ):
        groups[(site, activity, day, kind, None)] += n
    if session.exec(select(Notification.id).limit(1)).first() is None:
        return groups
    told = last_told_query(day_from, day_to).subquery()
    told_query = (
        select(Appointment.site, Appointment.activity, Appointment.day, Appointment.phone_kind, told.c.told_status,
               func.count())
        .join(told, told.c.appointment_id == Appointment.id)
        .group_by(Appointment.site, Appointment.activity, Appointment.day, Appointment.phone_kind, told.c.told_status)
    )
    for site, activity, day, kind, status, n in session.exec(told_query):
        groups[(site, activity, day, kind, None)] -= n
        groups[(site, activity, day, kind, status)] += n
    return groups


def board_counts(session: Session, reference: Reference, day_from: date, day_to: date, *,
                 as_of: int | None = None) -> list[CellCounts]:
    """One CellCounts per site x activity of the reference data, in board order.

    `as_of` (a meeting id; the minutes of that meeting): the cell decisions of that meeting and the earlier ones
    only, and the exceptions and patient decisions in force as of it (`effective.as_of_meeting`); None: every
    meeting's (the board). What each patient was last told is the latest whatever the cut."""
    decisions = cell_decisions(session, day_from, day_to, before_meeting=None if as_of is None else as_of + 1)
    channels = {a.code: a.channel for a in reference.activities}
    cells: dict[tuple[str, str], CellCounts] = {}
    for site in reference.sites:
        for activity in reference.activities:
            statuses = {d.isoformat(): decisions.get((site.code, activity.code, d), UNDECIDED).status
                        for d in days(day_from, day_to)}
            distinct = set(statuses.values())
            status = distinct.pop() if len(distinct) == 1 else "mixed"
            cells[(site.code, activity.code)] = CellCounts(site.code, activity.code, status, statuses=statuses)
    groups = _groups(session, day_from, day_to)
    singles, overrides = overridden_appointments(session, day_from, day_to, as_of=as_of)
    any_told = any(key[4] is not None for key in groups)
    told = dict(session.exec(last_told_query(day_from, day_to)).all()) if singles and any_told else {}
    for appointment in singles:
        cell = cells.get((appointment.site, appointment.activity))
        if cell is None:
            continue
        last = told.get(appointment.id)
        groups[(appointment.site, appointment.activity, appointment.day, appointment.phone_kind, last)] -= 1
        decision = decisions.get((appointment.site, appointment.activity, appointment.day), UNDECIDED)
        effective = effective_status(decision.status, appointment, overrides)
        result = verdict(decision.status, effective, channels[appointment.activity], appointment.phone_kind, last)
        cell.add(appointment.phone_kind, result.channel, result.pending)
    for (site, activity, day, kind, last), n in groups.items():
        cell = cells.get((site, activity))
        if cell is None or n <= 0:
            continue
        status = decisions.get((site, activity, day), UNDECIDED).status
        result = verdict(status, Effective(CELL_TO_EFFECTIVE[status], "cell"), channels[activity], kind, last)
        cell.add(kind, result.channel, result.pending, n)
    return list(cells.values())

