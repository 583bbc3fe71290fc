"""The rejects workbook: every row set aside, with its row number, sheet and reason, then its cells as text."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from openpyxl import Workbook

from crisis_tui.core.clock import today
from crisis_tui.core.documents.workbook import append_header, atomic_save, output_path, text_cell
from crisis_tui.i18n import Catalog


@dataclass(frozen=True)
class Rejected:
    sheet: str | None
    row_number: int
    reason_en: str  # what the database keeps
    reason: str  # in the workbook's language
    cells: tuple[str, ...]  # the row's cells as text
    headers: tuple[str, ...]  # its sheet's header row


def write_rejects(directory: Path, source: Path, rejected: Sequence[Rejected], catalog: Catalog) -> Path:
    """`<source stem>_rejets_<day>_<stamp>.xlsx` in `directory`, every cell written as text (=1+1 stays text)."""
    t = catalog.t
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(t("import.rejects.sheet_title"))
    labels = (t("import.rejects.row"), t("import.rejects.sheet"), t("import.rejects.reason"))
    headers: tuple[str, ...] | None = None
    for row in rejected:
        if row.headers != headers:  # each sheet's rows under its own header
            headers = row.headers
            append_header(sheet, [*labels, *headers])
        values = (row.row_number, row.sheet or "", row.reason, *row.cells)
        sheet.append([text_cell(sheet, value) for value in values])
    stem = f"{source.stem}_{t('import.rejects.sheet_title').lower()}"
    return atomic_save(workbook, output_path(directory, stem, today(), None, "xlsx"))
