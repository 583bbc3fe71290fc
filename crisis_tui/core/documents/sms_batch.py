"""The SMS batch: one row per appointment told by SMS, as CSV (UTF-8, comma-separated, for the SMS gateway)
and its .xlsx twin. Column names are fixed (CLI.md), whatever the language of the messages.

The SMS goes to the appointment's first number (a mobile: numbers are stored mobiles first). `gsm7` brings
every message back to GSM-7 (`sms_text.transliterate`), so that each part holds 153-160 characters, not 67-70.
A batch holds every patient to be told by SMS; with `new_only`, those who already received the very same message
(an earlier batch, sent before a later meeting added patients) are left out, so that nobody gets it twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from sqlmodel import Session

from crisis_tui.core.clock import now_local
from crisis_tui.core.documents.workbook import (
    FileGroup, append_header, atomic_save, freeze_header, output_path, set_widths, setup_print, text_cell, write_csv,
)
from crisis_tui.core.messages import Wording, clock, first_phone
from crisis_tui.core.reference import Reference
from crisis_tui.core.sms_text import encoding_of, segments, transliterate
from crisis_tui.core.told import Entry, ExportResult, Progress, collect, record, sms_sent
from crisis_tui.i18n import Catalog, Message

SMS_COLUMNS = ("reference", "phone", "message", "segments", "encoding", "site", "activity", "service", "date",
               "time", "last_name", "first_name", "doctor", "status", "change")
WIDTHS = (11, 15, 80, 9, 9, 6, 13, 18, 11, 6, 18, 14, 18, 11, 7)
PROGRESS_EVERY = 500


def sms_row(entry: Entry, message: str) -> tuple:
    """The batch's row for one appointment (values in SMS_COLUMNS order)."""
    a, verdict = entry.appointment, entry.told.verdict
    return (entry.reference, first_phone(a.phones), message, segments(message), encoding_of(message), a.site,
            a.activity, a.service, a.day.isoformat(), clock(a.start), a.last_name, a.first_name, a.doctor,
            verdict.status, int(verdict.change))


def _write_xlsx(files: FileGroup, path: Path, rows: Sequence[tuple], title: str, confidential: str,
                made: str) -> Path:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("SMS")
    setup_print(ws, header_left=confidential, header_center=title, footer_right=made)
    freeze_header(ws)
    set_widths(ws, WIDTHS)
    append_header(ws, SMS_COLUMNS)
    for row in rows:
        ws.append([text_cell(ws, v) if isinstance(v, str) else v for v in row])
    return atomic_save(wb, path, files)


def write_sms_batch(files: FileGroup, out_dir: Path, day_from: date, day_to: date, rows: Sequence[tuple],
                    wording: Wording, now: datetime) -> list[Path]:
    """The CSV and its xlsx twin, written into `files` (published together, or neither)."""
    stem = wording.t("telling.file.sms")
    csv_path = output_path(out_dir, stem, day_from, day_to, "csv", now)
    write_csv(csv_path, SMS_COLUMNS, rows, files=files)
    xlsx_path = csv_path.with_suffix(".xlsx")
    if xlsx_path.exists():
        xlsx_path = output_path(out_dir, stem, day_from, day_to, "xlsx", now)
    _write_xlsx(files, xlsx_path, rows, f"SMS {wording.days(day_from, day_to)}", wording.t("telling.confidential"),
                wording.made_at(now))
    return [csv_path, xlsx_path]


def export_sms(session: Session, reference: Reference, catalog: Catalog, day_from: date, day_to: date,
               out_dir: Path, *, files: FileGroup, gsm7: bool = False, new_only: bool = False,
               now: datetime | None = None, progress: Progress | None = None) -> ExportResult:
    """Write the SMS batch of the range into `files` and record what each patient was told (see `run_export`
    for when the files are published). Counts: every channel. `new_only`: without the patients an earlier batch
    already sent the same message (with or without accents), counted in `already_told`."""
    now = now or now_local()
    wording = Wording(catalog, reference)
    collected = collect(session, reference, wording, day_from, day_to, {"sms"})
    entries = collected.entries
    already_told = notice = None
    if new_only:
        sent = sms_sent(session, day_from, day_to)
        new = [e for e in entries if not {e.message, transliterate(e.message)} & sent.get(e.appointment.id, set())]
        entries, already_told = new, len(entries) - len(new)
        notice = Message("telling.cli.already_sent", count=already_told) if already_told else None
    messages = [transliterate(e.message) if gsm7 else e.message for e in entries]
    rows = []
    for n, (entry, message) in enumerate(zip(entries, messages), start=1):
        rows.append(sms_row(entry, message))
        if progress and n % PROGRESS_EVERY == 0:
            progress(n, len(entries))
    paths = write_sms_batch(files, out_dir, day_from, day_to, rows, wording, now)
    record(session, entries, paths[0], messages)
    if progress:
        progress(len(entries), len(entries))
    return ExportResult(paths, collected.counts, notice, already_told=already_told)
