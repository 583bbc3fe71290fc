"""Shared by the telling tests: export in a test session, read the written files back as a secretary's
program would (csv module, openpyxl), and a disk that fills up while a workbook is saved."""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from openpyxl import Workbook, load_workbook

from crisis_tui.core.documents.call_lists import COLUMNS, export_calls
from crisis_tui.core.documents.sms_batch import export_sms
from crisis_tui.core.told import run_export
from crisis_tui.i18n import Catalog

D1, D2 = date(2026, 12, 7), date(2026, 12, 8)


def sms_export(workspace, out: Path, day_from=D1, day_to=None, lang="fr", **options):
    return run_export(workspace, export_sms, workspace.reference, Catalog(lang), day_from, day_to or day_from,
                      out, **options)


def calls_export(workspace, out: Path, day_from=D1, day_to=None, lang="fr", **options):
    return run_export(workspace, export_calls, workspace.reference, Catalog(lang), day_from, day_to or day_from,
                      out, **options)


def failing_saves(monkeypatch) -> None:
    """Every workbook save writes its file, then fails with OSError("disk full"), as a full disk would."""
    save = Workbook.save

    def broken(wb, filename):
        save(wb, filename)
        raise OSError("disk full")

    monkeypatch.setattr(Workbook, "save", broken)


def read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def read_sms_xlsx(path: Path) -> list[dict[str, object]]:
    ws = load_workbook(path).active
    rows = list(ws.iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def read_call_lists(path: Path) -> dict[str, list[dict[str, object]]]:
    """Sheet name -> its rows, keyed by column name (COLUMNS order, whatever the header language)."""
    sheets = {}
    for ws in load_workbook(path):
        rows = list(ws.iter_rows(values_only=True))
        sheets[ws.title] = [dict(zip(COLUMNS, row)) for row in rows[1:] if any(v is not None for v in row)]
    return sheets

