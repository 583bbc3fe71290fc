"""The board's IT flags (can resume, systems down while maintained) and who was told and reached, through Pilot."""

from __future__ import annotations

from datetime import time, timedelta

from crisis_tui.core.decisions import decide
from crisis_tui.core.it_restart import set_status
from crisis_tui.core.meetings import open_meeting
from crisis_tui.core.models import CallOutcome, Notification
from crisis_tui.ui.widgets.decision_grid import CELL_WIDTH, SITE_WIDTH
from tests.factories import appointment, it_systems
from tests.ui_pilot import ACTIVITIES, DAY, MEETING_DAY, SITES, cells, fill, make_app, pilot_test, settle, static_text

SIZE = (120, 40)
SYSTEMS = (
    "Système;Priorité;Dépend de;Statut;Responsable;Activités;Échéance;Notes\n"
    "PACS;1;;rouge;Radiologie;radiology;;\n"
    "LIS;2;;vert;Labo;blood_draw;;\n"
    "Médecine nucléaire;2;;ambre;MN;scintigraphy@LIB;;\n"
)


def grid_cells(board) -> dict[tuple[str, str], str]:
    """Each cell's text as drawn on the screen, checked to fit its width."""
    names = {site.name: site.code for site in board.workspace.reference.sites}
    drawn = {}
    for line in board.grid.render().plain.splitlines():
        site = names.get(line[:SITE_WIDTH].rstrip())
        if site is None:
            continue
        assert len(line) == SITE_WIDTH + len(ACTIVITIES) * (CELL_WIDTH + 1), line
        for col, activity in enumerate(ACTIVITIES):
            start = SITE_WIDTH + 1 + col * (CELL_WIDTH + 1)
            drawn[(site, activity)] = line[start:start + CELL_WIDTH]
    return drawn


@pilot_test
async def test_cells_show_can_resume_and_systems_down_markers_with_a_legend(workspace, tmp_path):
    fill(workspace)
    it_systems(workspace, tmp_path, SYSTEMS)
    with workspace.session() as session:
        earlier = open_meeting(session, MEETING_DAY)
        decide(session, earlier, ["ARL", "BAS"], ["blood_draw"], DAY, DAY, "cancelled")
        decide(session, earlier, ["VIR"], ["radiology"], DAY, DAY, "cancelled")
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await settle(pilot)
        board = pilot.app.screen
        drawn = grid_cells(board)
        can_resume = {key for key, text in drawn.items() if "↻" in text}
        systems_down = {key for key, text in drawn.items() if "⚠" in text}
        assert can_resume == {("ARL", "blood_draw"), ("BAS", "blood_draw")}
        assert systems_down == {(site, "radiology") for site in SITES if site != "VIR"}  # the MN system restores
        assert board.grid.flags == {**dict.fromkeys(can_resume, "can_resume"),
                                    **dict.fromkeys(systems_down, "systems_down")}
        assert drawn[("ARL", "blood_draw")] == "Cancelled   ↻ 0"
        legend = board.query_one("#board-legend")
        assert legend.display and legend.region.height == 1
        assert "↻ can resume (systems back)" in static_text(legend)
        assert "⚠ maintained while a system it needs is down" in static_text(legend)
        assert "Can resume" not in static_text(board.query_one("#impact"))
        await pilot.press(*"lllll")
        assert "↻ Can resume: its systems are back" in static_text(board.query_one("#impact"))
        await pilot.press("left", "left", "left")
        assert "⚠ Warning: maintained while a system it needs is down" in static_text(board.query_one("#impact"))
        await pilot.press("c")
        await settle(pilot)
        assert "⚠" not in grid_cells(board)[("ARL", "radiology")]
        with workspace.session() as session:
            set_status(session, "PACS", "vert")
        await pilot.press("r")
        await settle(pilot)
        drawn = grid_cells(board)
        assert "↻" in drawn[("ARL", "radiology")] and "⚠" not in drawn[("LIB", "radiology")]
        assert "↻" not in drawn[("LIB", "radiology")]  # maintained already: nothing to resume


@pilot_test
async def test_no_legend_and_no_marker_without_an_it_list(workspace):
    fill(workspace)
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await settle(pilot)
        board = pilot.app.screen
        assert not board.query_one("#board-legend").display
        assert not any("↻" in text or "⚠" in text for text in grid_cells(board).values())


@pilot_test
async def test_a_four_digit_count_and_a_marker_still_fit_the_cell(workspace, tmp_path):
    it_systems(workspace, tmp_path, SYSTEMS)
    with workspace.session() as session:
        for n in range(1000):
            appointment(session, "ARL", "radiology", DAY, time(8, n % 60))
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await settle(pilot)
        drawn = grid_cells(pilot.app.screen)
        assert drawn[("ARL", "radiology")] == "Maintai… ⚠ 1000"


@pilot_test
async def test_maintaining_a_cell_whose_systems_are_down_warns_but_records_it(workspace, tmp_path):
    it_systems(workspace, tmp_path, SYSTEMS)
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l", "l", "c", "m")
        await settle(pilot)
        warnings = [n.message for n in pilot.app._notifications if n.severity == "warning"]
        assert warnings == ["Decision recorded, but a system it needs is down: Arlon · Radiology"]
        assert cells(workspace)[("ARL", "radiology", DAY)] == "maintained"
        await pilot.press("l", "c", "m", "M")  # scintigraphy: restoring, not down; then the whole row
        await settle(pilot)
        warnings = [n.message for n in pilot.app._notifications if n.severity == "warning"]
        assert len(warnings) == 2 and warnings[-1].endswith("Arlon · Radiology")


def told(session, appointment_row, channel: str, outcome: str | None = None, status: str = "cancelled") -> None:
    notification = Notification(appointment_id=appointment_row.id, reference=f"R{appointment_row.id}",
                                channel=channel, told_status=status)
    session.add(notification)
    session.flush()
    if outcome is not None:
        session.add(CallOutcome(notification_id=notification.id, outcome=outcome))


@pilot_test
async def test_impact_panel_shows_told_reached_and_not_reached_yet_summed_over_the_selection(workspace):
    with workspace.session() as session:
        arlon = [appointment(session, "ARL", "consultation", DAY, time(8 + i)) for i in range(4)]
        told(session, arlon[0], "sms")
        told(session, arlon[1], "call", "reached")
        told(session, arlon[2], "call", "no_answer")
        told(session, arlon[3], "doctor_call")
        told(session, appointment(session, "LIB", "consultation", DAY, time(9)), "call", "reached")
        told(session, appointment(session, "ARL", "consultation", DAY + timedelta(days=1)), "call", "reached")
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await settle(pilot)
        panel = pilot.app.screen.query_one("#impact")
        assert "Told 4 · reached 1 · not reached yet 2" in static_text(panel)
        await pilot.press("v", "v")  # the consultation column
        assert "Told 5 · reached 2 · not reached yet 2" in static_text(panel)
        await pilot.press("v")
        await pilot.press("l", "escape")
        assert "Told 0 · reached 0 · not reached yet 0" in static_text(panel)
        await pilot.press("h", "}")
        await settle(pilot)
        assert "Told 5 · reached 2 · not reached yet 2" in static_text(panel)


@pilot_test
async def test_told_and_reached_in_french(workspace):
    with workspace.session() as session:
        told(session, appointment(session, "ARL", "consultation", DAY), "call")
    async with make_app(workspace, lang="fr").run_test(size=SIZE) as pilot:
        await settle(pilot)
        panel = static_text(pilot.app.screen.query_one("#impact"))
        assert "Prévenus 1 · joints 0 · pas encore joints 1" in panel
