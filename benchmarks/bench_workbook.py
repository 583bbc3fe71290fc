"""Call-list sized write: bare openpyxl write-only vs the same cells through the shared helpers.

python benchmarks/bench_workbook.py [rows]   (the call lists must stay within 1.5x of the bare write)
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from openpyxl import Workbook

from crisis_tui.core.documents.workbook import (
    add_list_validation, append_header, atomic_save, freeze_header, set_widths, setup_print, status_style,
    text_cell,
)

HEADERS = ["Nom", "Prénom", "Téléphone", "Autre numéro", "Date", "Heure", "Activité", "Médecin", "Site",
           "Statut", "Issue", "Remarque"]


def _rows(n: int) -> list[list[str]]:
    return [[f"Dupont{i}", f"Marie{i}", "+32475123456", "061 21 21 21", "2026-12-07", "08:30",
             "Consultation", "Dr D'Hondt", "CHA", "cancelled", "", "=1+1" if i % 100 == 0 else ""]
            for i in range(n)]


def bare(rows, path: Path) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Appels")
    ws.append(HEADERS)
    for row in rows:
        ws.append(row)
    wb.save(path)


def helpers(rows, path: Path) -> None:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Appels")
    setup_print(ws, header_center="Liste d'appel", header_right="2026-12-07")
    freeze_header(ws)
    set_widths(ws, [18, 14, 16, 16, 11, 7, 16, 16, 10, 12, 14, 30])
    append_header(ws, HEADERS)
    status = status_style("cancelled")
    for row in rows:
        ws.append([text_cell(ws, v) for v in row[:9]] + [text_cell(ws, row[9], status)]
                  + [text_cell(ws, v) for v in row[10:]])
    add_list_validation(ws, f"K2:K{len(rows) + 1}", ["Joint", "Messagerie", "Pas de réponse", "Faux numéro"])
    atomic_save(wb, path)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    rows = _rows(n)
    times: dict[str, list[float]] = {"bare": [], "helpers": []}
    with tempfile.TemporaryDirectory() as tmp:
        for run in range(5):
            for name, fn in (("bare", bare), ("helpers", helpers)):
                start = time.perf_counter()
                fn(rows, Path(tmp) / f"{name}{run}.xlsx")
                times[name].append(time.perf_counter() - start)
    medians = {name: statistics.median(t) for name, t in times.items()}
    print(f"{n} rows x {len(HEADERS)} columns, median of 5: bare {medians['bare']:.2f} s, "
          f"helpers {medians['helpers']:.2f} s, ratio {medians['helpers'] / medians['bare']:.2f}")


if __name__ == "__main__":
    main()
