"""ctrl+z on the board (found by an audit): the toast names the cells, the days and the status restored; the board
moves to the undone days when it shows others; an exception or patient decision made after the last board decision
is not undone behind the chair's back: ctrl+z refuses and says why."""

from __future__ import annotations

from datetime import timedelta

from crisis_tui.core.models import Meeting
from crisis_tui.core.overrides import add_override
from tests.factories import appointment
from tests.ui_pilot import DAY, cells, fill, make_app, pilot_test, settle

SIZE = (120, 40)


def notices(app) -> list[str]:
    return [n.message for n in app._notifications]


@pilot_test
async def test_undo_names_what_it_restored_and_shows_its_days(workspace):
    fill(workspace)
    async with make_app(workspace, "fr").run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("v", "v", "c")  # the consultations column, every site, on the 7th
        await settle(pilot)
        await pilot.press("escape", "]")  # the board moves on to the 8th
        await settle(pilot)
        board = pilot.app.screen
        assert board.day_from == DAY + timedelta(days=1)
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert cells(workspace) == {}
        assert (board.day_from, board.day_to) == (DAY, DAY)
        [toast] = [n for n in notices(pilot.app) if n.startswith("Défait")]
        assert toast.startswith("Défait (9 case(s)) : Consultations, 9 sites, lun. 07/12/2026 : rétabli « Maintenu »")
        assert "Le tableau montre maintenant ces jours : lun. 07/12/2026" in toast


@pilot_test
async def test_undo_refuses_when_an_exception_came_after_the_last_board_decision(workspace):
    fill(workspace)
    async with make_app(workspace, "en").run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        with workspace.session() as s:
            add_override(s, s.get(Meeting, pilot.app.meeting_id), scope="doctor", value="Dr Lambert",
                         activity="consultation", site="ARL", day_from=DAY, day_to=DAY, status="maintained")
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert cells(workspace) == {("ARL", "consultation", DAY): "cancelled"}
        assert any(n.startswith("Nothing undone: this meeting's last change is an exception (Dr Lambert, Arlon, "
                                "Consultations)") for n in notices(pilot.app)), notices(pilot.app)


@pilot_test
async def test_undo_refuses_after_a_patient_decision_and_undoes_again_once_a_board_decision_follows(workspace):
    fill(workspace)
    with workspace.session() as s:
        kept = appointment(s, "ARL", "surgery", DAY)
    async with make_app(workspace, "en").run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        with workspace.session() as s:
            add_override(s, s.get(Meeting, pilot.app.meeting_id), scope="patient", value="Someone", site="ARL",
                         activity="surgery", day_from=DAY, day_to=DAY, status="maintained", appointment_id=kept.id)
        await pilot.press("ctrl+z")
        await settle(pilot)
        assert any(n.startswith("Nothing undone: this meeting's last change is a patient decision (Surgery")
                   for n in notices(pilot.app)), notices(pilot.app)
        await pilot.press("j", "x", "ctrl+z")  # a board decision after it: that one is undone
        await settle(pilot)
    assert cells(workspace) == {("ARL", "consultation", DAY): "cancelled"}
