"""The app around the board: keymap file, F1 help per screen, command palette and screen hooks, error dialog, the
integrity warning at start."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update
from textual.screen import Screen
from textual.widgets import Static

from crisis_tui.core.decisions import decide
from crisis_tui.core.meetings import open_meeting
from crisis_tui.core.models import Decision
from crisis_tui.core.signing import sign_meeting
from crisis_tui.ui.app import CrisisApp, ScreenHook
from crisis_tui.ui.commands import app_commands
from crisis_tui.ui.keymap import load_keymap
from crisis_tui.ui.screens.help import HelpScreen
from crisis_tui.ui.widgets.dialogs import ConfirmDialog, ErrorDialog
from tests.ui_pilot import DAY, MEETING_DAY, cells, make_app, pilot_test, settle

SIZE = (120, 40)


def test_keymap_file_format(tmp_path):
    path = tmp_path / "keymap.toml"
    assert load_keymap(path) == {}
    path.write_text('[keys]\n"board.cancelled" = "a"\nboard.undo = "ctrl+u, u"\n', encoding="utf-8")
    assert load_keymap(path) == {"board.cancelled": "a", "board.undo": "ctrl+u,u"}
    path.write_text('"grid.up" = "i"\n', encoding="utf-8")
    assert load_keymap(path) == {"grid.up": "i"}
    for bad in ('board.cancelled = 3\n', 'board.cancelled = ""\n', "board.cancelled = [\n"):
        path.write_text(bad, encoding="utf-8")
        with pytest.raises(ValueError, match="keymap.toml"):
            load_keymap(path)


@pilot_test
async def test_keymap_file_remaps_board_keys_and_the_help_shows_them(workspace):
    (workspace.home.root / "keymap.toml").write_text('[keys]\n"board.cancelled" = "a"\n', encoding="utf-8")
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c", "j", "a")
        await settle(pilot)
        assert cells(workspace) == {("LIB", "consultation", DAY): "cancelled"}
        await pilot.press("f1")
        help_screen = pilot.app.screen
        assert isinstance(help_screen, HelpScreen)
        keys = {entry.binding_id: entry.keys for entry in help_screen.keys}
        assert keys["board.cancelled"] == "a"
        assert keys["board.row_cancelled"] == "C, shift+c"
        assert keys["grid.up"] == "↑, k"
        await pilot.press("escape")
        assert not isinstance(pilot.app.screen, HelpScreen)


@pilot_test
async def test_a_bad_keymap_file_is_reported_and_the_defaults_kept(workspace):
    (workspace.home.root / "keymap.toml").write_text('[keys]\n"board.cancelld" = "a"\n', encoding="utf-8")
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(pilot.app.screen, ErrorDialog)
        assert "board.cancelld" in pilot.app.screen.text
        await pilot.press("escape", "c")
        await settle(pilot)
    assert cells(workspace) == {("ARL", "consultation", DAY): "cancelled"}


@pilot_test
async def test_help_is_per_screen(workspace):
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("i", "f1")
        ids = {entry.binding_id for entry in pilot.app.screen.keys}
        assert "import.start" in ids and "board.cancelled" not in ids
        intro = str(pilot.app.screen.query_one(".help-intro", Static).content)
        assert intro.startswith("Import:")


@pilot_test
async def test_french_by_default(workspace):
    app = CrisisApp(workspace, target_day=DAY, clock=lambda: MEETING_DAY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert "Réunion quotidienne" in app.sub_title
        assert app.screen.grid.cells[("ARL", "consultation")].status == "maintained"
        await pilot.press("f1")
        assert any(entry.description == "Annulé (case ou portée)" for entry in app.screen.keys)


class Elsewhere(Screen):
    def __init__(self, meeting_id: int | None) -> None:
        super().__init__()
        self.meeting_id = meeting_id


@pilot_test
async def test_palette_lists_namespaced_commands_and_hooked_screens(workspace):
    hooks = (ScreenHook("elsewhere", "ui.help.title", lambda app: Elsewhere(app.meeting_id)),)
    app = make_app(workspace, screen_hooks=hooks)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        titles = [command.title for command in app_commands(app, app.screen)]
        assert titles[:3] == ["meeting: open emergency meeting", "meeting: edit chair and attendees", "go: board"]
        assert "go: Help" in titles and "board: undo the last change" in titles
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"go: Help")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, Elsewhere) and app.screen.meeting_id == app.meeting_id
        assert "board: undo the last change" not in [c.title for c in app_commands(app, app.screen)]
        app.action_go("board")
        await settle(pilot)
        assert app.screen is app.board
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"emergency")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)


@pilot_test
async def test_textuals_own_palette_commands_speak_the_interface_language(workspace):
    for lang, titles, quit_help in (("fr", ("Quitter", "Thème", "Touches"), "Quitter l'application au plus vite"),
                                    ("en", ("Quit", "Theme", "Keys"), "Quit the application as soon as possible")):
        app = make_app(workspace, lang)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            commands = {command.title: command.help for command in app.get_system_commands(app.screen)}
            assert set(titles) <= set(commands) and commands[titles[0]] == quit_help


@pilot_test
async def test_error_dialog_text_can_be_copied(workspace):
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await settle(pilot)
        pilot.app.show_error(RuntimeError("disk full"))
        await pilot.pause()
        assert isinstance(pilot.app.screen, ErrorDialog)
        await pilot.press("c")
        assert pilot.app._clipboard == "RuntimeError: disk full"
        await pilot.press("enter")
        assert pilot.app.screen is pilot.app.board


@pilot_test
async def test_start_warns_in_the_error_dialog_when_a_signed_decision_was_altered(workspace):
    with workspace.session() as session:
        meeting = open_meeting(session, MEETING_DAY - timedelta(days=1))
        decide(session, meeting, ["ARL"], ["radiology"], DAY, DAY, "stopped", reason="PACS down")
        sign_meeting(session, workspace.reference, meeting.id, "Dr Director")
        signed = meeting.id
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert pilot.app.screen is pilot.app.board and not pilot.app._notifications
    with workspace.engine.begin() as connection:  # someone bypassing the application
        connection.execute(update(Decision).where(Decision.site == "ARL").values(status="maintained"))
    async with make_app(workspace).run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(pilot.app.screen, ErrorDialog)
        problem = f"meeting {signed}: decision ARL/radiology/{DAY.isoformat()} altered after signing"
        assert problem in pilot.app.screen.text
        assert [n.severity for n in pilot.app._notifications] == ["error"]
        assert "Integrity check: 1 problem(s)" in next(iter(pilot.app._notifications)).message
        await pilot.press("escape", "c")
        await settle(pilot)
    assert cells(workspace)[("ARL", "consultation", DAY)] == "cancelled"
