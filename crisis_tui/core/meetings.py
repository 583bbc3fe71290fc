"""Meetings: the daily one opened or resumed, emergency ones, the open meeting, the lock at signature."""

from __future__ import annotations

import json
from datetime import date

from sqlmodel import Session, select

from crisis_tui.core import audit
from crisis_tui.core.errors import LockedError, UsageError
from crisis_tui.core.models import Meeting
from crisis_tui.i18n import Message

KINDS = ("daily", "emergency")
OPEN_ACTION = "meeting_open"  # the audit entry every meeting starts with


def attendees_of(meeting: Meeting) -> list[dict[str, str]]:
    return json.loads(meeting.attendees or "[]")


def parse_attendee(text: str) -> dict[str, str]:
    """"Name" or "Name (role)" or "Name: role"."""
    text = text.strip()
    for opening, closing in (("(", ")"), (":", "")):
        if opening in text:
            name, _, role = text.partition(opening)
            return {"name": name.strip(), "role": role.rstrip(closing).strip()}
    return {"name": text, "role": ""}


def _attendees(texts: list[str]) -> list[dict[str, str]]:
    """Attendees as typed -> their names and roles; one without a name is refused, nothing recorded."""
    people = [parse_attendee(text) for text in texts]
    for text, person in zip(texts, people):
        if not person["name"]:
            raise UsageError(Message("error.attendee_no_name", option="--attendee", value=text))
    return people


def open_meeting_of(session: Session, day: date) -> Meeting | None:
    """The day's meeting decisions still go into: its latest unsigned one, unless a meeting opened after it is
    signed already (the latest meeting deciding a cell wins: what an older one records now would have no effect)."""
    query = select(Meeting).where(Meeting.day == day, Meeting.signed_at.is_(None)).order_by(Meeting.id.desc())
    meeting = session.exec(query).first()
    if meeting is None:
        return None
    signed_since = select(Meeting.id).where(Meeting.id > meeting.id, Meeting.signed_at.is_not(None))
    return None if session.exec(signed_since).first() is not None else meeting


def meeting_of_the_day(session: Session, day: date) -> Meeting:
    """The meeting the application opens on: the day's open one; else, when the day's meetings are signed, the
    latest of them (read-only: an emergency meeting is opened when the chair asks, never by just starting the
    application); else a new daily meeting."""
    current = open_meeting_of(session, day)
    if current is not None:
        return current
    signed = session.exec(select(Meeting).where(Meeting.day == day).order_by(Meeting.id.desc())).first()
    return signed if signed is not None else open_meeting(session, day)


def previous_meeting(session: Session, meeting: Meeting) -> Meeting | None:
    return session.exec(select(Meeting).where(Meeting.id < meeting.id).order_by(Meeting.id.desc())).first()


def unsigned_meetings(session: Session) -> list[Meeting]:
    return list(session.exec(select(Meeting).where(Meeting.signed_at.is_(None)).order_by(Meeting.id)))


def latest_meeting(session: Session) -> Meeting | None:
    return session.exec(select(Meeting).order_by(Meeting.id.desc())).first()


def open_meeting(
    session: Session,
    day: date,
    *,
    emergency: bool = False,
    kind: str | None = None,
    chair: str | None = None,
    attendees: list[str] | None = None,
) -> Meeting:
    """Resume the day's open meeting, or open one: daily, or emergency when asked or when the day's daily
    meeting is already signed (unless `kind` says otherwise)."""
    if kind is not None and kind not in KINDS:
        raise UsageError(f"meeting kind {kind!r}: expected daily or emergency")
    people = _attendees(attendees or [])
    current = None if emergency else open_meeting_of(session, day)
    if current is not None:
        _update_people(session, current, chair, people)
        return current
    if kind is None:
        signed_today = session.exec(select(Meeting).where(Meeting.day == day)).first()
        kind = "emergency" if emergency or signed_today else "daily"
    last = latest_meeting(session)
    meeting = Meeting(
        kind=kind, day=day, chair=chair if chair is not None else (last.chair if last else ""),
        attendees=json.dumps(people, ensure_ascii=False),
    )
    session.add(meeting)
    session.flush()
    audit.record(session, action=OPEN_ACTION, target=f"meeting {meeting.id}", new=kind,
                 actor=meeting.chair, meeting_id=meeting.id)
    return meeting


def _update_people(session: Session, meeting: Meeting, chair: str | None, people: list[dict[str, str]]) -> None:
    if chair is not None and chair != meeting.chair:
        update_meeting(session, meeting, chair=chair)
    if people:
        update_meeting(session, meeting, attendees=attendees_of(meeting) + people)


def update_meeting(
    session: Session,
    meeting: Meeting,
    *,
    chair: str | None = None,
    attendees: list[dict[str, str]] | None = None,
    notes: str | None = None,
    actions: str | None = None,
) -> Meeting:
    """Edit the chair, the attendees, the notes or the actions of an unsigned meeting (audited)."""
    ensure_unlocked(meeting)
    changes = {"chair": chair, "notes": notes, "actions": actions,
               "attendees": json.dumps(attendees, ensure_ascii=False) if attendees is not None else None}
    for field, value in changes.items():
        if value is not None and value != getattr(meeting, field):
            audit.record(session, action=f"meeting_{field}", target=f"meeting {meeting.id}",
                         old=getattr(meeting, field), new=value, actor=meeting.chair, meeting_id=meeting.id)
            setattr(meeting, field, value)
    session.add(meeting)
    session.flush()
    return meeting


def ensure_unlocked(meeting: Meeting) -> None:
    if meeting.signed:
        raise LockedError(Message("minutes.error.locked", id=meeting.id, day=meeting.day, by=meeting.signed_by))
