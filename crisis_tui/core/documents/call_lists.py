"""Call lists: one print-ready workbook for the secretaries and the doctors.

Sheets: one per site (or per secretary when a site's calls are split into N balanced parts in time order: the
first the earliest calls), sorted by service then time, a page break before each service; the doctors' own calls
grouped by doctor (a page each); the unreachable patients (a page per site). Every sheet: A4 landscape, one page
wide, the header row repeated and frozen, "CONFIDENTIEL" + title + date in the page header, "page x / y" and the
time made in the footer, an outcome drop-down, no formula (every text goes through `text_cell`). A patient called before shows his last
call's outcome as read back ("Faux numéro (07/12 10:32)", `told.last_calls`), so that nobody dials a wrong number
again or calls back a patient reached with what the list says now.

LibreOffice does not grow a row for wrapped text on its own: each row taller than one line gets its height
from the wrapped "what to tell" (or its several phone numbers, one a line, or its last call).
"""

from __future__ import annotations

import re
import textwrap
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, NamedStyle, Side
from openpyxl.utils import get_column_letter
from sqlmodel import Session

from crisis_tui.core.clock import now_local
from crisis_tui.core.documents.workbook import (
    STATUS_COLOURS, FileGroup, add_list_validation, append_header, atomic_save, freeze_header, output_path,
    page_break_before, register_styles, set_widths, setup_print, status_fill, text_cell,
)
from crisis_tui.core.messages import Wording, display_phones
from crisis_tui.core.models import OUTCOMES
from crisis_tui.core.reference import Reference
from crisis_tui.core.text import key
from crisis_tui.core.told import Entry, ExportResult, Progress, collect, record, split_balanced
from crisis_tui.i18n import Catalog, Message

COLUMNS = ("reference", "date", "time", "patient", "phones", "activity", "service", "doctor", "site", "status",
           "tell", "outcome", "notes", "last_call")
WIDTHS = (9, 10, 6, 22, 17, 13, 14, 14, 11, 18, 45, 13, 20, 20)
REFERENCE, TELL, STATUS, PHONES, LAST_CALL = (COLUMNS.index(c)
                                              for c in ("reference", "tell", "status", "phones", "last_call"))
LINE_HEIGHT = 15.0  # points per line of the default 11-point font
CALL_CHANNELS = ("call", "doctor_call", "unreachable")
WRAP_STYLE = "crisis_wrap"
FLAGGED = ("maintained", "cancelled", "stopped", "pending")  # statuses a change or a pending row shows in colour
PROGRESS_EVERY = 500
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


@dataclass
class CallSheet:
    name: str
    title: str  # centre of the page header
    entries: list[Entry]
    group: Callable[[Entry], str]  # a new printed page starts when it changes


def patient_name(appointment) -> str:
    """The patient as the lists show him (and as the outcomes reader compares him)."""
    return f"{appointment.last_name} {appointment.first_name}".strip()


def call_row(entry: Entry, wording: Wording) -> list:
    a = entry.appointment
    # no usable number: what the export held, else said (a doctor calling his own patients finds it in his files)
    phones = display_phones(a.phones, "\n") if a.phones else a.phone_raw or wording.t("telling.no_number")
    return [entry.reference, wording.date(a.day), wording.time(a.start), patient_name(a), phones,
            wording.activity(a.activity), a.service, a.doctor, wording.site(a.site),
            wording.status(entry.told.verdict), entry.message, None, None, entry.last_call or None]


def _service(entry: Entry) -> str:
    return key(entry.appointment.service)


