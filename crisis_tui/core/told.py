"""Telling, as exported: the appointments to put on lists (from `notify`, the one rule), their references,
the record of what each was told (one `Notification` per appointment exported), and the split per secretary.

A reference is ``<channel letter><appointment id>-<n>``: the n-th time this appointment is put on a list
(S sms, C call, D doctor's call, U unreachable). It is unique, short enough to read out, and names its row
when a filled call list comes back. An appointment to be called again carries its last call's outcome, as read
back (reached, wrong number...): who is on which list does not depend on it.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import NamedTuple, TypeVar

from sqlalchemy import func, insert
from sqlmodel import Session, select

from crisis_tui.core.board import CHANNEL_FIELD
from crisis_tui.core.collector import collector_paused
from crisis_tui.core.documents.workbook import FileGroup
from crisis_tui.core.meetings import latest_meeting
from crisis_tui.core.messages import Wording
from crisis_tui.core.models import Appointment, CallOutcome, Notification, utcnow
from crisis_tui.core.notify import Told, told_appointments
from crisis_tui.core.reference import Reference
from crisis_tui.core.workspace import Workspace
from crisis_tui.i18n import Message

COUNT_KEYS = ("sms", "calls", "doctor_calls", "unreachable", "pending")
REFERENCE_PREFIX = {"sms": "S", "call": "C", "doctor_call": "D", "unreachable": "U"}
Progress = Callable[[int, int], None]  # (done, total)
T = TypeVar("T")


@dataclass(frozen=True)
class Entry:
    """One appointment on an exported list: how it is told, under which reference, with which words."""

    told: Told
    reference: str
    message: str
    last_call: str = ""  # the outcome last read back for this appointment's calls, worded ("" if none)
    reached: bool = False  # a call already reached the patient with what he is to be told now

    @property
    def appointment(self) -> Appointment:
        return self.told.appointment

    @property
    def channel(self) -> str:
        return self.told.verdict.channel


@dataclass
class Collected:
    entries: list[Entry]  # those of the channels asked for, in time order
    counts: dict[str, int]  # every channel of the range, as the board counts them (COUNT_KEYS)


@dataclass
class ExportResult:
    files: list[Path] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNT_KEYS, 0))
    notice: Message | None = None  # what the user should know of what was written (not an error)
    already_told: int | None = None  # left out of lists of the new only (None: everyone to be told was asked for)

    def as_json(self) -> dict:
        found = {"files": [str(f) for f in self.files], **self.counts}
        return found if self.already_told is None else {**found, "already_told": self.already_told}


def _times_told(session: Session, day_from: date, day_to: date) -> dict[int, int]:
    """How many notifications each appointment of the range already has."""
    query = (
        select(Notification.appointment_id, func.count())
        .join(Appointment, Appointment.id == Notification.appointment_id)
        .where(Appointment.day >= day_from, Appointment.day <= day_to)
        .group_by(Notification.appointment_id)
    )
    return dict(session.exec(query).all())


def sms_sent(session: Session, day_from: date, day_to: date) -> dict[int, set[str]]:
    """Appointment id -> every message an SMS batch already carried to its patient, for the appointments of the
    range (one query)."""
    query = (
        select(Notification.appointment_id, Notification.message)
        .join(Appointment, Appointment.id == Notification.appointment_id)
        .where(Appointment.day >= day_from, Appointment.day <= day_to, Notification.channel == "sms")
    )
    sent: dict[int, set[str]] = {}
    for appointment_id, message in session.exec(query):
        sent.setdefault(appointment_id, set()).add(message)
    return sent


class LastCall(NamedTuple):
    outcome: str  # reached, voicemail, no_answer, wrong_number
    at: datetime  # when it was recorded (UTC)
    notes: str  # the secretary's remarks
    told_status: str  # the status the list told


def last_calls(session: Session, day_from: date, day_to: date) -> dict[int, LastCall]:
    """Appointment id -> the outcome recorded last for its most recent list that has one, for the appointments of
    the range (one query)."""
    query = (
        select(Notification.appointment_id, CallOutcome.outcome, CallOutcome.recorded_at, CallOutcome.notes,
               Notification.told_status)
        .join(Notification, Notification.id == CallOutcome.notification_id)
        .join(Appointment, Appointment.id == Notification.appointment_id)
        .where(Appointment.day >= day_from, Appointment.day <= day_to)
        .order_by(Notification.id, CallOutcome.id)
    )
    return {appointment_id: LastCall(*rest) for appointment_id, *rest in session.exec(query)}


def collect(session: Session, reference: Reference, wording: Wording, day_from: date, day_to: date,
            channels: Collection[str]) -> Collected:
    """Every appointment of the range that must be told, counted per channel; those of `channels` kept as
    entries with their reference and message, and, for calls, their last call's outcome. Sites outside the
    reference data are left out, as on the board."""
    sites = {s.code for s in reference.sites}
    activity_channels = {a.code: a.channel for a in reference.activities}
    before = _times_told(session, day_from, day_to)
    called = last_calls(session, day_from, day_to) if set(channels) - {"sms"} else {}
    counts = dict.fromkeys(COUNT_KEYS, 0)
    entries: list[Entry] = []
    for told in told_appointments(session, activity_channels, day_from, day_to):
        appointment, verdict = told.appointment, told.verdict
        if appointment.site not in sites:
            continue
        counts[CHANNEL_FIELD[verdict.channel]] += 1
        counts["pending"] += verdict.pending
        if verdict.channel in channels:
            ref = f"{REFERENCE_PREFIX[verdict.channel]}{appointment.id}-{before.get(appointment.id, 0) + 1}"
            text = wording.message(told) if verdict.channel == "sms" else wording.call_text(told)
            last = called.get(appointment.id)
            entries.append(Entry(told, ref, text, "" if last is None else wording.last_call(
                last.outcome, last.at, last.notes, before_change=last.told_status != verdict.status),
                reached=last is not None and last.outcome == "reached" and last.told_status == verdict.status))
    return Collected(entries, counts)


def record(session: Session, entries: Sequence[Entry], file: Path, messages: Sequence[str] | None = None) -> int:
    """One Notification per entry: reference, channel, status told, the open (latest) meeting, the words, the
    file. `messages` replaces the entries' words (an SMS transliterated to GSM-7). Returns the rows added."""
    if not entries:
        return 0
    meeting = latest_meeting(session)
    now = utcnow()
    rows = [
        {"appointment_id": e.appointment.id, "reference": e.reference, "channel": e.channel,
         "told_status": e.told.verdict.status, "meeting_id": meeting.id if meeting else None,
         "message": messages[n] if messages is not None else e.message, "file": str(file), "exported_at": now}
        for n, e in enumerate(entries)
    ]
    session.execute(insert(Notification), rows)
    session.flush()
    return len(rows)


