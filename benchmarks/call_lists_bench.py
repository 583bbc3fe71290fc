"""Call lists for N appointments (default 10k): our writer vs a bare openpyxl write-only write of the same cells.

python benchmarks/call_lists_bench.py [appointments] [runs]

The bare write gets the very cell values our lists hold (same sheets, same rows), as plain values, and none of
the print setup, styles, row heights, page breaks or drop-downs. The target is a ratio within 1.5x. The whole
export (reading the database, deciding who is told, wording, recording the notifications, writing) is timed too.
Ratios are of CPU seconds of this process (`time.process_time`): on a shared 2-core machine, wall time mostly
measures the neighbours (it is printed too).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import insert

from crisis_tui.config import Home
from crisis_tui.core.decisions import decide
from crisis_tui.core.documents.call_lists import (CALL_CHANNELS, COLUMNS, call_row, export_calls, plan_sheets,
                                                  write_call_lists)
from crisis_tui.core.meetings import open_meeting
from crisis_tui.core.messages import Wording
from crisis_tui.core.models import Appointment, Override
from crisis_tui.core.text import key
from crisis_tui.core.told import collect, run_export
from crisis_tui.core.workspace import Workspace
from crisis_tui.i18n import Catalog

DAY = date(2026, 12, 7)
SITES = ("ARL", "LIB", "MAR", "BAS", "VIR")
SERVICES = ("Cardiologie", "Oncologie", "Pneumologie", "Orthopédie", "Dermatologie", "Pédiatrie")
PHONES = (("+3261212121", "landline"), ("+32475123456;+3263555555", "mobile"), ("", "none"),
          ("+352621123456", "landline"))


def fill(workspace: Workspace, n: int) -> None:
    """n appointments: consultations (cancelled, called on landlines, one doctor keeping his) and surgeries
    (case by case: everyone called)."""
    rows = []
    for i in range(n):
        phones, kind = PHONES[i % len(PHONES)]
        if kind == "mobile" and i % 3:
            phones, kind = PHONES[0]
        start = datetime.combine(DAY, datetime.min.time()) + timedelta(hours=7, minutes=(i * 7) % 660)
        service, doctor = SERVICES[i % len(SERVICES)], f"Dr Médecin{i % 40}"
        rows.append({
            "site": SITES[i % len(SITES)], "activity": "surgery" if i % 5 == 0 else "consultation",
            "start": start, "day": DAY, "service": service, "doctor": doctor, "last_name": f"Dupont-{i}",
            "first_name": "Marie", "phones": phones, "phone_kind": kind, "phone_kinds": kind,
            "patient_key": key(f"Dupont {i} Marie"), "doctor_key": key(doctor), "service_key": key(service),
            "dedupe_key": f"bench|{i}",
        })
    with workspace.session() as session:
        session.execute(insert(Appointment), rows)
        meeting = open_meeting(session, DAY - timedelta(days=1))
        decide(session, meeting, list(SITES), ["consultation"], DAY, DAY, "cancelled")
        decide(session, meeting, list(SITES), ["surgery"], DAY, DAY, "case_by_case")
        session.add(Override(meeting_id=meeting.id, scope="doctor", activity="consultation", day_from=DAY,
                             day_to=DAY, value="Médecin7", status="maintained"))


def bare(sheets, wording: Wording, path: Path) -> None:
    wb = Workbook(write_only=True)
    for sheet in sheets:
        ws = wb.create_sheet(sheet.name[:31])
        ws.append(["header"] * len(COLUMNS))
        for entry in sheet.entries:
            ws.append(call_row(entry, wording))
    wb.save(path)


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    catalog = Catalog("fr")
    with tempfile.TemporaryDirectory() as tmp:
        workspace = Workspace.open(Home(Path(tmp) / "home").ensure())
        fill(workspace, n)
        wording = Wording(catalog, workspace.reference)
        with workspace.session() as session:
            entries = collect(session, workspace.reference, wording, DAY, DAY, CALL_CHANNELS).entries
        sheets = plan_sheets(entries, wording, secretaries=2)
        rows = sum(len(s.entries) for s in sheets)
        times: dict[str, list[float]] = {"bare": [], "ours": [], "export": []}
        walls: dict[str, list[float]] = {"bare": [], "ours": [], "export": []}
        now = datetime(2026, 12, 6, 18, 0)

        def timed(name, fn, *args, **kwargs) -> None:
            cpu, wall = time.process_time(), time.perf_counter()
            fn(*args, **kwargs)
            times[name].append(time.process_time() - cpu)
            walls[name].append(time.perf_counter() - wall)

        for run in range(runs):
            timed("bare", bare, sheets, wording, Path(tmp) / f"bare{run}.xlsx")
            timed("ours", write_call_lists, Path(tmp) / f"ours{run}.xlsx", sheets, wording, DAY, DAY, now)
        for _ in range(max(1, runs // 2)):
            timed("export", run_export, workspace, export_calls, workspace.reference, catalog, DAY, DAY,
                  Path(tmp) / "out", secretaries=2)
        workspace.close()
    cpu = {name: statistics.median(t) for name, t in times.items()}
    wall = {name: statistics.median(t) for name, t in walls.items()}
    print(f"{n} appointments, {rows} rows on {len(sheets)} sheets, median of {runs} (CPU s / wall s): "
          f"bare {cpu['bare']:.2f} / {wall['bare']:.2f}, call lists {cpu['ours']:.2f} / {wall['ours']:.2f}, "
          f"ratio {cpu['ours'] / cpu['bare']:.2f} / {wall['ours'] / wall['bare']:.2f}; whole export (database to "
          f"file, notifications recorded) {cpu['export']:.2f} / {wall['export']:.2f}")


if __name__ == "__main__":
    main()
