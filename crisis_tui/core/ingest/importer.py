"""Spreadsheet exports -> appointments: read -> map -> normalise -> validate -> dedupe -> insert, one transaction a file.

A file either imports (with its bad rows set aside, each with its reason, in the database and in a rejects
workbook) or changes nothing and reports one line saying why. Title blocks, blank rows, repeated header rows, a
totals line and captions (a footer, a part of the day heading the rows below) are not data rows; a line naming a
site, an activity, a doctor or a day gives it to the rows below that lack it. The same appointment (site, activity,
start to the minute, patient) is kept once, within a file and across imports, what each of its rows brings merged
in (`merge`): importing a file again adds nothing.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import threading
from dataclasses import dataclass, field, replace
from operator import itemgetter
from datetime import date
from pathlib import Path
from typing import Callable, Iterable, Iterator, NamedTuple, Sequence

from sqlalchemy import insert, select
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from crisis_tui.core.collector import collector_paused
from crisis_tui.core.ingest.cells import ReadAgainWhole, ReadError, Rows, Sheet, cell_text, first_line
from crisis_tui.core.ingest.columns import (DATE_ROLES, HEADER_SEARCH_ROWS, NAME_ROLES, ColumnMap, column_role,
                                            find_header, header_among_rows, is_caption, is_filled, is_format_hint,
                                            is_totals, side_by_side)
from crisis_tui.core.ingest.merge import BIRTH, brings_anything, merge_into_stored, other_patient, same_patient
from crisis_tui.core.ingest.normalize import clean_text, day_named, first_day, to_date
from crisis_tui.core.ingest.read import read_as_text, read_sheets, spreadsheets_in
from crisis_tui.core.ingest.rejects import Rejected, write_rejects
from crisis_tui.core.ingest.rowmap import Place, Reason, SheetPlan, place_from_names
from crisis_tui.core.ingest.store import Inserter, Writer
from crisis_tui.core.models import ImportBatch, RejectedRow
from crisis_tui.core.reference import Ambiguous
from crisis_tui.core.text import tokens
from crisis_tui.i18n import Catalog, Message

# what a line labelled with a column's name names for the rows below it ("Site : Arlon", "Médecin :" | "Dr Lambert")
SECTION_LABELS = {"site": ("site",), "activity": ("activity",), "act": ("activity",),
                  "service": ("service", "activity"), "doctor": ("doctor",)}
# a letterhead's address ("Chaussée d'Houffalize 1 – 6600 Bastogne"): the sender's town, not the rows' site
_ADDRESS = re.compile(r"(?<![\d/.\-])(?:B-)?\d{4} +[^\W\d_]|\b(?:rue|chauss[ée]e|avenue|boulevard|place|route|"
                      r"chemin|straat|laan|steenweg)\b", re.IGNORECASE)
DOCTOR_TITLES = frozenset({"dr", "docteur", "dokter", "doctor", "prof", "professeur", "professor", "pr"})
_DASH = re.compile(r"\s+[–—-]\s+")  # between a line's parts: "Dr Lambert – Cardiologie"
_NAME_WORD = re.compile(r"[^\W\d_]+(?:['’\-][^\W\d_]+)*\.?")  # "D'Hondt", "Anne-Marie", "J."
JSON_KEYS = ("path", "status", "error", "sheet", "rows", "imported", "duplicates", "rejected", "rejects_file")
HEADER_SEARCH_SPAN = 1000  # rows (blank ones included) the header search may look through
CHUNK_ROWS = 5000  # rows inserted at a time; progress and cancel are checked as often
BLANK_RUN = HEADER_SEARCH_ROWS  # blank rows in a row a table is read through: those after are left unread

Progress = Callable[[int, int, str], None]


class ImportCancelled(Exception):
    """The import was cancelled: the file being imported was rolled back."""


class _FileRefused(ReadError):
    """The file holds no usable table; nothing is imported."""


@dataclass
class FileReport:
    path: str
    status: str  # "imported" or "error"
    error: Message | None = None  # one line naming the file: English as a str (the JSON), `said` in any language
    sheet: str | None = None  # the sheets imported, joined by ", " (None for a text file)
    rows: int = 0
    imported: int = 0
    duplicates: int = 0
    rejected: int = 0
    rejects_file: str | None = None

    def as_json(self) -> dict:
        return {name: getattr(self, name) for name in JSON_KEYS}


@dataclass
class ImportReport:
    files: list[FileReport] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return sum(f.imported for f in self.files)

    @property
    def duplicates(self) -> int:
        return sum(f.duplicates for f in self.files)

    @property
    def rejected(self) -> int:
        return sum(f.rejected for f in self.files)

    @property
    def failed(self) -> list[FileReport]:
        return [f for f in self.files if f.status == "error"]

    def as_json(self) -> dict:
        return {"files": [f.as_json() for f in self.files], "imported": self.imported,
                "duplicates": self.duplicates, "rejected": self.rejected}


def import_paths(workspace, paths: Iterable[Path | str], *, site: str | None = None, activity: str | None = None,
                 progress: Progress | None = None, cancel: threading.Event | None = None,
                 lang: str = "fr") -> ImportReport:
    """Import files, and every spreadsheet of a folder and its folders (sorted by path; the home's exports
    aside); one file's error does not stop the others."""
    report = ImportReport()
    for path in _expand(paths, skip=[workspace.home.exports]):
        if isinstance(path, FileReport):
            report.files.append(path)
            continue
        report.files.append(import_file(workspace, path, site=site, activity=activity, progress=progress,
                                        cancel=cancel, lang=lang))
    return report


