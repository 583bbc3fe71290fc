"""Opening the review screen on a cell of 100 appointments vs one of 10,000: time until the first page is painted.

python benchmarks/review_bench.py [big] [repeats]   (target: the big cell within 1.5x of the small one)

Both cells are case by case with a doctor's exception and a tenth of the patients already decided, so the page,
the search-free total and the pending counter all go through the effective status in SQL.
"""

from __future__ import annotations

import asyncio
import statistics
import sys
import tempfile
import time as clock
from datetime import date, datetime, time
from pathlib import Path

from textual.app import App

from crisis_tui.config import Home
from crisis_tui.core.decisions import decide
from crisis_tui.core.meetings import open_meeting
from crisis_tui.core.models import Appointment
from crisis_tui.core.overrides import add_override, decide_patients
from crisis_tui.core.text import key
from crisis_tui.core.workspace import Workspace
from crisis_tui.i18n import Catalog
from crisis_tui.ui.screens.review import ReviewScreen

DAY = date(2026, 12, 7)
DOCTORS = ("Dr Pirson", "Dr Lemaire", "Dr Lambert", "Dr Collard")
SERVICES = ("Urologie", "Orthopédie", "Oncologie")


def filled(root: Path, n: int) -> tuple[Workspace, int]:
    workspace = Workspace.open(Home(root).ensure())
    with workspace.session() as s:
        rows = []
        for i in range(n):
            start = datetime.combine(DAY, time(7 + (i // 60) % 12, i % 60))
            doctor, service = DOCTORS[i % len(DOCTORS)], SERVICES[i % len(SERVICES)]
            last, first = f"Patient{i:05d}", "Marie"
            rows.append(Appointment(
                site="LIB", activity="surgery", start=start, day=DAY, doctor=doctor, service=service,
                last_name=last, first_name=first, phones="+3261212121", phone_kinds="landline", phone_kind="landline",
                patient_key=key(f"{last} {first}"), doctor_key=key(doctor), service_key=key(service),
                dedupe_key=f"LIB|surgery|{i}",
            ))
        s.add_all(rows)
        s.flush()
        meeting = open_meeting(s, DAY, chair="Dr Chair")
        decide(s, meeting, ["LIB"], ["surgery"], DAY, DAY, "case_by_case")
        add_override(s, meeting, scope="doctor", value="Lambert", activity="surgery", site="LIB", day_from=DAY,
                     day_to=DAY, status="maintained")
        decide_patients(s, meeting, [r.id for r in rows[::10]], "cancelled", "bench", "Dr DM")
        return workspace, meeting.id


class Host(App):
    pass


async def paint_time(pilot, workspace: Workspace, meeting_id: int) -> float:
    """Seconds from pushing the screen to the refresh that paints its first page."""
    screen = ReviewScreen(workspace, Catalog("fr"), meeting_id, "LIB", "surgery", DAY, DAY)
    started = clock.perf_counter()
    await pilot.app.push_screen(screen)
    while not (screen.idle and screen.page is not None):
        await asyncio.sleep(0.001)
    painted = asyncio.get_running_loop().create_future()
    screen.call_after_refresh(lambda: painted.set_result(clock.perf_counter()))
    elapsed = await painted - started
    pilot.app.pop_screen()
    await pilot.pause()
    return elapsed


async def measure(cells: dict[int, tuple[Workspace, int]], repeats: int) -> dict[int, list[float]]:
    """Small and big cells in turn (so that a busy machine weighs on both alike); the first round warms up."""
    times: dict[int, list[float]] = {n: [] for n in cells}
    async with Host().run_test(size=(160, 50)) as pilot:
        for _ in range(repeats + 1):
            for n, (workspace, meeting_id) in cells.items():
                times[n].append(await paint_time(pilot, workspace, meeting_id))
    return {n: values[1:] for n, values in times.items()}


def main() -> int:
    big = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 9
    with tempfile.TemporaryDirectory() as tmp:
        cells = {n: filled(Path(tmp) / str(n), n) for n in (100, big)}
        times = asyncio.run(measure(cells, repeats))
        for workspace, _ in cells.values():
            workspace.close()
    medians = {n: statistics.median(values) for n, values in times.items()}
    for n, values in times.items():
        print(f"{n:>6} appointments: median {medians[n] * 1000:7.1f} ms  (min {min(values) * 1000:.1f} ms)")
    ratio = medians[big] / medians[100]
    print(f"ratio {big} / 100: {ratio:.2f}x (target <= 1.5x)")
    return 0 if ratio <= 1.5 else 1


if __name__ == "__main__":
    sys.exit(main())
