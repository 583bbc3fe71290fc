"""The dialogs as a user reads them: a long question wraps whole inside its box, down to an 80x24 terminal; the
sign-off warning says what the board does once the meeting is signed; the command palette speaks the interface's
language; F1 gives each dialog, the export screen and the IT board their own help."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from textual.command import CommandInput, CommandList
from textual.widgets import Label, Static

from crisis_tui.ui.screens.export import ExportScreen
from crisis_tui.ui.screens.help import HelpScreen
from crisis_tui.ui.screens.it_board import ItBoardScreen
from crisis_tui.ui.screens.minutes import MinutesScreen
from crisis_tui.ui.screens.outcomes import OutcomesDialog
from crisis_tui.ui.widgets.decision_dialog import DecisionDialog
from crisis_tui.ui.widgets.dialogs import ConfirmDialog, ErrorDialog, TextInputDialog
from crisis_tui.ui.widgets.meeting_dialog import PeopleDialog
from crisis_tui.ui.widgets.sign_dialog import SignDialog
from tests.ui_pilot import DAY, cells, make_app, meetings, pilot_test, settle, until


def box_text(app, selector: str = ".dialog-box") -> str:
    """What the dialog box matching `selector` shows on screen now, its lines inside the border joined by spaces."""
    console = Console(width=app.size.width, height=app.size.height, file=io.StringIO(), record=True,
                      color_system=None, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    box = app.screen.query_one(selector).region
    lines = console.export_text().splitlines()[box.y + 1:box.bottom - 1]
    return " ".join(" ".join(line[box.x + 1:box.right - 1].split()) for line in lines).strip()


def words(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("size", [(80, 24), (160, 40)])
@pilot_test
async def test_the_whole_board_question_is_shown_whole_with_its_days(workspace, lang, size):
    async with make_app(workspace, lang).run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("}", "}", "v", "v", "v", "c")
        await settle(pilot)
        question = pilot.app.screen.message
        assert "09/12/2026 (3" in question
        assert words(question) in box_text(pilot.app)


@pilot_test
async def test_the_emergency_question_is_shown_whole_on_a_small_terminal(workspace):
    async with make_app(workspace, "fr").run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("!")
        await settle(pilot)
        assert words(pilot.app.screen.message) in box_text(pilot.app)


async def sign_dialog(pilot) -> None:
    """From the board: the minutes screen (once it shows its content), then its sign-off dialog."""
    app = pilot.app
    await pilot.press("n")
    await until(pilot, lambda: app.screen.busy == 0 and app.screen.content is not None, "minutes still busy",
                workers=True)
    await pilot.press("f9")


@pytest.mark.parametrize("size", [(80, 24), (160, 40)])
@pilot_test
async def test_the_sign_off_warning_is_shown_whole_above_the_name(workspace, size):
    app = make_app(workspace, "fr")
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await sign_dialog(pilot)
        await pilot.pause()
        shown = box_text(app, ".sign-box")
        assert words(app.screen.summary) in shown
        assert words(app.catalog.t("minutes.sign.warning")) in shown


@pilot_test
async def test_the_decision_dialog_fits_a_small_terminal_from_its_title_to_its_buttons(workspace):
    app = make_app(workspace, "fr")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        shown = box_text(app)
        assert shown.startswith("Décision : case Arlon · Consultations")
        assert f"{app.catalog.t('ui.dialog.save')} {app.catalog.t('ui.dialog.cancel')}" in shown


@pytest.mark.parametrize("lang, read_only, emergency", [
    ("fr", "passe en lecture seule", "ouvrez une réunion d'urgence (touche !)"),
    ("en", "becomes read-only", "open an emergency meeting (key !)"),
])
@pilot_test
async def test_the_sign_off_warning_says_the_board_turns_read_only_and_the_emergency_key(workspace, lang, read_only,
                                                                                          emergency):
    app = make_app(workspace, lang)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await sign_dialog(pilot)
        warning = str(app.screen.query_one(".sign-warning", Label).render())
        assert read_only in warning and emergency in warning
        await pilot.press(*"Dr Director", "enter", "enter", "space", "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, MinutesScreen) and app.screen.signed, "not signed",
                    workers=True)
        await pilot.press("escape", "c")
        await settle(pilot)
        assert isinstance(app.screen, ErrorDialog) and cells(workspace) == {}
        await pilot.press("escape", "!")
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
    assert [(m.kind, m.signed) for m in meetings(workspace)] == [("daily", True), ("emergency", False)]
    assert cells(workspace) == {("ARL", "consultation", DAY): "cancelled"}


@pytest.mark.parametrize("lang, prompt, themes, nothing", [
    ("fr", "Chercher une commande…", "Chercher un thème…", "Aucun résultat"),
    ("en", "Search for commands…", "Search for themes…", "No matches found"),
])
@pilot_test
async def test_the_palette_prompts_and_finds_nothing_in_the_interface_language(workspace, lang, prompt, themes,
                                                                                nothing):
    app = make_app(workspace, lang)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert app.screen.query_one(CommandInput).placeholder == prompt
        await pilot.press(*"zzzq")
        results = app.screen.query_one(CommandList)
        await until(pilot, lambda: results.option_count == 1 and results.get_option_at_index(0).disabled,
                    "no 'no matches' line")
        assert str(results.get_option_at_index(0).prompt.renderable) == nothing
        await pilot.press("escape")
        app.search_themes()
        await pilot.pause()
        assert app.screen.query_one(CommandInput).placeholder == themes


async def f1_help(pilot, top: type, help_key: str, binding_id: str) -> None:
    """F1 over `top` shows the help `help_key` listing the key `binding_id`; F1 again closes it, back on `top`."""
    app = pilot.app
    assert isinstance(app.screen, top)
    await pilot.press("f1")
    shown = app.screen
    assert isinstance(shown, HelpScreen) and shown.help_key == help_key
    assert str(shown.query_one(".help-intro", Static).content) == app.catalog.t(help_key)
    assert binding_id in {entry.binding_id for entry in shown.keys}
    await pilot.press("f1")
    assert isinstance(app.screen, top)


@pytest.mark.parametrize("key, top, help_key, binding_id", [
    ("u", OutcomesDialog, "ui.help.outcomes", "outcomes.run"),
    ("p", PeopleDialog, "ui.help.people", "people.save"),
    ("g", TextInputDialog, "ui.help.text_input", "dialog.cancel"),
    ("enter", DecisionDialog, "ui.help.decision", "decision.save"),
    ("!", ConfirmDialog, "ui.help.confirm", "dialog.yes"),
    ("w", ExportScreen, "ui.help.export", "export.run"),
    ("y", ItBoardScreen, "ui.help.it", "it.load"),
])
@pilot_test
async def test_f1_gives_the_dialog_or_screen_its_own_help(workspace, key, top, help_key, binding_id):
    async with make_app(workspace, "fr").run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)
        await f1_help(pilot, top, help_key, binding_id)


@pilot_test
async def test_f1_in_the_error_and_sign_off_dialogs(workspace):
    async with make_app(workspace, "en").run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        pilot.app.show_error("disk full")
        await pilot.pause()
        await f1_help(pilot, ErrorDialog, "ui.help.error", "dialog.copy")
        await pilot.press("escape")
        await sign_dialog(pilot)
        await f1_help(pilot, SignDialog, "ui.help.sign", "sign.sign")