def plan_sheets(entries: Sequence[Entry], wording: Wording, secretaries: int = 1) -> list[CallSheet]:
    """The sheets of the workbook, in print order. The unreachable sheet is always there (maybe empty)."""
    t = wording.t
    sites: dict[str, list[Entry]] = {}
    for entry in entries:
        if entry.channel == "call":
            sites.setdefault(entry.appointment.site, []).append(entry)
    sheets: list[CallSheet] = []
    for site in sorted(sites, key=wording.site_order):
        calls = sorted(sites[site], key=lambda e: (e.appointment.start, e.appointment.id))
        name = wording.site(site)
        # each secretary the next hours of the site's calls, printed by service (a page each) then time
        parts = [sorted(part, key=_service) for part in split_balanced(calls, secretaries)]
        if len(parts) == 1:
            sheets.append(CallSheet(name, t("telling.sheet.site_title", site=name), parts[0], _service))
            continue
        for n, part in enumerate(parts, start=1):
            sheets.append(CallSheet(t("telling.sheet.part", site=name, n=n, of=len(parts)),
                                    t("telling.sheet.part_title", site=name, n=n, of=len(parts)), part, _service))
    doctors = sorted((e for e in entries if e.channel == "doctor_call"),
                     key=lambda e: (e.appointment.doctor_key, e.appointment.start, e.appointment.id))
    if doctors:
        sheets.append(CallSheet(t("telling.sheet.doctors"), t("telling.sheet.doctors_title"), doctors,
                                lambda e: e.appointment.doctor_key))
    unreachable = sorted((e for e in entries if e.channel == "unreachable"),
                         key=lambda e: (wording.site_order(e.appointment.site), e.appointment.start,
                                        e.appointment.id))
    sheets.append(CallSheet(t("telling.sheet.unreachable"), t("telling.sheet.unreachable_title"), unreachable,
                            lambda e: e.appointment.site))
    return sheets


class _Heights:
    """Lines a text takes in a column of `width` characters (word wrap, cached: most rows share their text)."""

    def __init__(self, width: int) -> None:
        self.width = width
        self._lines: dict[str, int] = {}

    def lines(self, text: str) -> int:
        if text not in self._lines:
            self._lines[text] = max(1, len(textwrap.wrap(text, self.width - 1)))
        return self._lines[text]


class _Cells:
    """Row values to cells, for one workbook: a text that recurs (a date, a service, a doctor) is checked once;
    the "what to tell" wraps, so do several phone numbers, a flagged status and the last call; each row's height
    in lines. A wrapped text that recurs is one styled cell, appended again: a write-only sheet writes a row's
    cells out as it is appended (openpyxl 3.1), so the next append only moves the cell."""

    def __init__(self) -> None:
        self._plain: dict[str, str] = {}
        self._wrapped: dict[str, object] = {}
        self._tell, self._status = _Heights(WIDTHS[TELL]), _Heights(WIDTHS[STATUS])
        self._last_call = _Heights(WIDTHS[LAST_CALL])

    def _wrap(self, ws, text: str):
        if text not in self._wrapped:
            self._wrapped[text] = text_cell(ws, text, WRAP_STYLE)
        return self._wrapped[text]

    def _text(self, ws, value):
        plain = self._plain.get(value) if isinstance(value, str) else None
        if plain is not None:
            return plain
        cell = text_cell(ws, value)
        if isinstance(cell, str):
            self._plain[value] = cell
        return cell

    def row(self, ws, entry: Entry, wording: Wording) -> tuple[list, int]:
        values = call_row(entry, wording)
        cells = [self._text(ws, v) for v in values]
        cells[REFERENCE] = values[REFERENCE]  # ours: a letter, digits and a dash
        cells[TELL] = self._wrap(ws, values[TELL])
        lines = self._tell.lines(values[TELL])
        numbers = values[PHONES].count("\n") + 1 if values[PHONES] else 1
        if numbers > 1:
            cells[PHONES] = self._wrap(ws, values[PHONES])
            lines = max(lines, numbers)
        verdict = entry.told.verdict
        if verdict.change or verdict.pending:
            cells[STATUS] = text_cell(ws, values[STATUS], _flag_style(verdict.status))
            lines = max(lines, self._status.lines(values[STATUS]))
        if entry.last_call:
            cells[LAST_CALL] = self._wrap(ws, entry.last_call)
            lines = max(lines, self._last_call.lines(entry.last_call))
        return cells, lines


def _flag_style(status: str) -> str:
    return f"crisis_told_{status}"


def _add_styles(wb: Workbook) -> None:
    """Wrapped text; and, for the status of a change or a pending row, the status colours, wrapped."""
    register_styles(wb)
    wb.add_named_style(NamedStyle(name=WRAP_STYLE, alignment=Alignment(wrap_text=True)))
    thin = Side(style="thin", color="808080")
    for status in FLAGGED:
        wb.add_named_style(NamedStyle(name=_flag_style(status), font=Font(bold=True, color=STATUS_COLOURS[status][1]),
                                      fill=status_fill(status), alignment=Alignment(wrap_text=True),
                                      border=Border(left=thin, right=thin, top=thin, bottom=thin)))