def _expand(paths: Iterable[Path | str], skip: Sequence[Path]) -> Iterator[Path | FileReport]:
    """The files named, and the spreadsheets of the folders named (`read.spreadsheets_in`, folders in `skip`
    aside); a report for a path that is not there or a folder without any."""
    for path in map(Path, paths):
        if not path.exists():
            yield FileReport(str(path), "error", Message("import.error.line", file=path,
                                                         reason=Message("import.error.not_found")))
            continue
        if not path.is_dir():
            yield path
            continue
        found = spreadsheets_in(path, skip)
        if not found:
            yield FileReport(str(path), "error", Message("import.error.line", file=path,
                                                         reason=Message("import.error.no_spreadsheet")))
        yield from found


def import_file(workspace, path: Path | str, *, site: str | None = None, activity: str | None = None,
                progress: Progress | None = None, cancel: threading.Event | None = None,
                lang: str = "fr") -> FileReport:
    """Import one file in one transaction. `site`/`activity` are codes that override the file's own.

    Raises ImportCancelled (after rolling the file back) when `cancel` is set during the import.
    """
    options = dict(site=site, activity=activity, progress=progress, cancel=cancel, catalog=Catalog(lang))
    try:
        return _import_once(workspace, Path(path), in_parts=True, **options)
    except ReadAgainWhole:  # a big sheet that cannot be read in parts: the file was rolled back
        return _import_once(workspace, Path(path), in_parts=False, **options)


def _import_once(workspace, path: Path, *, in_parts: bool, site: str | None, activity: str | None,
                 progress: Progress | None, cancel: threading.Event | None, catalog: Catalog) -> FileReport:
    report = FileReport(str(path), "imported")
    run: _FileImport | None = None
    committed = False
    try:
        sheets = read_sheets(path, parts_in=workspace.home.data_dir if in_parts else None)
        with collector_paused(), workspace.session() as session:
            run = _FileImport(workspace, session, path, site, activity, progress, cancel, catalog)
            run.run(sheets, report)
        committed = True
    except ReadError as exc:
        return _failed(report, path, exc.message)
    except SQLAlchemyError as exc:
        return _failed(report, path, Message("import.error.database", detail=first_line(exc)))
    except OSError as exc:
        return _failed(report, path, Message("import.error.io", detail=exc.strerror or first_line(exc)))
    finally:
        if not committed and run is not None and run.rejects_path is not None:
            run.rejects_path.unlink(missing_ok=True)  # the rows it lists were rolled back
    return report


def _thinned(chunk: list[tuple[int, Sequence[object]]], blanks: int) -> tuple[list[tuple[int, Sequence[object]]], int]:
    """A chunk of rows without the blank rows that follow BLANK_RUN others (`blanks`: those the rows before it ended
    with), and the blank rows it ends with. A cell typed far below a table (a stray "x" at row 1048576) makes a
    million blank rows: each would be looked at (a header? a totals line?) for nothing; a line ending a table looks
    no further than the BLANK_RUN rows under it."""
    filled = list(map(any, map(itemgetter(1), chunk)))
    if True not in filled:
        return (chunk[: max(BLANK_RUN - blanks, 0)], blanks + len(chunk))
    ending = filled[::-1].index(True)
    if filled.count(False) + blanks <= BLANK_RUN:  # no run of blank rows here is longer
        return chunk, ending
    kept = []
    for row, full in zip(chunk, filled):
        blanks = 0 if full else blanks + 1
        if blanks <= BLANK_RUN:
            kept.append(row)
    return kept, ending


