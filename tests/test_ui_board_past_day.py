"""A decision recorded for a day before the meeting's (found by an audit: `[ [ [` then `c` decided Friday with no
word) is recorded, with a warning naming the day; one for the coming days has none."""

from __future__ import annotations

from tests.ui_pilot import fill, make_app, pilot_test, settle


def past_day_notices(app) -> list[str]:
    return [n.message for n in app._notifications if "jour passé" in n.message]


@pilot_test
async def test_a_decision_for_a_past_day_warns_and_one_for_tomorrow_does_not(workspace):
    fill(workspace)
    async with make_app(workspace, "fr").run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("c")  # tomorrow (the 7th): no warning
        await settle(pilot)
        assert past_day_notices(pilot.app) == []
        await pilot.press("[", "[", "c")  # the 5th, the day before the meeting's (the 6th)
        await settle(pilot)
        [notice] = past_day_notices(pilot.app)
        assert "(sam. 05/12/2026)" in notice  # the past day itself, not the board's "Jour :" label


@pilot_test
async def test_a_range_reaching_into_the_past_names_its_past_days_only(workspace):
    fill(workspace)
    async with make_app(workspace, "fr").run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("[", "[", "[", "}", "}", "}", "}", "c")  # the 4th to the 8th; the meeting is on the 6th
        await settle(pilot)
        [notice] = past_day_notices(pilot.app)
        assert "(ven. 04/12/2026 → sam. 05/12/2026)" in notice
