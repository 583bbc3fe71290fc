"""Database tables (SQLModel). Times are naive (stored as plain DateTime on every backend): appointment times are local (Europe/Brussels), stamps are UTC.

Sites and activities are keyed by their reference code, so rows move between databases unchanged.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from typing import Optional

from sqlalchemy import Column, DateTime, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

STATUSES = ("maintained", "cancelled", "case_by_case", "stopped")
UNCONTACTED_RULES = ("cancelled_unless_contacted", "attend_unless_contacted")
PHONE_KINDS = ("mobile", "landline", "invalid", "none")
OVERRIDE_STATUSES = ("maintained", "cancelled", "pending")
OUTCOMES = ("reached", "voicemail", "no_answer", "wrong_number")


def utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


class Site(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=16)
    name: str
    kind: str = Field(max_length=32)  # hospital, rest_home, sampling_centre
    callback_phone: str = ""
    order: int = 0


class Activity(SQLModel, table=True):
    code: str = Field(primary_key=True, max_length=32)
    label_fr: str
    label_en: str
    channel: str = Field(max_length=8)  # sms or call
    patient_level: bool = False
    order: int = 0

    def label(self, lang: str) -> str:
        """Its name in the language (French unless English is asked)."""
        return self.label_en if lang == "en" else self.label_fr


class ImportBatch(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    file_name: str
    path: str = ""
    sha256: str = Field(index=True, max_length=64)
    sheet: Optional[str] = None
    imported_at: datetime = Field(default_factory=utcnow, sa_type=DateTime)
    rows: int = 0
    imported: int = 0
    duplicates: int = 0
    rejected: int = 0
    rejects_file: Optional[str] = None


class Appointment(SQLModel, table=True):
    __table_args__ = (
        Index("ix_appointment_day_site_activity", "day", "site", "activity", "phone_kind"),
    )

    id: Optional[int] = Field(default=None, primary_key=True)
    batch_id: Optional[int] = Field(default=None, foreign_key="importbatch.id")
    site: str = Field(foreign_key="site.code", max_length=16)
    activity: str = Field(foreign_key="activity.code", max_length=32)
    start: datetime = Field(sa_type=DateTime)  # local time, Europe/Brussels
    day: date  # start's date, kept for grouping in SQL on any backend
    service: str = ""
    doctor: str = ""
    last_name: str = ""
    first_name: str = ""
    birth_date: Optional[date] = None
    phone_raw: str = ""  # every number as read, separated by " | "
    phones: str = ""  # the valid numbers in E.164, separated by ";", mobiles first
    phone_kinds: str = ""  # one kind per number read (mobile, landline, invalid), separated by ";"
    phone_kind: str = Field(default="none", max_length=8)  # best of them: mobile, landline, invalid, none
    # names normalised (text.key) for matching words: searched with LIKE '%word%', which no index serves
    patient_key: str = ""
    doctor_key: str = ""
    service_key: str = ""
    dedupe_key: str = Field(sa_column=Column(Text, unique=True, nullable=False))


class RejectedRow(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    batch_id: Optional[int] = Field(default=None, foreign_key="importbatch.id", index=True)
    file_name: str
    sheet: Optional[str] = None
    row_number: int
    raw: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))  # JSON of the row's cells
    reason: str
    created_at: datetime = Field(default_factory=utcnow, sa_type=DateTime)


class Meeting(SQLModel, table=True):
    """Signed: `minutes_json` holds the minutes as signed (canonical JSON), `minutes_hash` its SHA-256, chained to the
    previously signed meeting's hash (`prev_hash`; one successor per hash: the chain cannot fork)."""

    __table_args__ = (Index("ux_meeting_prev_hash", "prev_hash", unique=True),)

    id: Optional[int] = Field(default=None, primary_key=True)
    kind: str = Field(default="daily", max_length=16)  # daily or emergency
    day: date
    opened_at: datetime = Field(default_factory=utcnow, sa_type=DateTime)
    chair: str = ""
    attendees: str = Field(default="[]", sa_column=Column(Text, nullable=False, default="[]"))  # JSON [{name, role}]
    notes: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    actions: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    signed_at: Optional[datetime] = Field(default=None, sa_type=DateTime)
    signed_by: Optional[str] = None
    signed_role: Optional[str] = None
    minutes_hash: Optional[str] = None
    prev_hash: Optional[str] = None
    minutes_from: Optional[date] = None  # the days the signed minutes cover
    minutes_to: Optional[date] = None
    minutes_json: Optional[str] = Field(default=None, sa_column=Column(Text, nullable=True))

    @property
    def signed(self) -> bool:
        return self.signed_at is not None


