"""The board with many appointments: time to the first painted board, and a toggle's recount.

python benchmarks/board_bench.py [appointments] [repeats]

Targets: first board with 100k appointments <= 1.2x the same with an empty database; a toggle's recount with 100k
<= 2x the same with 1k. Headless (`App.run_test()`, 120x40); the first board is timed from the app's start to the
end of the board's first recount (the counts shown); a toggle from the key event (sent as the terminal driver
does, without Pilot's waiting) to its recount shown. One warm-up run first (Textual loads widgets lazily). The
appointments are spread over a week from the target day, so the target day holds a seventh of them.
"""

from __future__ import annotations

import asyncio
import random
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import insert
from textual import events

from crisis_tui.config import Home
from crisis_tui.core.models import Appointment
from crisis_tui.core.workspace import Workspace
from crisis_tui.ui.app import CrisisApp

DAY = date(2026, 12, 7)
KINDS = ("mobile", "mobile", "mobile", "landline", "invalid", "none")
CHUNK = 10_000


def filled_workspace(root: Path, n: int) -> Workspace:
    workspace = Workspace.open(Home(root).ensure())
    sites = [s.code for s in workspace.reference.sites]
    activities = [a.code for a in workspace.reference.activities]
    rng = random.Random(n)
    rows = []
    for i in range(n):
        day = DAY + timedelta(days=i % 7)
        start = datetime.combine(day, datetime.min.time()) + timedelta(minutes=420 + rng.randrange(0, 720, 10))
        kind = rng.choice(KINDS)
        rows.append({
            "site": rng.choice(sites), "activity": rng.choice(activities), "start": start, "day": day,
            "last_name": f"Patient{i}", "first_name": "Jean", "phone_kind": kind,
            "phones": "+32475123456" if kind == "mobile" else "+3261212121" if kind == "landline" else "",
            "phone_kinds": kind if kind in ("mobile", "landline", "invalid") else "",
            "patient_key": f"patient{i} jean", "dedupe_key": f"bench|{i}",
        })
    with workspace.session() as session:
        for at in range(0, n, CHUNK):
            session.execute(insert(Appointment), rows[at:at + CHUNK])
    return workspace


async def _wait_for(board, count: int) -> None:
    while board is None or board.refreshed < count:
        await asyncio.sleep(0.002)


async def measure(workspace: Workspace, toggles: int) -> tuple[float, list[float]]:
    """Seconds to the first board shown; seconds of each toggle's recount."""
    app = CrisisApp(workspace, "en", target_day=DAY, clock=lambda: DAY - timedelta(days=1))
    started = time.perf_counter()
    async with app.run_test(size=(120, 40)) as pilot:
        while app.board is None:
            await asyncio.sleep(0.002)
        await _wait_for(app.board, 1)
        first = time.perf_counter() - started
        await pilot.pause()
        recounts = []
        for n in range(toggles):
            shown = app.board.refreshed
            key = "c" if n % 2 == 0 else "m"
            began = time.perf_counter()
            app._driver.send_message(events.Key(key, key))
            await _wait_for(app.board, shown + 1)
            recounts.append(time.perf_counter() - began)
    return first, recounts


def main() -> None:
    big = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 9
    sizes = (0, 1_000, big)
    firsts: dict[int, list[float]] = {n: [] for n in sizes}
    toggles: dict[int, list[float]] = {n: [] for n in sizes}
    with tempfile.TemporaryDirectory() as folder:
        workspaces = {n: filled_workspace(Path(folder) / f"home{n}", n) for n in sizes}
        asyncio.run(measure(workspaces[0], 1))  # warm-up
        for _ in range(repeats):  # interleaved, so that a busy moment of the machine hits every size alike
            for n in sizes:
                first, toggled = asyncio.run(measure(workspaces[n], 6))
                firsts[n].append(first)
                toggles[n] += toggled
        for workspace in workspaces.values():
            workspace.close()
    first = {n: statistics.median(values) for n, values in firsts.items()}
    toggle = {n: statistics.median(values) for n, values in toggles.items()}
    for n in sizes:
        print(f"{n:>7} appointments: first board {first[n] * 1000:7.1f} ms   toggle recount {toggle[n] * 1000:6.1f} ms"
              f"   (medians of {len(firsts[n])} starts, {len(toggles[n])} toggles)")
    print(f"first board {big} / empty: {first[big] / first[0]:.2f} (target <= 1.2)")
    print(f"toggle recount {big} / 1000: {toggle[big] / toggle[1_000]:.2f} (target <= 2)")


if __name__ == "__main__":
    main()