def _sheet_name(name: str, taken: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub("-", name).strip("'")[:31] or "-"
    candidate, n = base, 1
    while candidate.casefold() in taken:
        n += 1
        candidate = f"{base[:31 - len(str(n)) - 1]} {n}"
    taken.add(candidate.casefold())
    return candidate


def _write_sheet(wb: Workbook, sheet: CallSheet, wording: Wording, cells: _Cells, taken: set[str], days: str,
                 made: str, tick: Callable[[], None]) -> None:
    """One sheet. The most common row height is the sheet's default (one setting, not one per row: LibreOffice
    does not fit rows to wrapped text itself); rows of another height carry their own."""
    t = wording.t
    ws = wb.create_sheet(_sheet_name(sheet.name, taken))
    rows = [cells.row(ws, entry, wording) for entry in sheet.entries]
    usual = Counter(lines for _, lines in rows).most_common(1)[0][0] if rows else 1
    ws.sheet_format.defaultRowHeight = LINE_HEIGHT * usual
    ws.sheet_format.customHeight = True
    ws.row_dimensions[1].height = LINE_HEIGHT
    setup_print(ws, title_rows="1:1", header_left=t("telling.confidential"), header_center=sheet.title,
                header_right=days, footer_center="page &P / &N", footer_right=made)
    freeze_header(ws)
    set_widths(ws, WIDTHS)
    append_header(ws, [t(f"telling.column.{c}") for c in COLUMNS])
    previous = None
    for row_number, (entry, (row, lines)) in enumerate(zip(sheet.entries, rows), start=2):
        group = sheet.group(entry)
        if previous is not None and group != previous:
            page_break_before(ws, row_number)
        previous = group
        if lines != usual:
            ws.row_dimensions[row_number].height = LINE_HEIGHT * lines
        ws.append(row)
        tick()
    column = get_column_letter(COLUMNS.index("outcome") + 1)
    add_list_validation(ws, f"{column}2:{column}{len(sheet.entries) + 1}" if sheet.entries else f"{column}2",
                        [t(f"outcome.{o}") for o in OUTCOMES])


def write_call_lists(path: Path, sheets: Sequence[CallSheet], wording: Wording, day_from: date, day_to: date,
                     now: datetime, progress: Progress | None = None, files: FileGroup | None = None) -> Path:
    """The workbook at `path` (atomic, never overwritten; in `files` if given, published with them);
    `progress(done, total)` as rows go in."""
    wb = Workbook(write_only=True)
    _add_styles(wb)
    total = sum(len(s.entries) for s in sheets)
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if progress and done % PROGRESS_EVERY == 0:
            progress(done, total)

    taken: set[str] = set()
    cells = _Cells()
    days, made = wording.days(day_from, day_to), wording.made_at(now)
    for sheet in sheets:
        _write_sheet(wb, sheet, wording, cells, taken, days, made, tick)
    atomic_save(wb, path, files)
    if progress:
        progress(total, total)
    return path


def export_calls(session: Session, reference: Reference, catalog: Catalog, day_from: date, day_to: date,
                 out_dir: Path, *, files: FileGroup, secretaries: int = 1, new_only: bool = False,
                 now: datetime | None = None, progress: Progress | None = None) -> ExportResult:
    """Write the call lists of the range into `files` and record what each patient is to be told (see
    `run_export` for when the files are published). Counts: every channel. `new_only`: without the patients a call
    already reached with what they are to be told now (read back by `outcomes`), counted in `already_told`."""
    now = now or now_local()
    wording = Wording(catalog, reference)
    collected = collect(session, reference, wording, day_from, day_to, CALL_CHANNELS)
    entries, already_told, notice = collected.entries, None, None
    if new_only:
        entries = [entry for entry in entries if not entry.reached]
        already_told = len(collected.entries) - len(entries)
        notice = Message("telling.cli.already_reached", count=already_told) if already_told else None
    path = output_path(out_dir, wording.t("telling.file.calls"), day_from, day_to, "xlsx", now)
    sheets = plan_sheets(entries, wording, secretaries)
    record(session, entries, path)
    write_call_lists(path, sheets, wording, day_from, day_to, now, progress, files)
    return ExportResult([path], collected.counts, notice, already_told=already_told)