class Decision(SQLModel, table=True):
    """A meeting's decision for one site x activity x day. The latest meeting deciding a cell wins (carry-over)."""

    __table_args__ = (UniqueConstraint("meeting_id", "site", "activity", "day"),)

    id: Optional[int] = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    site: str = Field(foreign_key="site.code", max_length=16)
    activity: str = Field(foreign_key="activity.code", max_length=32)
    day: date = Field(index=True)
    status: str = Field(max_length=16)
    reason: str = ""
    uncontacted: str = Field(default="cancelled_unless_contacted", max_length=32)
    decided_at: datetime = Field(default_factory=utcnow, sa_type=DateTime)


class Override(SQLModel, table=True):
    """A decision below the cell: for a doctor, a service or one patient (appointment)."""

    id: Optional[int] = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="meeting.id", index=True)
    scope: str = Field(max_length=16)  # doctor, service, patient
    site: Optional[str] = Field(default=None, foreign_key="site.code", max_length=16)  # None: every site
    activity: str = Field(foreign_key="activity.code", max_length=32)
    day_from: date
    day_to: date
    value: str = ""  # the doctor, service or patient as typed
    match_key: str = Field(default="", index=True)  # value normalised
    appointment_id: Optional[int] = Field(default=None, foreign_key="appointment.id", index=True)
    status: str = Field(max_length=16)  # maintained, cancelled, pending
    note: str = ""
    decided_by: str = ""
    decided_at: datetime = Field(default_factory=utcnow, sa_type=DateTime)
    removed_at: Optional[datetime] = Field(default=None, sa_type=DateTime)


class Notification(SQLModel, table=True):
    """One appointment put on an exported list: what it was told, how, in which file."""

    id: Optional[int] = Field(default=None, primary_key=True)
    appointment_id: int = Field(foreign_key="appointment.id", index=True)
    reference: str = Field(index=True, max_length=32)
    channel: str = Field(max_length=16)  # sms, call, doctor_call, unreachable
    told_status: str = Field(max_length=16)  # the effective status told
    meeting_id: Optional[int] = Field(default=None, foreign_key="meeting.id")
    message: str = Field(default="", sa_column=Column(Text, nullable=False, default=""))
    file: str = ""
    exported_at: datetime = Field(default_factory=utcnow, sa_type=DateTime)


class CallOutcome(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    notification_id: int = Field(foreign_key="notification.id", index=True)
    outcome: str = Field(max_length=16)  # reached, voicemail, no_answer, wrong_number
    notes: str = ""
    source_file: str = ""
    recorded_at: datetime = Field(default_factory=utcnow, sa_type=DateTime)


class AuditEntry(SQLModel, table=True):
    """Append-only, hash-chained log of every change. One successor per entry: the chain cannot fork."""

    __table_args__ = (Index("ux_auditentry_prev_hash", "prev_hash", unique=True),)

    id: Optional[int] = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=DateTime)
    actor: str = ""
    meeting_id: Optional[int] = Field(default=None, foreign_key="meeting.id", index=True)
    action: str = Field(max_length=32)
    group: str = Field(default="", index=True, max_length=32)  # entries written by one user action (undone together)
    target: str = ""
    old: str = ""
    new: str = ""
    reason: str = ""
    prev_hash: str = ""
    hash: str = ""


class ITSystem(SQLModel, table=True):
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(unique=True)
    tier: int = 4
    owner: str = ""
    depends_on: str = ""  # names separated by ";"
    status: str = Field(default="down", max_length=16)  # down, restoring, restored, verified
    eta: Optional[date] = None
    notes: str = ""
    activities: str = ""  # activity codes, optionally CODE@SITE, separated by ";"
    updated_at: datetime = Field(default_factory=utcnow, sa_type=DateTime)
