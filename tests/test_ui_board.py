"""The board's keys, pressed through Textual's Pilot, change the database through the core services."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select
from textual.widgets import Input

from crisis_tui.config import Home
from crisis_tui.core.meetings import open_meeting
from crisis_tui.core.models import AuditEntry, Decision, Meeting
from crisis_tui.core.signing import sign_meeting as signed
from crisis_tui.core.workspace import Workspace
from crisis_tui.ui.screens.board import BoardScreen
from crisis_tui.ui.widgets.decision_dialog import DecisionDialog
from crisis_tui.ui.widgets.decision_grid import SITE_WIDTH
from crisis_tui.ui.widgets.dialogs import ConfirmDialog, ErrorDialog
from tests.ui_pilot import (
    ACTIVITIES, DAY, MEETING_DAY, SITES, audit_actions, cells, fill, make_app, meetings, pilot_test, settle,
    static_text, writes_held,
)

SIZE = (120, 40)


@pilot_test
async def test_start_opens_the_daily_meeting_and_shows_counts(workspace):
    counts = fill(workspace)
    app = make_app(workspace)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        board = app.screen
        assert isinstance(board, BoardScreen)
        assert (board.day_from, board.day_to) == (DAY, DAY)
        shown = {key: cell.appointments for key, cell in board.grid.cells.items()}
        assert shown == counts
        assert {cell.status for cell in board.grid.cells.values()} == {"maintained"}
        assert "Daily meeting" in app.sub_title
    [meeting] = meetings(workspace)
    assert (meeting.kind, meeting.day) == ("daily", MEETING_DAY)


@pilot_test
async def test_restart_resumes_the_open_meeting(workspace):
    for _ in range(2):
        async with make_app(workspace).run_test(size=SIZE) as pilot:
            await settle(pilot)
    assert len(meetings(workspace)) == 1


@pilot_test
async def test_status_keys_decide_the_cell_under_the_cursor_with_an_audit_entry(workspace):
    fill(workspace)
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c", "j", "x", "l", "s", "k", "m")
        await settle(pilot)
        assert pilot.app.screen.grid.cells[("ARL", "surgery")].status == "maintained"
        assert pilot.app.screen.grid.cells[("LIB", "consultation")].status == "case_by_case"
    assert cells(workspace) == {
        ("ARL", "consultation", DAY): "cancelled",
        ("LIB", "consultation", DAY): "case_by_case",
        ("LIB", "surgery", DAY): "stopped",
        ("ARL", "surgery", DAY): "maintained",
    }
    assert audit_actions(workspace).count("decide") == 4


@pilot_test
async def test_space_cycles_the_status(workspace):
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await settle(pilot)
        seen = []
        for _ in range(4):
            await pilot.press("space")
            await settle(pilot)
            seen.append(cells(workspace)[("ARL", "consultation", DAY)])
    assert seen == ["cancelled", "case_by_case", "stopped", "maintained"]


async def recounted(pilot, board, shown: int) -> bool:
    """Whether the board showed a count after the one numbered `shown` (waiting up to 2 s)."""
    for _ in range(200):
        if board.refreshed > shown:
            return True
        await pilot.pause(0.01)
    return False


@pilot_test
async def test_space_pressed_quickly_cycles_from_the_status_last_asked(workspace):
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await settle(pilot)
        board = pilot.app.screen
        with writes_held(workspace):
            await pilot.press("space", "space")
            assert board.grid.cells[("ARL", "consultation")].status == "case_by_case"
            shown = board.refreshed
            board.recount()  # as the timer does: the count read meanwhile has neither write
            await recounted(pilot, board, shown)
            assert board.grid.cells[("ARL", "consultation")].status == "case_by_case"
            await pilot.press("space")
            assert board.grid.cells[("ARL", "consultation")].status == "stopped"
            assert cells(workspace) == {}
        await settle(pilot)
        assert board.grid.cells[("ARL", "consultation")].status == "stopped"
    assert cells(workspace) == {("ARL", "consultation", DAY): "stopped"}
    assert audit_actions(workspace).count("decide") == 3


@pilot_test
async def test_shift_letter_decides_the_whole_row(workspace):
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("j", "j", "C")
        await settle(pilot)
    assert cells(workspace) == {("MAR", activity, DAY): "cancelled" for activity in ACTIVITIES}


@pilot_test
async def test_scope_column_then_whole_board_asks_first(workspace):
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l", "v", "v", "s")
        await settle(pilot)
        assert cells(workspace) == {(site, "surgery", DAY): "stopped" for site in SITES}
        await pilot.press("v", "c")
        assert isinstance(pilot.app.screen, ConfirmDialog)
        await pilot.press("n")
        await settle(pilot)
        assert len(cells(workspace)) == len(SITES)
        await pilot.press("c", "y")
        await settle(pilot)
        assert set(cells(workspace).values()) == {"cancelled"}
        assert len(cells(workspace)) == len(SITES) * len(ACTIVITIES)
        await pilot.press("escape", "m")
        await settle(pilot)
    assert cells(workspace)[("ARL", "surgery", DAY)] == "maintained"
    assert cells(workspace)[("ARL", "consultation", DAY)] == "cancelled"


@pilot_test
async def test_undo_restores_the_last_change_of_the_meeting(workspace):
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c", "S")
        await settle(pilot)
        assert set(cells(workspace).values()) == {"stopped"}
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert cells(workspace) == {("ARL", "consultation", DAY): "cancelled"}
        assert pilot.app.screen.grid.cells[("ARL", "surgery")].status == "maintained"
        await pilot.press("ctrl+z", "ctrl+z")
        await settle(pilot)
    assert cells(workspace) == {}
    assert audit_actions(workspace).count("undo") == 2


@pilot_test
async def test_day_keys_move_and_stretch_the_range(workspace):
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await settle(pilot)
        board = pilot.app.screen
        await pilot.press("}", "}")
        assert (board.day_from, board.day_to) == (DAY, DAY + timedelta(days=2))
        await pilot.press("c")
        await settle(pilot)
        assert sorted(d for (_, _, d) in cells(workspace)) == [DAY + timedelta(days=n) for n in range(3)]
        await pilot.press("]")
        assert (board.day_from, board.day_to) == (DAY + timedelta(days=1), DAY + timedelta(days=3))
        await settle(pilot)
        assert board.grid.cells[("ARL", "consultation")].status == "mixed"
        await pilot.press("{", "{", "{", "[")
        assert (board.day_from, board.day_to) == (DAY, DAY)
        await pilot.press("]", "]", "t")
        assert (board.day_from, board.day_to) == (DAY, DAY)


@pilot_test
async def test_enter_edits_status_reason_and_uncontacted_rule(workspace):
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("l", "enter")
        dialog = pilot.app.screen
        assert isinstance(dialog, DecisionDialog)
        dialog.query_one("#decision-status").query("RadioButton")[1].value = True
        dialog.query_one("#decision-rule").query("RadioButton")[1].value = True
        await pilot.press(*"Servers down", "enter")
        await settle(pilot)
    with workspace.session() as session:
        [decision] = session.exec(select(Decision)).all()
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "decide")).one()
    assert (decision.site, decision.activity, decision.status) == ("ARL", "surgery", "cancelled")
    assert (decision.reason, decision.uncontacted) == ("Servers down", "attend_unless_contacted")
    assert entry.reason == "Servers down"


@pilot_test
async def test_escape_in_the_decision_dialog_changes_nothing(workspace):
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter", *"abc", "escape")
        await settle(pilot)
        assert isinstance(pilot.app.screen, BoardScreen)
    assert cells(workspace) == {}


def sign_meeting(app) -> None:
    """The app's meeting signed behind its back (as by another workstation)."""
    with app.workspace.session() as session:
        meeting = session.get(Meeting, app.meeting_id)
        meeting.signed_at, meeting.signed_by = meeting.opened_at, "Dr Director"
        session.add(meeting)