@dataclass(eq=False)
class _Table:
    """One table of a sheet (or one of several side by side: its columns are cells[cut]) and how its rows are
    converted: `plan`, with what the lines above its rows name (`named`: "site" and "activity" codes, which stand
    in for the sheet's and file's names, "doctor" and "service" texts, for the rows' empty cells), and the day near
    which a date written without its year is read (`near`: the first its title, its sheet's name or its file's name
    gives)."""

    cut: slice
    columns: ColumnMap
    sheet: Sheet
    near: date | None
    named: dict[str, str]
    day: date | None = None  # without a date column: the day of its rows, its title's, then each day line's
    first: Sequence[Sequence[object]] = ()  # its first rows (where the header was looked for)
    ended: bool = False  # a totals line closed it, and no row of data came after
    plan: SheetPlan = field(init=False)


class _Turn(NamedTuple):
    """What a line among a table's rows changes for the rows below it."""

    named: dict[str, str]  # a site's or an activity's code, a doctor's or a service's text
    day: date | None  # the day of the rows below, in a table without a date column
    columns: ColumnMap | None = None  # a header laying the columns out otherwise


def _failed(report: FileReport, path: Path, reason: Message) -> FileReport:
    report.status, report.error = "error", Message("import.error.line", file=path.name, reason=reason)
    report.sheet, report.rejects_file = None, None
    report.rows = report.imported = report.duplicates = report.rejected = 0
    return report


