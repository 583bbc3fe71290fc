"""Filled call lists read back: each call's outcome recorded against the exported row, by its reference.

A row counts when it holds a reference or an outcome. It is recorded when its reference is known, its patient,
date and time still match what was exported, and its outcome is one of the list's (French or English label,
code, or a clear synonym: WRITTEN; case, accents and punctuation ignored). Any other such row is reported, one
line naming file, sheet and row, and never guessed. A row whose outcome is empty is a call not made yet:
skipped. Rows of one reference (a line copied, the same list read twice) are one outcome when they say the same;
when they contradict each other none is recorded and one line names their places. A file that cannot be read,
or holds no call-list sheet, stops the whole read-back: nothing is recorded.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

from sqlmodel import Session, select

from crisis_tui.core.documents.call_lists import COLUMNS, patient_name
from crisis_tui.core.errors import UsageError
from crisis_tui.core.ingest.cells import ReadError
from crisis_tui.core.ingest.read import is_spreadsheet_name, read_sheets
from crisis_tui.core.messages import clock
from crisis_tui.core.models import OUTCOMES, Appointment, CallOutcome, Notification
from crisis_tui.core.text import fold, key
from crisis_tui.i18n import LANGUAGES, Catalog

NEEDED = ("reference", "time", "patient", "outcome")
HEADER_SEARCH = 10  # rows above the header a sheet may hold (a title someone added)
_CHUNK = 500
_TIME = re.compile(r"^(\d{1,2})\s*[:hH.]\s*(\d{2})")
_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})")
# What secretaries write for an outcome besides its labels (French, English) and code, matched folded like them.
# Only words that cannot mean another outcome: "injoignable" (no answer? a dead or wrong number? the list's own
# word for a patient without a usable number) stays an unknown outcome, reported.
WRITTEN = {
    "reached": ("bereikt", "contacté", "atteint"),
    "voicemail": ("répondeur", "messagerie vocale", "boîte vocale", "voice mail", "message laissé", "antwoordapparaat"),
    "no_answer": ("pas répondu", "ne répond pas", "geen antwoord", "neemt niet op", "no reply"),
    "wrong_number": ("faux n°", "faux num", "mauvais numéro", "numéro erroné", "verkeerd nummer", "verkeerd nr"),
}


@dataclass
class OutcomeReport:
    files: list[str] = field(default_factory=list)
    recorded: int = 0  # outcomes newly stored by this read
    unchanged: int = 0  # outcomes already stored as the latest of their row (a list read again)
    unmatched: int = 0
    problems: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {"recorded": self.recorded, "unchanged": self.unchanged, "unmatched": self.unmatched}

    def as_json(self) -> dict:
        return {"files": self.files, **self.counts(), "problems": self.problems}


@dataclass(frozen=True)
class _Row:
    file: Path
    sheet: str
    number: int
    values: dict[str, object]


def _labels() -> dict[str, str]:
    """Folded header label (either language) -> column."""
    labels = {}
    for lang in LANGUAGES:
        t = Catalog(lang).t
        labels.update({fold(t(f"telling.column.{c}")): c for c in COLUMNS})
    return labels


def outcome_codes() -> dict[str, str]:
    """Folded outcome as a secretary may write it (label in either language, code, or one of its WRITTEN words)
    -> outcome code."""
    codes = {}
    for code in OUTCOMES:
        written = (code, *(Catalog(lang).t(f"outcome.{code}") for lang in LANGUAGES), *WRITTEN[code])
        codes.update({fold(word): code for word in written})
    return codes


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def time_text(value: object) -> str | None:
    """HH:MM from a cell (text 9:05 / 09h05, a time, a datetime, a day fraction); None if it is none of them."""
    if isinstance(value, (datetime, time)):
        return f"{value:%H:%M}"
    if isinstance(value, float) and 0 <= value < 1:
        minutes = round(value * 1440)
        return f"{minutes // 60:02d}:{minutes % 60:02d}"
    match = _TIME.match(_text(value))
    return f"{int(match.group(1)):02d}:{match.group(2)}" if match else None


def date_of(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = _text(value)
    match = _DATE.match(text)
    try:
        if match:
            return date(int(match.group(3)), int(match.group(2)), int(match.group(1)))
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def spreadsheet_files(paths: Iterable[Path | str], catalog: Catalog) -> list[tuple[Path, bool]]:
    """(file, named): the files named, and the workbooks of a folder named, each once (a file named twice, or
    named and in a folder named, is read once); a missing path is refused."""
    files: dict[Path, tuple[Path, bool]] = {}
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted((p, False) for p in path.iterdir() if p.is_file() and is_spreadsheet_name(p))
        elif path.is_file():
            found = [(path, True)]
        else:
            raise UsageError(catalog.t("telling.problem.missing", file=path))
        for file, named in found:
            shown, named_before = files.get(file.resolve(), (file, False))
            files[file.resolve()] = (shown, named_before or named)
    return list(files.values())


def _read(path: Path, labels: dict[str, str], t, named: bool) -> list[_Row] | None:
    """The data rows of every call-list sheet of the file (those whose header names the needed columns); None
    for a file of a folder that holds no call list (a file named must hold one). Read by the import's reader:
    any spreadsheet a secretary may save it as, hostile files refused."""
    rows: list[_Row] = []
    found = False
    try:
        for sheet in read_sheets(path):
            header: dict[str, int] | None = None
            for number, values in sheet.load():
                if header is None:
                    if number > HEADER_SEARCH:
                        break
                    columns = {labels[f]: n for n, f in ((n, fold(v)) for n, v in enumerate(values)) if f in labels}
                    if all(c in columns for c in NEEDED):
                        header, found = columns, True
                    continue
                row = {c: values[n] if n < len(values) else None for c, n in header.items()}
                if _text(row["reference"]) or _text(row["outcome"]):
                    rows.append(_Row(path, sheet.name or path.name, number, row))
    except ReadError as exc:
        raise UsageError(t("telling.problem.unreadable", file=path, error=str(exc))) from None
    if not found and not named:
        return None
    if not found:
        raise UsageError(t("telling.problem.not_a_list", file=path))
    return rows


def _exported(session: Session, references: set[str]) -> dict[str, tuple[Notification, Appointment]]:
    found: dict[str, tuple[Notification, Appointment]] = {}
    ordered = sorted(references)
    for start in range(0, len(ordered), _CHUNK):
        query = (select(Notification, Appointment).join(Appointment, Appointment.id == Notification.appointment_id)
                 .where(Notification.reference.in_(ordered[start:start + _CHUNK])).order_by(Notification.id))
        for notification, appointment in session.exec(query):
            found[notification.reference] = (notification, appointment)
    return found


def _altered(row: _Row, appointment: Appointment) -> list[str]:
    what = []
    if key(row.values["patient"]) != key(patient_name(appointment)):
        what.append("patient")
    shown = clock(appointment.start)  # blank at midnight; lists written before that said 00:00
    if time_text(row.values["time"]) not in ({shown} if shown else {None, "00:00"}):
        what.append("time")
    if "date" in row.values and date_of(row.values["date"]) != appointment.day:
        what.append("date")
    return what


def read_back(session: Session, paths: Sequence[Path | str], catalog: Catalog | None = None) -> OutcomeReport:
    """Read filled call lists and record each outcome (CallOutcome). Raises UsageError, recording nothing, when a
    file is missing, unreadable or no call list, or when the folders named hold no call list at all."""
    catalog = catalog or Catalog()
    t = catalog.t
    labels, codes = _labels(), outcome_codes()
    files, rows = [], []
    for path, named in spreadsheet_files(paths, catalog):
        read = _read(path, labels, t, named)
        if read is not None:
            files.append(path)
            rows += read
    if not files:  # only folders named, and no call list in them (the inbox holds appointment exports)
        raise UsageError(t("telling.problem.no_list_in", folders=", ".join(str(p) for p in paths)))
    exported = _exported(session, {_text(r.values["reference"]) for r in rows} - {""})
    report = OutcomeReport(files=[str(f) for f in files])
    expected = ", ".join(t(f"outcome.{o}") for o in OUTCOMES)
    problems: list[tuple[int, str]] = []  # (index of the row in `rows`, line): said in the order of the files
    calls: dict[str, list[tuple[int, _Row, str]]] = {}  # reference -> its rows with an outcome of the list
    for index, row in enumerate(rows):
        where = {"file": row.file.name, "sheet": row.sheet, "row": row.number}
        reference, outcome = _text(row.values["reference"]), _text(row.values["outcome"])
        match = exported.get(reference)
        if not reference:
            problem = t("telling.problem.no_reference", **where)
        elif match is None:
            problem = t("telling.problem.unknown", reference=reference, **where)
        elif altered := _altered(row, match[1]):
            what = ", ".join(t(f"telling.column.{c}") for c in altered)
            problem = t("telling.problem.altered", reference=reference, what=what, **where)
        elif not outcome:
            continue
        elif fold(outcome) not in codes:
            problem = t("telling.problem.outcome", value=outcome, expected=expected, **where)
        else:
            calls.setdefault(reference, []).append((index, row, codes[fold(outcome)]))
            continue
        report.unmatched += 1
        problems.append((index, problem))
    for reference, said in calls.items():
        outcomes = list(dict.fromkeys(code for _, _, code in said))
        if len(outcomes) > 1:
            report.unmatched += len(said)
            problems.append((said[0][0], _contradiction(t, reference, [row for _, row, _ in said], outcomes)))
            continue
        notes = "; ".join(dict.fromkeys(n for _, row, _ in said if (n := _text(row.values.get("notes")))))
        if _record(session, exported[reference][0], outcomes[0], notes, said[0][1].file):
            report.recorded += 1
        else:
            report.unchanged += 1
    report.problems = [line for _, line in sorted(problems)]
    session.flush()
    return report


def _contradiction(t, reference: str, rows: list[_Row], outcomes: list[str]) -> str:
    """One line naming every place (file, sheet, rows) of a reference whose rows say different outcomes."""
    places: dict[tuple[str, str], list[str]] = {}
    for row in rows:
        places.setdefault((row.file.name, row.sheet), []).append(str(row.number))
    where = t("telling.problem.place_separator").join(
        t("telling.problem.place" if len(numbers) == 1 else "telling.problem.places", file=file, sheet=sheet,
          rows=", ".join(numbers))
        for (file, sheet), numbers in places.items())
    return t("telling.problem.contradiction", where=where, reference=reference,
             outcomes=", ".join(t(f"outcome.{o}") for o in outcomes))


def _record(session: Session, notification: Notification, outcome: str, notes: str, file: Path) -> bool:
    """Add the outcome, unless the same one (outcome and notes) is already the latest for that row; True if added."""
    latest = session.exec(select(CallOutcome).where(CallOutcome.notification_id == notification.id)
                          .order_by(CallOutcome.id.desc())).first()
    if latest is not None and (latest.outcome, latest.notes) == (outcome, notes):
        return False
    session.add(CallOutcome(notification_id=notification.id, outcome=outcome, notes=notes, source_file=str(file)))
    return True


def outcome_counts(session: Session, day_from: date, day_to: date) -> dict[tuple[str, str], dict[str, int]]:
    """Per (site, activity) with anyone told in the range: `told` the appointments put on a list, `reached` those
    a call reached with what they were last told, `not_reached` those on a call list not reached yet (an SMS
    is told, neither reached nor not)."""
    query = (select(Notification.id, Notification.appointment_id, Notification.told_status, Notification.channel,
                    Appointment.site, Appointment.activity)
             .join(Appointment, Appointment.id == Notification.appointment_id)
             .where(Appointment.day >= day_from, Appointment.day <= day_to).order_by(Notification.id))
    notifications = session.exec(query).all()
    outcomes = dict(session.exec(
        select(CallOutcome.notification_id, CallOutcome.outcome)
        .join(Notification, Notification.id == CallOutcome.notification_id)
        .join(Appointment, Appointment.id == Notification.appointment_id)
        .where(Appointment.day >= day_from, Appointment.day <= day_to).order_by(CallOutcome.id)
    ).all())
    latest: dict[int, tuple] = {}
    reached_as: dict[int, set[str]] = {}
    for row in notifications:
        latest[row[1]] = row
        if outcomes.get(row[0]) == "reached":
            reached_as.setdefault(row[1], set()).add(row[2])
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for appointment_id, (_, _, told_status, channel, site, activity) in latest.items():
        cell = counts.setdefault((site, activity), {"told": 0, "reached": 0, "not_reached": 0})
        cell["told"] += 1
        if told_status in reached_as.get(appointment_id, ()):
            cell["reached"] += 1
        elif channel != "sms":
            cell["not_reached"] += 1
    return counts