@pilot_test
async def test_signed_meeting_refuses_changes_in_an_error_dialog(workspace):
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await settle(pilot)
        sign_meeting(pilot.app)
        await pilot.press("c")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ErrorDialog)
        assert "signed" in pilot.app.screen.text
        await pilot.press("escape", "ctrl+z")
        await settle(pilot)
        assert isinstance(pilot.app.screen, ErrorDialog)
        await pilot.press("escape")
        assert pilot.app.meeting_signed
        assert "SIGNED" in pilot.app.sub_title
        assert pilot.app.has_class("-signed")
        assert cells(workspace) == {}
        await pilot.press("!", "y")
        await settle(pilot)
        assert not pilot.app.meeting_signed and pilot.app.has_class("-emergency")
        await pilot.press("c")
        await settle(pilot)
    assert cells(workspace) == {("ARL", "consultation", DAY): "cancelled"}
    assert [m.kind for m in meetings(workspace)] == ["daily", "emergency"]


@pilot_test
async def test_starting_after_the_day_s_meeting_is_signed_shows_it_and_opens_no_meeting_unasked(workspace):
    """Found by an audit: just starting the application after the daily meeting was signed opened an empty
    emergency meeting, which `sign` then signed. The signed meeting is shown read-only; ! opens one when asked."""
    with workspace.session() as session:
        signed(session, workspace.reference, open_meeting(session, MEETING_DAY).id, "Dr Director", "")
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert pilot.app.meeting_signed and "SIGNED" in pilot.app.sub_title
        assert [m.kind for m in meetings(workspace)] == ["daily"]
        await pilot.press("!", "y")
        await settle(pilot)
        assert not pilot.app.meeting_signed and pilot.app.has_class("-emergency")
    assert [m.kind for m in meetings(workspace)] == ["daily", "emergency"]


