"""Written copies of signed minutes, checked by `verify`.

When a signed meeting's minutes are written, the file's cell values are digested and the digest recorded in the
audit log (so in its hash chain: the record itself cannot be changed unseen). `verify` digests again every such
file still where it was written and names those whose values changed: an "Annulé" turned into "Maintenu" in a
printed copy is caught. A file moved or deleted is no alteration (the minutes are in the database, and a copy on a
USB stick is out of reach). Values only: a copy opened and saved again unchanged, its layout or styles touched,
still matches.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from datetime import date, datetime, time
from pathlib import Path

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException
from sqlmodel import Session, select

from crisis_tui.core import audit
from crisis_tui.core.models import AuditEntry
from crisis_tui.i18n import Message

EXPORTED_ACTION = "minutes_exported"


def values_digest(path: Path) -> str:
    """SHA-256 of a workbook's sheets and cell values (where each non-empty cell is, and what it holds)."""
    digest = hashlib.sha256()
    workbook = load_workbook(path, read_only=True)
    try:
        for sheet in workbook.worksheets:
            digest.update(json.dumps(["sheet", sheet.title], ensure_ascii=False).encode("utf-8"))
            for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
                cells = [[column, _canonical(value)] for column, value in enumerate(row, start=1)
                         if value is not None and value != ""]
                if cells:
                    digest.update(json.dumps([number, cells], ensure_ascii=False).encode("utf-8"))
    finally:
        workbook.close()
    return digest.hexdigest()


def _canonical(value: object) -> object:
    """A cell value as the digest takes it: a number whatever its type (1 and 1.0 alike), dates as ISO text."""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return repr(float(value))
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    return str(value)


def record_copy(session: Session, meeting_id: int, path: Path, actor: str = "") -> None:
    """Record a signed meeting's minutes just written at `path` (its place and its values' digest)."""
    audit.record(session, action=EXPORTED_ACTION, target=f"meeting {meeting_id}", actor=actor, meeting_id=meeting_id,
                 new=json.dumps({"path": str(path.resolve()), "sha256": values_digest(path)}, ensure_ascii=False))


def altered_copies(session: Session) -> list[Message]:
    """One problem for each recorded copy still where it was written whose values are no longer those written."""
    problems = []
    for entry in session.exec(select(AuditEntry).where(AuditEntry.action == EXPORTED_ACTION).order_by(AuditEntry.id)):
        try:
            written = json.loads(entry.new)
            path = Path(written["path"])
        except (ValueError, KeyError, TypeError):
            continue  # an entry altered by hand: the audit chain's own check names it
        if not path.is_file():
            continue
        try:
            same = values_digest(path) == written["sha256"]
        except PermissionError:
            continue  # not readable by this account: not known to be altered
        except (OSError, ValueError, KeyError, zipfile.BadZipFile, InvalidFileException):
            same = False  # no longer a workbook
        if not same:
            problems.append(Message("minutes.problem.copy_altered", id=entry.meeting_id, file=path.name))
    return problems