class _FileImport:
    """One file's import inside its transaction: sheets -> rows -> chunks inserted; rejects collected."""

    def __init__(self, workspace, session: Session, path: Path, site: str | None, activity: str | None,
                 progress: Progress | None, cancel: threading.Event | None, catalog: Catalog) -> None:
        self.workspace, self.session, self.path = workspace, session, path
        self.site, self.activity = site, activity
        self.progress, self.cancel, self.catalog = progress, cancel, catalog
        self.english = Catalog("en")
        self.batch_id = 0
        self.seen: dict[str, object] = {}  # dedupe key -> birth date of the row that has it
        self.again: list[tuple] = []  # rows met again in this file, that may add to the first
        self.pending: list[tuple] = []
        self.inserter = Inserter(session)
        self.rejected: list[Rejected] = []
        self.rows = self.imported = self.duplicates = 0
        self.done = self.total = 0
        self.rejects_path: Path | None = None
        self.message = path.name
        self._reasons: dict[Reason, tuple[str, str]] = {}
        self.day_lines: dict[_Table, date] = {}  # each table's last line giving the day of the rows below it

    def run(self, sheets: Sequence[Sheet], report: FileReport) -> None:
        self._check_cancel()
        self.sha256 = _sha256(self.path)
        batch = ImportBatch(file_name=self.path.name, path=str(self.path), sha256=self.sha256)
        self.session.add(batch)
        self.session.flush()
        self.batch_id = batch.id
        with Writer(self.inserter) as self.writer:
            imported_sheets = [sheet.name for sheet in sheets if self._sheet(sheet)]
            self._flush()
        inserted, self.again = self.inserter.born_elsewhere(self.again)
        self.imported = self.writer.inserted + inserted
        self.duplicates += self.writer.submitted - self.writer.inserted - inserted
        merge_into_stored(self.session, self.again + self.inserter.met_again)
        if not imported_sheets:
            if read_as_text(self.path):
                raise _FileRefused("not_a_workbook", suffix=self.path.suffix.lower())
            raise _FileRefused("no_header", rows=HEADER_SEARCH_ROWS)
        if not self.rows:
            raise _FileRefused("no_data")
        self._store_rejects()
        names = [name for name in imported_sheets if name]
        batch.sheet = ", ".join(names) or None
        batch.rows, batch.imported, batch.duplicates = self.rows, self.imported, self.duplicates
        batch.rejected = len(self.rejected)
        batch.rejects_file = str(self.rejects_path) if self.rejects_path else None
        self.session.flush()
        report.sheet, report.rows, report.imported = batch.sheet, batch.rows, batch.imported
        report.duplicates, report.rejected, report.rejects_file = batch.duplicates, batch.rejected, batch.rejects_file
        self._report_progress(final=True)

    def _sheet(self, sheet: Sheet) -> bool:
        """Import one sheet; False when it has no recognisable header (a notes sheet, a chart's data)."""
        rows = sheet.load()
        try:
            return self._rows(sheet, rows)
        finally:
            rows.close()

    def _rows(self, sheet: Sheet, rows: Rows) -> bool:
        self.total += rows.total
        first = rows.take(max(CHUNK_ROWS, HEADER_SEARCH_SPAN))  # the header is looked for in these
        searched = _head(first)
        columns = find_header(searched, (sheet.name, self.path.stem))
        if columns is None:
            self.done += rows.total
            return False
        head = [cells for number, cells in searched if number > columns.row_number]
        above = [cells for number, cells in searched if number < columns.row_number]
        tables = [self._table(cut, table, sheet, above, [cells[cut] for cells in head])
                  for cut, table in side_by_side(columns, head)]  # one, or tables side by side: each its own columns
        self.message = f"{self.path.name} [{sheet.name}]" if sheet.name else self.path.name
        below = [(number, cells) for number, cells in first if number > columns.row_number]
        self.done += len(first) - len(below)
        read = (below[start : start + CHUNK_ROWS] for start in range(0, len(below), CHUNK_ROWS))
        blanks = 0  # blank rows the rows so far end with
        for chunk in itertools.chain(read, iter(lambda: rows.take(CHUNK_ROWS), [])):
            self.done += len(chunk)
            chunk, blanks = _thinned(chunk, blanks)
            for table in tables if chunk else ():
                self._chunk(table, chunk if len(tables) == 1 else
                            [(number, cells[table.cut]) for number, cells in chunk])
            self._flush()
        return True

    def _table(self, cut: slice, columns: ColumnMap, sheet: Sheet, above: Sequence[Sequence[object]],
               first: Sequence[Sequence[object]]) -> _Table:
        """A table, with what the lines of the title block above the header name (the last naming each: a line
        over the whole sheet, then one over the table's own columns, "Site : Virton" above the second of two
        tables side by side) and the first day they give; `first`: its first rows."""
        named: dict[str, str] = {}
        for cells in [*above, *(cells[cut] for cells in above)] if cut != slice(None) else above:
            named.update(self._section(cells, columns, below=False))
        near = first_day([cell for cells in above for cell in cells]) or first_day([sheet.name, self.path.stem])
        table = _Table(cut, columns, sheet, near, named, columns.day, first)
        table.plan = self._plan(table)
        return table

    def _plan(self, table: _Table) -> SheetPlan:
        columns, sheet, named = replace(table.columns, day=table.day), table.sheet, table.named
        return SheetPlan(columns, self._place("site", columns, sheet, named.get("site")),
                         self._place("activity", columns, sheet, named.get("activity"), table.first), self.batch_id,
                         *self.inserter.stores, near=table.near, named=named)

    def _place(self, what: str, columns: ColumnMap, sheet: Sheet, named: str | None,
               first: Sequence[Sequence[object]] = ()) -> Place:
        """Where a table's site (or activity) comes from: the option, else the row's column, else (for an empty
        cell) what the line above the rows names, else the sheet's name, else the file's, else its folder's.
        `first`: the table's first rows."""
        reference = self.workspace.reference
        find = reference.find_site if what == "site" else reference.find_activity
        vague = (reference.site_matcher if what == "site" else reference.activity_matcher).vague
        given = self.site if what == "site" else self.activity
        if given:
            return Place(what, None, given, (f"no_{what}", ()), find)
        fallback, reason = (named, (f"no_{what}", ())) if named else \
            place_from_names(what, find, (sheet.name, self.path.stem, self.path.parent.name))  # a folder per site
        if what == "activity" and columns.get(what) is None:
            if columns.get("act") is not None:
                return Place(what, columns.get("act"), fallback, reason, find, lenient=True, vague=vague)
            if fallback is None and columns.get("service") is not None:  # "Service: Radiologie", nothing else
                return Place(what, columns.get("service"), fallback, reason, find, lenient=True, vague=vague)
        # under a title naming the activity ("Bloc opératoire – Hôpital de Libramont"), an exam or a procedure
        # naming none ("PTH gauche", "Doppler veineux") is of it; so too under a sheet's or file's name, when the
        # column's first values name no other activity ("Contrôle", "Suivi" in consultations_arlon.xlsx; but
        # "Kinésithérapie" among scintigraphies in radiologie.xlsx is refused)
        column = columns.get(what)
        lenient = what == "activity" and (bool(named) or (
            fallback is not None and column is not None and self._agrees(column, first, fallback)))
        return Place(what, column, fallback, reason, find, lenient=lenient, vague=vague)

    def _agrees(self, column: int, rows: Sequence[Sequence[object]], activity: str) -> bool:
        """Whether the column names no activity but `activity` in these rows."""
        find = self.workspace.reference.find_activity
        for cells in rows:
            text = clean_text(cells[column]) if column < len(cells) else ""
            try:
                if text and find(text) not in (None, activity):
                    return False
            except Ambiguous:
                return False
        return True

    def _chunk(self, table: _Table, chunk: list[tuple[int, Sequence[object]]]) -> None:
        """Convert some rows (of one table) and set them aside for the writer. A line naming the site or activity of
        the rows below it (tables one under the other, each under its site's name), the day of a table without a
        date column, or a header laying the columns out otherwise (a table stacked under the first), changes the
        table's plan there: the rows below it are converted again."""
        numbers, rows = zip(*chunk)
        appointments, others = table.plan.convert(rows)
        turns = [(position, turn) for position in others
                 if (turn := self._turning(table, numbers[position], rows[position],
                                           rows[position + 1 : position + 1 + HEADER_SEARCH_ROWS]))]
        if not turns:
            self._converted(table, numbers, rows, appointments, others)
            return
        start = 0
        for position, turn in [*turns, (len(rows), None)]:
            if position > start:
                self._converted(table, numbers[start:position], rows[start:position],
                                *table.plan.convert(rows[start:position]))
            if turn is not None:
                self._turn(table, turn)
            start = position + 1

    def _turning(self, table: _Table, number: int, cells: Sequence[object],
                 below: Sequence[Sequence[object]]) -> _Turn | None:
        """What a line changes for the rows below it (the first of them: `below`), None when nothing: a header laying
        the columns out otherwise (not the same header again), a line naming something, or a day line in a table
        without a date column."""
        header = header_among_rows(number, cells, below, undated=table.columns.day is not None)
        if header is not None and (header.roles, header.phones) != (table.columns.roles, table.columns.phones):
            return _Turn({}, None, header)
        named = self._section(cells, table.columns)
        if not named and table.day is None:
            return None
        day = _day_line(cells, table.plan)
        return _Turn(named, day) if named or day is not None else None

    def _turn(self, table: _Table, turn: _Turn) -> None:
        """The rows from here on are of what the line named, of its day when it gave one, under its columns when it
        is a header."""
        month_first = table.plan.month_first
        table.named = {**table.named, **turn.named}
        table.ended = False
        if turn.columns is not None:
            table.columns = turn.columns
        if turn.day is not None and table.day is not None:
            table.day = turn.day
        elif turn.day is not None:
            self.day_lines[table] = turn.day
        table.plan = self._plan(table)
        table.plan.month_first = month_first

    def _section(self, cells: Sequence[object], columns: ColumnMap, below: bool = True) -> dict[str, str]:
        """What a line names for the rows below it: a site and an activity (codes, each only when it names one)
        alone in its row ("Arlon", "Radiologie – CH de l'Ardenne"), or after a label saying what ("Site : Arlon",
        "Site :" | "Arlon"), a doctor or a service so too ("Médecin : Dr Lambert"), a doctor by his title ("Dr
        Lambert – Cardiologie": and the service, or the site or activity, after a dash); a footer or an address
        names nothing. Among the rows (`below` the header), a text alone in a name column names them only when it is
        made of their names or written as no name is: "Bastogne Marie" there is a patient's row that lacks its date,
        kept with the rejects; "Consultations Virton – 19/04/2022" is a title."""
        label, text = _labelled(cells)
        if text is None or is_caption(cells) or (label is None and _ADDRESS.search(text)):
            return {}
        doctor = _doctor_line(text) if label is None else None
        if doctor is not None:  # his service, when the line names one, else none (not the doctor's before him)
            found = self._places(doctor[1], ("site", "activity")) if doctor[1] else {}
            return {"doctor": doctor[0], "service": "" if found else doctor[1], **found}
        if below and label is None and self._like_a_name(text) and any(
                index is not None and index < len(cells) and is_filled(cells[index])
                for index in (columns.get(role) for role in NAME_ROLES)):
            return {}
        whats = SECTION_LABELS.get(label, ()) if label else ("site", "activity")
        return {**{what: text for what in whats if what in ("doctor", "service")}, **self._places(text, whats)}

    def _places(self, text: str, whats: Sequence[str]) -> dict[str, str]:
        """The code of the site and of the activity (of those in `whats`) a text names, each when it names one."""
        reference = self.workspace.reference
        named = {}
        for what in (what for what in whats if what in ("site", "activity")):
            try:
                code = (reference.find_site if what == "site" else reference.find_activity)(text)
            except Ambiguous:
                continue
            if code:
                named[what] = code
        return named

    def _converted(self, table: _Table, numbers: Sequence[int], rows: Sequence[Sequence[object]],
                   appointments: list[tuple], others: list[int]) -> None:
        """Set converted rows aside for the writer, and the others with their reason; blank rows, the header again,
        a totals line and a caption are not data."""
        plan, columns = table.plan, table.columns
        if others:
            rows, others = self._under_day_lines(table, list(rows), others, appointments)
        previous = -1  # the table's closing totals line ends it when no row of data follows it
        for position in others:
            cells = rows[position]
            table.ended = table.ended and position == previous + 1
            previous = position
            if not any(cells) or self._not_data(cells, columns):
                table.ended = table.ended or is_totals(cells)
            elif not (table.ended and self._footer(cells)):
                self.rows += 1
                self._reject(table.sheet.name, numbers[position], plan.reason(cells), cells, columns)
        table.ended = table.ended and previous == len(rows) - 1
        self.rows += len(appointments)
        seen, pending = self.seen, self.pending
        for appointment in appointments:
            dedupe_key, birth = appointment[-1], appointment[BIRTH]
            if dedupe_key in seen and not same_patient(seen[dedupe_key], birth):
                appointment = other_patient(appointment)
                dedupe_key = appointment[-1]
            if dedupe_key in seen:
                self.duplicates += 1
                if seen[dedupe_key] is None:
                    seen[dedupe_key] = birth  # merged into the first row: a third row is judged by it
                if brings_anything(appointment):
                    self.again.append(appointment)
            else:
                seen[dedupe_key] = birth
                pending.append(appointment)

    def _under_day_lines(self, table: _Table, rows: list[Sequence[object]], others: list[int],
                         appointments: list[tuple]) -> tuple[list[Sequence[object]], list[int]]:
        """Rows grouped under a line giving their day ("Mardi 19/04/2022" alone in its row) and leaving their date
        cell empty: dated by it, converted again (their appointments added to `appointments`). Returns the rows
        (those dated so, as dated) and the positions still set aside, day lines left out (not data rows)."""
        plan = table.plan
        dated: list[int] = []
        left: list[int] = []
        for position in others:
            cells = rows[position]
            day = _day_line(cells, plan)
            if day is not None:
                self.day_lines[table] = day
            elif table in self.day_lines and plan.date is not None and plan.date < len(cells) \
                    and not is_filled(cells[plan.date]) and not self._not_data(cells, table.columns):
                rows[position] = [*cells[: plan.date], self.day_lines[table], *cells[plan.date + 1 :]]
                dated.append(position)
            else:
                left.append(position)
        if dated:
            more, still = plan.convert([rows[position] for position in dated])
            appointments.extend(more)
            left = sorted([*left, *(dated[index] for index in still)])
        return rows, left

    def _not_data(self, cells: Sequence[object], columns: ColumnMap) -> bool:
        """Blank (spaces only), the header again, a template's line saying how to fill the columns ("(jj/mm/aaaa)"), a
        totals line ("Total du jour" | 19/04/2022 | 12; but a dated row whose total is a formula's text, "@SUM(A1)"
        as its first name, is a bad row, kept with its reason), a caption (a footer, a part of the day heading the
        rows below), or a title line: not a data row, not counted."""
        if all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells):
            return True
        dated = any(index is not None and index < len(cells) and is_filled(cells[index])
                    and not is_totals([cells[index]]) for index in (columns.get(role) for role in DATE_ROLES))
        formula = any(isinstance(cell, str) and cell.lstrip()[:1] in ("=", "+", "-", "@") for cell in cells)
        return columns.is_header_again(cells) or is_format_hint(cells) or (
            is_totals(cells) and not (dated and formula)) or is_caption(cells) or self._title_line(cells, columns)

    def _title_line(self, cells: Sequence[object], columns: ColumnMap) -> bool:
        """One text alone in its row that names no patient: words without a digit outside the name columns (a note, a
        title; a number there may be a patient's, kept with the rejects), or a site or an activity's name (a title
        repeated at a page break: "Vivalia – Princesse Paola", "Consultations"), in a name column only when made of
        such names or written as no name is ("Bastogne Marie" there is a patient's row, kept with the rejects)."""
        filled = [(index, cell) for index, cell in enumerate(cells) if is_filled(cell)]
        if len(filled) != 1 or not isinstance(filled[0][1], str) or not any(map(str.isalpha, filled[0][1])):
            return False
        index, text = filled[0]
        reference = self.workspace.reference
        if index not in {columns.get(role) for role in NAME_ROLES}:
            if not any(map(str.isdigit, text)):
                return True
        elif self._like_a_name(text):
            return False
        for find in (reference.find_site, reference.find_activity):
            try:
                if find(text):
                    return True
            except Ambiguous:
                return True
        return False

    def _footer(self, cells: Sequence[object]) -> bool:
        """A line under a table's totals line: one text written as no name is ("Vivalia – Service informatique –
        063 23 11 11"). A name alone there ("Bastogne Marie") is a patient's row that lost the rest, kept with the
        rejects."""
        filled = [cell for cell in cells if is_filled(cell)]
        return len(filled) == 1 and isinstance(filled[0], str) and not self._like_a_name(filled[0].strip())

    def _like_a_name(self, text: str) -> bool:
        """Whether a text alone in a name column may be a patient's name: words of letters ("Bastogne Marie",
        "D'Hondt Anne-Marie"), not all of them words of titles ("Agenda du site de Bastogne")."""
        return all(map(_NAME_WORD.fullmatch, text.split())) and not self.workspace.reference.only_names(text)

    def _reject(self, sheet: str | None, number: int, reason: Reason, cells: Sequence[object],
                columns: ColumnMap) -> None:
        if reason not in self._reasons:
            values = dict(reason[1])
            self._reasons[reason] = (self.english.t(f"import.reason.{reason[0]}", **values),
                                     self.catalog.t(f"import.reason.{reason[0]}", **values))
        english, local = self._reasons[reason]
        texts = [cell_text(cell) for cell in cells]
        while texts and not texts[-1].strip():
            texts.pop()
        self.rejected.append(Rejected(sheet, number, english, local, tuple(texts), columns.headers))

    def _flush(self) -> None:
        """Hand the pending rows to the writer; report progress; check for a cancel."""
        self._check_cancel()
        if self.pending:
            self.writer.submit(self.pending)
            self.pending = []
        self._report_progress()

    def _store_rejects(self) -> None:
        """The rejected rows kept with their reasons, in the database and in a rejects workbook; the same file
        imported again with the same rows refused adds neither (its earlier rejects file is named again)."""
        if not self.rejected:
            return
        earlier = self._same_rejects_before()
        if earlier is not None:
            self.rejects_path = earlier
            return
        self.session.execute(insert(RejectedRow.__table__), [
            {"batch_id": self.batch_id, "file_name": self.path.name, "sheet": row.sheet, "row_number": row.row_number,
             "raw": json.dumps(row.cells, ensure_ascii=False), "reason": row.reason_en}
            for row in self.rejected
        ])
        self.rejects_path = write_rejects(self.workspace.home.rejects, self.path, self.rejected, self.catalog)

    def _same_rejects_before(self) -> Path | None:
        """The rejects workbook of an earlier import of this very file that refused the same rows for the same
        reasons, when it is still there."""
        mine = sorted((row.sheet or "", row.row_number, row.reason_en) for row in self.rejected)
        candidates = self.session.execute(
            select(ImportBatch.id, ImportBatch.rejects_file).where(
                ImportBatch.sha256 == self.sha256, ImportBatch.id != self.batch_id,
                ImportBatch.rejected == len(mine), ImportBatch.rejects_file.is_not(None))
            .order_by(ImportBatch.id)
        ).all()
        for batch_id, rejects_file in candidates:
            theirs = sorted(self.session.execute(
                select(RejectedRow.sheet, RejectedRow.row_number, RejectedRow.reason)
                .where(RejectedRow.batch_id == batch_id)).all())
            if [(sheet or "", number, reason) for sheet, number, reason in theirs] == mine \
                    and Path(rejects_file).is_file():
                return Path(rejects_file)
        return None

    def _check_cancel(self) -> None:
        if self.cancel is not None and self.cancel.is_set():
            raise ImportCancelled(self.catalog.t("import.error.line", file=self.path.name,
                                                 reason=self.catalog.t("import.error.cancelled")))

    def _report_progress(self, final: bool = False) -> None:
        """Rows read so far of the rows the sheets span (a guess while a big sheet is read in parts); once done,
        the rows read, of themselves."""
        if self.progress is not None:
            self.progress(self.done, self.done if final else max(self.total, self.done), self.message)


