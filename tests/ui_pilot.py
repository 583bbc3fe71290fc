"""Helpers for the Textual tests: a board workspace with known appointments, an app with a fixed clock, and a
way to wait until every worker (recounts, imports) is done and its result shown; a tiny host App for a screen
tested on its own (`hosted`), and `until` to wait for that screen's own idea of being done."""

from __future__ import annotations

import asyncio
import functools
import io
from contextlib import contextmanager
from datetime import date, time
from typing import Any, Awaitable, Callable

from rich.console import Console
from sqlmodel import select
from textual.app import App
from textual.screen import Screen
from textual.worker import WorkerState

from crisis_tui.core.db import session_scope
from crisis_tui.core.models import AuditEntry, Decision, Meeting
from crisis_tui.ui.app import CrisisApp
from tests.factories import appointment

MEETING_DAY = date(2026, 12, 6)
DAY = date(2026, 12, 7)
SITES = ("ARL", "LIB", "MAR", "BAS", "VIR", "BER", "SOD", "JAM", "NEU")
ACTIVITIES = ("consultation", "surgery", "radiology", "scintigraphy", "covid_centre", "blood_draw")
KINDS = ("mobile", "mobile", "landline", "none")


def fill(workspace, day: date = DAY) -> dict[tuple[str, str], int]:
    """Deterministic appointments on `day` (and one the day after per site): the count per (site, activity)."""
    counts: dict[tuple[str, str], int] = {}
    with workspace.session() as session:
        for s, site in enumerate(SITES):
            for a, activity in enumerate(ACTIVITIES):
                n = (s * 7 + a * 3) % 5
                for i in range(n):
                    appointment(session, site, activity, day, time(8 + i), phone_kind=KINDS[(s + a + i) % 4])
                counts[(site, activity)] = n
            appointment(session, site, "consultation", date.fromordinal(day.toordinal() + 1), time(9))
    return counts


def pilot_test(test):
    """Run an async test function (no asyncio plugin is installed)."""

    @functools.wraps(test)
    def run(*args, **kwargs):
        return asyncio.run(test(*args, **kwargs))

    return run


def make_app(workspace, lang: str = "en", **kwargs) -> CrisisApp:
    kwargs.setdefault("target_day", DAY)
    return CrisisApp(workspace, lang, clock=lambda: MEETING_DAY, **kwargs)


class Host(App):
    """A tiny App that only shows one screen: screens must work without CrisisApp (no `show_error`, no writes)."""

    def __init__(self, screen: Screen) -> None:
        super().__init__()
        self.first = screen

    def on_mount(self) -> None:
        self.push_screen(self.first)


Steps = Callable[[Any, Screen], Awaitable[Any]]


def hosted(screen: Screen, steps: Steps, size: tuple[int, int], ready: Steps | None = None) -> Any:
    """`screen` pushed in a Host of `size`: `await ready(pilot, screen)` if given, then `steps(pilot, screen)`,
    whose result is returned."""

    async def main():
        async with Host(screen).run_test(size=size) as pilot:
            if ready is not None:
                await ready(pilot, screen)
            return await steps(pilot, screen)

    return asyncio.run(main())


async def paused(pilot, screen: Screen) -> None:
    """A `ready` for `hosted`: one pause, the screen mounted."""
    await pilot.pause()


@contextmanager
def writes_held(workspace):
    """Another workstation's writing transaction: the app's writes wait behind it until the block ends."""
    with workspace.engine.connect() as other:
        held = other.begin()
        yield
        held.commit()


async def until(pilot, done: Callable[[], bool], what: str, *, tries: int = 400, workers: bool = False) -> None:
    """Pause (after every worker has ended, if `workers`) until `done()`; AssertionError(what) after `tries`."""
    for _ in range(tries):
        if workers:
            await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        if done():
            return
    raise AssertionError(what)


async def settle(pilot) -> None:
    """Wait for every worker (and the writes queued after one another) and for the messages their results post."""
    app = pilot.app
    for _ in range(1000):
        await pilot.pause()
        if not any(worker.state in (WorkerState.PENDING, WorkerState.RUNNING) for worker in app.workers):
            await pilot.pause()
            if not app.writes.busy and not any(worker.is_running for worker in app.workers):
                return
        await asyncio.sleep(0.005)
    raise TimeoutError("workers still running")


def decisions(workspace) -> list[Decision]:
    with session_scope(workspace.engine, readonly=True) as session:
        return list(session.exec(select(Decision).order_by(Decision.site, Decision.activity, Decision.day)))


def cells(workspace) -> dict[tuple[str, str, date], str]:
    return {(d.site, d.activity, d.day): d.status for d in decisions(workspace)}


def audit_actions(workspace) -> list[str]:
    with workspace.session() as session:
        return [e.action for e in session.exec(select(AuditEntry).order_by(AuditEntry.id))]


def meetings(workspace) -> list[Meeting]:
    with workspace.session() as session:
        return list(session.exec(select(Meeting).order_by(Meeting.id)))


def static_text(widget, width: int = 118) -> str:
    """What a Static widget shows, as plain text."""
    console = Console(width=width, record=True, file=io.StringIO())
    console.print(widget.content)
    return console.export_text()