@pilot_test
async def test_a_read_only_database_refuses_a_cell_in_one_plain_sentence(tmp_path):
    home = Home(tmp_path / "home").ensure()
    writable = Workspace.open(home)
    with writable.session() as session:
        open_meeting(session, MEETING_DAY)
    writable.close()
    database = home.data_dir / "crisis.db"
    read_only = Workspace.open(Home(home.root, f"sqlite:///file:{database}?mode=ro&uri=true"))  # as a chmod 444 file
    try:
        async with make_app(read_only, lang="fr").run_test(size=SIZE) as pilot:
            await settle(pilot)
            assert isinstance(pilot.app.screen, BoardScreen) and pilot.app.meeting_id is not None
            await pilot.press("c")
            await settle(pilot)
            assert isinstance(pilot.app.screen, ErrorDialog)
            assert pilot.app.screen.text == (f"file:{database} : la base ne peut pas être écrite (fichier en lecture "
                                             "seule) ; rien n'a été modifié")
    finally:
        read_only.close()


@pilot_test
async def test_at_80x24_the_activities_scroll_beside_fixed_site_names(workspace):
    fill(workspace)
    async with make_app(workspace).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        board = pilot.app.screen
        await pilot.press("l", "l", "l", "l", "l")
        lines = board.grid.render().plain.splitlines()
        assert board.grid.cursor_cell == ("ARL", "blood_draw") and board.grid.region.right <= 80
        assert lines[1].startswith("◀") and "Blood draws" in lines[1] and "Consultations" not in lines[1]
        assert lines[3].startswith("Arlon")
        await pilot.click("#grid", offset=(1 + SITE_WIDTH + 2, 4))  # the first column shown, on the line of Libramont
        assert board.grid.cursor_cell == ("LIB", "scintigraphy")
        await pilot.press("home")
        lines = board.grid.render().plain.splitlines()
        assert "Consultations" in lines[1] and lines[1].rstrip().endswith("▶") and lines[3].startswith("Arlon")


@pilot_test
async def test_at_80x24_the_sites_scroll_under_the_activities_and_the_impact_panel_shows_whole(workspace):
    fill(workspace)
    async with make_app(workspace).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        board = pilot.app.screen
        impact = board.query_one("#impact")
        assert impact.region.bottom <= 23 and impact.region.height == impact.virtual_size.height  # above the footer
        lines = board.grid.render().plain.splitlines()
        assert lines[0][:SITE_WIDTH].strip() == "▼3" and lines[3].startswith("Arlon") and "Neufchâteau" not in board.grid.render()
        await pilot.press(*"j" * 8)  # down to the last site: the rows scroll, the activities' names stay
        lines = board.grid.render().plain.splitlines()
        assert board.grid.cursor_cell == ("NEU", "consultation")
        assert lines[0][:SITE_WIDTH].strip() == "▲3" and "Consultations" in lines[1] and lines[-1].startswith("Neufchâteau")
        assert "Arlon" not in board.grid.render() and impact.region.bottom <= 23
        await pilot.click("#grid", offset=(1 + SITE_WIDTH + 2, 2))  # the first site shown: Bastogne
        assert board.grid.cursor_cell == ("BAS", "consultation")
        await pilot.press("j")  # back down to the first hidden line: nothing moves while the cursor is in sight
        assert board.grid.render().plain.splitlines()[2].startswith("Bastogne")


@pilot_test
async def test_the_whole_board_shows_when_there_is_room(workspace):
    fill(workspace)
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await settle(pilot)
        lines = pilot.app.screen.grid.render().plain.splitlines()
        assert lines[0][:SITE_WIDTH].strip() == "" and lines[3].startswith("Arlon") and lines[-1].startswith("Neufchâteau")


