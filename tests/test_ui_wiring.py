"""Every screen of the product opens from the board with its key, on the board's cell and days."""

from __future__ import annotations

import pytest

from crisis_tui.ui.screens.board import BoardScreen
from crisis_tui.ui.screens.exceptions import ExceptionsScreen
from crisis_tui.ui.screens.export import ExportScreen
from crisis_tui.ui.screens.it_board import ItBoardScreen
from crisis_tui.ui.screens.minutes import MinutesScreen
from crisis_tui.ui.screens.outcomes import OutcomesDialog
from crisis_tui.ui.screens.review import ReviewScreen
from tests.ui_pilot import DAY, fill, make_app, pilot_test, settle


@pytest.mark.parametrize(
    "key, screen_type",
    [("o", ReviewScreen), ("f2", ReviewScreen), ("e", ExceptionsScreen), ("w", ExportScreen), ("u", OutcomesDialog),
     ("n", MinutesScreen), ("y", ItBoardScreen), ("f8", ItBoardScreen)],
)
@pilot_test
async def test_board_keys_open_each_screen_and_escape_comes_back(workspace, key, screen_type):
    fill(workspace)
    app = make_app(workspace)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("down", "right", key)
        await settle(pilot)
        assert isinstance(app.screen, screen_type)
        if screen_type in (ReviewScreen, ExceptionsScreen):  # opened on the board's cell
            assert (app.screen.site, app.screen.activity) == ("LIB", "surgery")
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, BoardScreen)
        assert app.target_days() == (DAY, DAY)
