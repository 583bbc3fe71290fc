"""The medical director's sign-off, and `verify`: what was signed never changes without it being seen.

Signing a meeting locks it (every service that changes a meeting calls `meetings.ensure_unlocked`), freezes its
minutes (`minutes_json`: the content with the signed figures and the `record` of what it decided) and stores the
SHA-256 of that canonical JSON (`minutes_hash`), chained to the hash of the meeting signed before it (`prev_hash`,
the first one to `audit.GENESIS`); an audit entry `sign` carries the same hash.

`verify` recomputes everything: each signed meeting's hash from its stored minutes, its record from the live rows
(naming each decision, exception or column altered), the chain of signed meetings, the `sign` entries of the
audit log, and the audit log's own chain, and the copies of signed minutes written to files that are still where
they were written (`sealed_copies`). Every meeting's decisions and exceptions, signed or not, are compared
with what the audit log last recorded for them, so that none changes without a trace (a change a signed record
already names is said once). Entries cut off the end of the audit log cannot be seen without an anchor outside
the database; a decision left behind by the last one cut is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from sqlmodel import Session, select

from crisis_tui.core import audit
from crisis_tui.core.clock import local_time
from crisis_tui.core.db import session_scope
from crisis_tui.core.decisions import untraced_decisions
from crisis_tui.core.documents.sealed_copies import altered_copies
from crisis_tui.core.errors import LockedError, UsageError
from crisis_tui.core.meetings import OPEN_ACTION
from crisis_tui.core.minutes import decided_days, digest, live_content, record
from crisis_tui.core.models import AuditEntry, Meeting, utcnow
from crisis_tui.core.overrides import untraced_overrides
from crisis_tui.core.reference import Reference
from crisis_tui.core.sync import lock_meeting
from crisis_tui.i18n import Catalog, Message

SIGN_ACTION = "sign"


@dataclass
class VerifyReport:
    ok: bool
    meetings_signed: int
    problems: list[Message] = field(default_factory=list)

    def as_json(self) -> dict:
        """For scripts: the problem lines in English, whatever the interface's language."""
        return {"ok": self.ok, "meetings_signed": self.meetings_signed, "problems": [str(p) for p in self.problems]}


def already_signed(meeting: Meeting) -> Message:
    at = local_time(meeting.signed_at).strftime("%Y-%m-%d %H:%M") if meeting.signed_at else "?"
    return Message("minutes.error.already_signed", id=meeting.id, by=meeting.signed_by, at=at)


def chain_tail(session: Session) -> Meeting | None:
    """The last signed meeting of the chain: the one whose hash no other signed meeting follows (the latest signed
    of them should the chain be broken)."""
    signed = session.exec(select(Meeting).where(Meeting.signed_at.is_not(None))
                          .order_by(Meeting.signed_at, Meeting.id)).all()
    followed = {m.prev_hash for m in signed}
    tails = [m for m in signed if m.minutes_hash not in followed]
    return tails[-1] if tails else (signed[-1] if signed else None)


def sign_meeting(session: Session, reference: Reference, meeting_id: int, by: str, role: str = "") -> Meeting:
    """Sign the meeting's minutes and lock it. UsageError when `by` is empty, the meeting does not exist or is
    signed already ("meeting N was already signed by X at T")."""
    by, role = by.strip(), role.strip()
    if not by:
        raise UsageError(Message("error.signer_needed"))
    try:
        meeting = lock_meeting(session, meeting_id)
    except LockedError:
        raise UsageError(already_signed(session.get(Meeting, meeting_id))) from None
    day_from, day_to = decided_days(session, meeting)
    tail = chain_tail(session)
    content = live_content(session, reference, meeting, day_from, day_to)
    meeting.minutes_from, meeting.minutes_to = day_from, day_to
    meeting.signed_by, meeting.signed_role, meeting.signed_at = by, role, utcnow()
    meeting.prev_hash = tail.minutes_hash if tail is not None else audit.GENESIS
    content["signature"] = {"by": by, "role": role, "at": meeting.signed_at.isoformat(timespec="microseconds"),
                            "local": local_time(meeting.signed_at).strftime("%Y-%m-%d %H:%M"),
                            "prev_hash": meeting.prev_hash}
    content["record"] = record(session, meeting)
    meeting.minutes_json = json.dumps(content, sort_keys=True, ensure_ascii=False)
    meeting.minutes_hash = digest(content)
    session.add(meeting)
    session.flush()
    audit.record(session, action=SIGN_ACTION, target=f"meeting {meeting.id}", new=meeting.minutes_hash,
                 reason=role, actor=by, meeting_id=meeting.id)
    return meeting


# --- verify --------------------------------------------------------------------------------------------------------