def split_balanced(items: Sequence[T], parts: int) -> list[list[T]]:
    """`items` cut into `parts` consecutive parts (order kept) whose sizes differ by at most one; the larger
    parts come first. Empty parts are left out."""
    if parts < 1:
        raise ValueError(f"cannot split into {parts} parts")
    size, extra = divmod(len(items), parts)
    result, start = [], 0
    for n in range(parts):
        end = start + size + (1 if n < extra else 0)
        if end > start:
            result.append(list(items[start:end]))
        start = end
    return result


class ExportCancelled(Exception):
    """Raised by an export's progress callback to stop it: the export's transaction rolls back and its files,
    written under temporary names, are removed (`run_export`): nothing written, nothing recorded as told."""


def run_export(workspace: Workspace, export: Callable[..., ExportResult], *args, **kwargs) -> ExportResult:
    """`export(session, *args, files=..., **kwargs)` in one transaction; the files it wrote into `files` are
    published right after the commit, all of them, or none if anything fails before.

    The order, and why: (1) every file is written whole under a temporary name (`FileGroup`), (2) the
    notifications are inserted, (3) the transaction commits, (4) the files are renamed to their final names
    (milliseconds). A crash (kill -9, power cut) before (3) leaves no file published and nothing recorded; its
    hidden temporary files are removed by a later export into that folder. A crash between (3) and (4) leaves
    notifications whose files are missing: the chair finds no file and exports again, so those patients are put on
    the new list and told; a later change is told to them as a change (cancelled, then "maintained after all"),
    which tells nobody anything wrong. The other order (rename, then commit) would, crashing between, leave a
    complete batch the chair may send while the database says it never was: exporting again sends it twice, and a
    later change (a cancelled surgery kept after all) is told to nobody, so the patient stays home.
    """
    with collector_paused(), FileGroup() as files:
        with workspace.session() as session:
            return export(session, *args, files=files, **kwargs)