def _labelled(cells: Sequence[object]) -> tuple[str | None, str | None]:
    """A line of one text with a letter: (the role of the column its label names, the text after the label) for
    "Médecin : Dr Lambert" or "Médecin :" | "Dr Lambert"; (None, the text) for a text alone without such a label;
    (None, None) for any other line."""
    filled = [cell for cell in cells if is_filled(cell)]
    if not 1 <= len(filled) <= 2 or not all(isinstance(cell, str) for cell in filled):
        return None, None
    if len(filled) == 2:
        label, text = filled[0].strip(), filled[1].strip()
        role = column_role(label) if label.endswith(":") else None
        if role not in SECTION_LABELS:
            return None, None
    else:
        label, colon, value = filled[0].partition(":")
        role = column_role(label) if colon else None
        role, text = (role, value.strip()) if role in SECTION_LABELS else (None, filled[0].strip())
    return (role, text) if any(map(str.isalpha, text)) else (None, None)


def _doctor_line(text: str) -> tuple[str, str] | None:
    """A line naming a doctor by his title ("Dr Lambert", "Pr. Noël – Cardiologie"): (the doctor, what follows a
    dash), else None."""
    words = tokens(text)
    if len(words) < 2 or words[0] not in DOCTOR_TITLES:
        return None
    doctor, *rest = _DASH.split(text, maxsplit=1)
    return doctor.strip(), rest[0].strip() if rest else ""


