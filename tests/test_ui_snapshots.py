"""Snapshots (120x40, fixed clock and target day, deterministic appointments) of the board and the import screen.

Update after an intended change: `python -m pytest tests/test_ui_snapshots.py --snapshot-update -n 0`, then look
at the SVGs (a failing run writes an HTML report showing the difference).
"""

from __future__ import annotations

from crisis_tui.core.demo import fill_demo_home
from tests.test_ui_board import sign_meeting
from tests.test_ui_import import write_csv
from tests.ui_pilot import decisions, fill, make_app, settle

SIZE = (120, 40)


def pressing(*keys: str, quiet: bool = False):
    """Keys pressed once the board is up; `quiet`: toasts cleared before the picture (they expire on a timer)."""

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press(*keys)
        await settle(pilot)
        if quiet:
            pilot.app.clear_notifications()
            await pilot.pause()

    return run_before


def test_board_in_french_with_decisions(workspace, snap_compare):
    fill(workspace)
    app = make_app(workspace, lang="fr")
    assert snap_compare(app, terminal_size=SIZE, run_before=pressing("c", "j", "l", "x", "l", "s", "v"))


def test_board_in_english_over_a_range(workspace, snap_compare):
    fill(workspace)
    app = make_app(workspace, lang="en")
    assert snap_compare(app, terminal_size=SIZE, run_before=pressing("c", "}", "}", "l", "c", "v", "v"))


def test_board_at_80x24_signed_on_the_last_activity(workspace, snap_compare):
    """The site names stay beside the activities scrolled to the cursor's; the read-only line wraps."""
    fill(workspace)
    app = make_app(workspace, lang="fr")

    async def run_before(pilot) -> None:
        await pressing("l", "l", "l", "l", "l", "j")(pilot)
        sign_meeting(pilot.app)
        pilot.app.refresh_meeting()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_import_screen_lists_the_inbox(workspace, snap_compare):
    write_csv(workspace.home.inbox / "consultations_arlon.csv", 12)
    write_csv(workspace.home.inbox / "consultations_virton.csv", 5, site="Virton")
    app = make_app(workspace, lang="fr")
    assert snap_compare(app, terminal_size=SIZE, run_before=pressing("i"))


def test_import_screen_after_an_import(workspace, snap_compare):
    write_csv(workspace.home.inbox / "consultations_arlon.csv", 12)
    write_csv(workspace.home.inbox / "consultations_virton.csv", 5, site="Virton")
    (workspace.home.inbox / "broken.xlsx").write_bytes(b"not a workbook")
    app = make_app(workspace, lang="en")
    assert snap_compare(app, terminal_size=SIZE, run_before=pressing("i", "ctrl+s"))


def test_board_on_the_demo_week_with_the_articles_decisions(workspace, snap_compare):
    """The bundled demo exports on Monday 2026-12-07, decided as in the article: consultations, radiology and
    scintigraphy cancelled, surgery case by case, Covid centres stopped, blood draws maintained."""
    fill_demo_home(workspace)
    app = make_app(workspace, lang="fr")
    column = ("v", "v")
    keys = (*column, "c", "escape", "l", *column, "x", "escape", "l", *column, "c", "escape", "l", *column, "c",
            "escape", "l", *column, "s", "escape", "home")
    assert snap_compare(app, terminal_size=SIZE, run_before=pressing(*keys, quiet=True))
    statuses = {(d.site, d.activity): d.status for d in decisions(workspace)}
    assert statuses[("LIB", "consultation")] == "cancelled" and statuses[("BAS", "surgery")] == "case_by_case"
    assert statuses[("ARL", "covid_centre")] == "stopped" and ("ARL", "blood_draw") not in statuses