def verify(session: Session) -> VerifyReport:
    """Every problem found, one line each, naming what was altered."""
    meetings = session.exec(select(Meeting).order_by(Meeting.id)).all()
    signed = [m for m in meetings if m.signed_at is not None]
    sign_entries: dict[int, AuditEntry] = {}
    for entry in session.exec(select(AuditEntry).where(AuditEntry.action == SIGN_ACTION).order_by(AuditEntry.id)):
        if entry.meeting_id is not None:
            sign_entries.setdefault(entry.meeting_id, entry)
    problems: list[Message] = []
    for meeting in meetings:
        entry = sign_entries.get(meeting.id)
        if meeting.signed_at is None and entry is not None:
            problems.append(Message("minutes.problem.signature_removed", id=meeting.id, actor=entry.actor))
        elif meeting.signed_at is not None:
            problems += _meeting_problems(session, meeting, entry)
    known = {m.id for m in meetings}
    problems += [Message("minutes.problem.meeting_removed", id=meeting_id, actor=entry.actor)
                 for meeting_id, entry in sign_entries.items() if meeting_id not in known]
    problems += _opening_problems(session, known)
    problems += _chain_problems(signed)
    sealed = {_about(problem) for problem in problems}
    problems += [problem for problem in untraced_decisions(session) + untraced_overrides(session)
                 if _about(problem) not in sealed]
    problems += audit.verify_chain(session)
    problems += altered_copies(session)
    return VerifyReport(not problems, len(signed), problems)


def _opening_problems(session: Session, known: set[int]) -> list[Message]:
    """Every meeting was opened through the audit log (`meetings.open_meeting`): a meeting without its opening
    entry was slipped in, or the end of the log was cut away; an opening whose meeting is gone was deleted."""
    opened = set(session.exec(select(AuditEntry.meeting_id).where(AuditEntry.action == OPEN_ACTION,
                                                                  AuditEntry.meeting_id.is_not(None))))
    return ([Message("minutes.problem.opening_missing", id=number) for number in sorted(known - opened)]
            + [Message("minutes.problem.opened_meeting_removed", id=number) for number in sorted(opened - known)])


def _meeting_problems(session: Session, meeting: Meeting, entry: AuditEntry | None) -> list[Message]:
    number = meeting.id
    if not meeting.minutes_json or not meeting.minutes_hash:
        return [Message("minutes.problem.minutes_missing", id=number)]
    try:
        stored = json.loads(meeting.minutes_json)
    except json.JSONDecodeError:
        return [Message("minutes.problem.unreadable", id=number)]
    problems = []
    if not isinstance(stored, dict) or digest(stored) != meeting.minutes_hash:
        problems.append(Message("minutes.problem.content_altered", id=number))
    if entry is None:
        problems.append(Message("minutes.problem.no_sign_entry", id=number))
    elif entry.new != meeting.minutes_hash:
        problems.append(Message("minutes.problem.hash_altered", id=number))
    sealed = stored.get("record") if isinstance(stored, dict) else None
    if not isinstance(sealed, dict):
        return problems + [Message("minutes.problem.record_missing", id=number)]
    return problems + _record_problems(number, sealed, record(session, meeting))


def _record_problems(number: int, sealed: dict, live: dict) -> list[Message]:
    problems = []
    facts_then, facts_now = sealed.get("meeting", {}), live["meeting"]
    for fact in sorted(set(facts_then) | set(facts_now)):
        if facts_then.get(fact) != facts_now.get(fact):
            problems.append(Message("minutes.problem.fact_altered", id=number, fact=fact))
    for part, what in (("decisions", "decision"), ("overrides", "override")):
        then, now = sealed.get(part, {}), live[part]
        for key in sorted(set(then) | set(now)):
            change = "removed" if key not in now else "added" if key not in then else \
                "altered" if then[key] != now[key] else None
            if change:
                problems.append(Message(f"minutes.problem.{change}", id=number, key=key,
                                        what=Message(f"minutes.problem.{what}")))
    return problems


def _about(problem: Message) -> tuple:
    """What a problem line names: (meeting, decision or exception, its key) when it names one."""
    return problem.values.get("id"), problem.values.get("what"), problem.values.get("key")


def _chain_problems(signed: list[Meeting]) -> list[Message]:
    """The signed meetings must form one line from GENESIS: each prev_hash the hash of one other, no fork."""
    problems = []
    by_hash = {m.minutes_hash: m for m in signed}
    successors: dict[str | None, list[Meeting]] = {}
    for meeting in signed:
        successors.setdefault(meeting.prev_hash, []).append(meeting)
        if meeting.prev_hash != audit.GENESIS and meeting.prev_hash not in by_hash:
            problems.append(Message("minutes.problem.chain_broken", id=meeting.id))
    for prev, followers in successors.items():
        if len(followers) > 1:
            ids = ", ".join(str(m.id) for m in followers)
            problems.append(Message("minutes.problem.chain_forked", ids=ids, prev=str(prev)[:12]))
    return problems


def startup_warning(workspace, catalog: Catalog | None = None) -> str | None:
    """The warning the TUI shows at start when `verify` finds a problem (None when all is intact)."""
    with session_scope(workspace.engine, readonly=True) as session:
        report = verify(session)
    if report.ok:
        return None
    catalog = catalog or Catalog("fr")
    return catalog.t("minutes.verify.warning", n=len(report.problems),
                     problems="\n".join(problem.said(catalog) for problem in report.problems))