def _head(rows: list[tuple[int, Sequence[object]]]) -> list[tuple[int, Sequence[object]]]:
    """The first rows, where the header row is looked for: up to HEADER_SEARCH_ROWS filled ones, at most
    HEADER_SEARCH_SPAN in all."""
    filled = 0
    for position, (_, cells) in enumerate(rows[:HEADER_SEARCH_SPAN]):
        filled += 1 if any(cells) else 0
        if filled >= HEADER_SEARCH_ROWS:
            return rows[: position + 1]
    return rows[:HEADER_SEARCH_SPAN]


def _day_line(cells: Sequence[object], plan: SheetPlan) -> date | None:
    """The day a line alone in its row gives to the rows below it ("Mardi 19/04/2022", "Consultations du mardi
    19/04/2022", a date cell), else None. A footer ("Imprimé le 18/04/2022") gives none, nor a bare number (a
    count)."""
    filled = [cell for cell in cells if is_filled(cell)]
    if len(filled) != 1 or isinstance(filled[0], (int, float)) or is_caption(cells):
        return None
    day = to_date(filled[0], month_first=bool(plan.month_first), near=plan.near)
    return day if day is not None or not isinstance(filled[0], str) else day_named(filled)


def imported_before(workspace, paths: Iterable[Path]) -> set[Path]:
    """The files whose very content (same sha256) an earlier import already took in (an import that failed left
    nothing); a file that cannot be read is not among them."""
    digests: dict[str, list[Path]] = {}
    for path in paths:
        try:
            digests.setdefault(_sha256(path), []).append(path)
        except OSError:
            continue
    if not digests:
        return set()
    with workspace.session(readonly=True) as session:
        known = set(session.execute(select(ImportBatch.sha256).where(ImportBatch.sha256.in_(list(digests)))).scalars())
    return {path for digest in known for path in digests[digest]}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()