@pilot_test
async def test_at_80x24_the_read_only_line_wraps(workspace):
    async with make_app(workspace).run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        sign_meeting(pilot.app)
        pilot.app.refresh_meeting()
        await pilot.pause()
        info = pilot.app.screen.query_one("#board-info")
        assert "READ-ONLY (! opens an emergency meeting)" in static_text(info, width=78)
        assert info.size.height == 2


@pilot_test
async def test_emergency_meeting_is_flagged_and_decisions_carry_over(workspace):
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c", "!")
        assert isinstance(pilot.app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        assert pilot.app.has_class("-emergency")
        assert "EMERGENCY" in pilot.app.sub_title
        assert pilot.app.screen.grid.cells[("ARL", "consultation")].status == "cancelled"
        await pilot.press("ctrl+z")
        await settle(pilot)
    daily, emergency = meetings(workspace)
    assert (daily.kind, emergency.kind) == ("daily", "emergency")
    assert cells(workspace) == {("ARL", "consultation", DAY): "cancelled"}


@pilot_test
async def test_chair_and_attendees_dialog(workspace):
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("p")
        dialog = pilot.app.screen
        dialog.query_one("#people-chair").value = "Dr Anne Lenoir"
        dialog.query_one("#people-attendees").text = "Marc Petit (IT)\n\nJulie Roche"
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert "Dr Anne Lenoir" in pilot.app.sub_title
    [meeting] = meetings(workspace)
    assert meeting.chair == "Dr Anne Lenoir"
    assert '"role": "IT"' in meeting.attendees and "Julie Roche" in meeting.attendees
    assert "meeting_chair" in audit_actions(workspace)


@pilot_test
async def test_impact_panel_sums_the_selection(workspace):
    counts = fill(workspace)
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await settle(pilot)
        board = pilot.app.screen
        await pilot.press("v")
        row = board.grid.selected_cells()
        assert sum(c.appointments for c in row) == sum(n for (s, _), n in counts.items() if s == "ARL")
        await pilot.press("C")
        await settle(pilot)
        panel = static_text(board.query_one("#impact"))
        assert "Changes since the previous meeting: 6" in panel
        assert "Surgery and interventions: Maintained → Cancelled" in panel
        await pilot.press("v")
        assert "Arlon: Maintained → Cancelled" in static_text(board.query_one("#impact"))
        await pilot.press("v")
        row = board.grid.selected_cells(board.grid.selection("row"))
        assert sum(c.sms for c in row) == sum(c.mobile for c in row if c.activity != "surgery") > 0


@pilot_test
async def test_timer_recounts_when_another_workstation_decides(workspace):
    from crisis_tui.core.decisions import decide

    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await settle(pilot)
        board = pilot.app.screen
        shown = board.refreshed
        board.poll()
        await settle(pilot)
        assert board.refreshed == shown
        with workspace.session() as session:
            meeting = pilot.app.lock_meeting(session)
            decide(session, meeting, ["VIR"], ["radiology"], DAY, DAY, "stopped")
        board.poll()
        await settle(pilot)
        assert board.refreshed == shown + 1
        assert board.grid.cells[("VIR", "radiology")].status == "stopped"
        await pilot.press("r", "f5")
        await settle(pilot)
        assert board.refreshed >= shown + 2


@pilot_test
async def test_goto_day_dialog(workspace):
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await settle(pilot)
        board = pilot.app.screen
        for text in ("08/12/2026 2026-12-10", "tomorrow"):
            await pilot.press("g")
            assert pilot.app.screen.query_one(Input).value.startswith(board.day_from.isoformat())
            pilot.app.screen.query_one(Input).value = text
            await pilot.press("enter")
            if text[0] == "0":
                assert (board.day_from, board.day_to) == (DAY + timedelta(days=1), DAY + timedelta(days=3))
        assert isinstance(pilot.app.screen, ErrorDialog)
        await pilot.press("c")
        assert "tomorrow" in pilot.app._clipboard


@pilot_test
async def test_a_write_waiting_for_another_workstation_does_not_freeze_the_board(workspace):
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await settle(pilot)
        board = pilot.app.screen
        with writes_held(workspace):
            await pilot.press("c", "l", "x")
            assert pilot.app.writes.busy and board.grid.cursor_col == 1
            shown = board.refreshed
            await pilot.press("]")
            assert await recounted(pilot, board, shown), "a recount (read-only) must not wait for the writer"
            assert cells(workspace) == {}
        await settle(pilot)
    assert cells(workspace) == {("ARL", "consultation", DAY): "cancelled",
                                ("ARL", "surgery", DAY): "case_by_case"}
