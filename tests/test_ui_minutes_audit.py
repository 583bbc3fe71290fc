"""The minutes screen and the board around signing, driven through the whole app (found by an audit): the preview
shows what signing freezes, Escape keeps the chair's text, the board shows the signed state as soon as it is back,
and a signed meeting's footer offers no save or sign."""

from __future__ import annotations

from textual.widgets import Checkbox, Static, TextArea

from crisis_tui.core.models import Meeting
from crisis_tui.ui.screens.board import BoardScreen
from crisis_tui.ui.screens.minutes import MinutesScreen
from crisis_tui.ui.widgets.dialogs import ErrorDialog
from crisis_tui.ui.widgets.sign_dialog import SignDialog
from crisis_tui.i18n import Catalog
from tests.ui_pilot import fill, hosted, make_app, paused, pilot_test, settle, static_text, until

SIZE = (150, 50)


def stored(workspace, meeting_id) -> Meeting:
    with workspace.session() as s:
        return s.get(Meeting, meeting_id)


async def minutes(pilot) -> MinutesScreen:
    await pilot.press("n")
    await until(pilot, lambda: isinstance(pilot.app.screen, MinutesScreen) and pilot.app.screen.busy == 0
                and pilot.app.screen.content is not None, "minutes screen not ready", workers=True)
    return pilot.app.screen


async def sign(pilot, screen: MinutesScreen) -> None:
    await pilot.press("f9")
    await pilot.pause()
    dialog = pilot.app.screen
    assert isinstance(dialog, SignDialog)
    await pilot.press(*"Dr Dubois")
    dialog.query_one("#sign-confirm", Checkbox).value = True
    await pilot.press("ctrl+s")
    await until(pilot, lambda: screen.busy == 0 and screen.signed, "not signed", workers=True)


@pilot_test
async def test_the_preview_shows_every_day_the_signature_freezes(workspace):
    """Cells decided on the 7th and the 9th, the board back on the 7th: the preview covers the 7th to the 9th, as
    the signature does, not only the board's day."""
    fill(workspace)
    async with make_app(workspace, "fr").run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c", "]", "]", "c", "[", "[")
        await settle(pilot)
        screen = await minutes(pilot)
        assert screen.content["days"] == {"from": "2026-12-07", "to": "2026-12-09"}
        title = static_text(screen.query_one("#minutes-title", Static), 200)
        assert "lundi 07/12/2026" in title and "mercredi 09/12/2026" in title, title
        preview = static_text(screen.query_one("#minutes-preview", Static), 200)
        assert "mercredi 09/12/2026" in preview
        shown = screen.content["grid"]
        await sign(pilot, screen)
        meeting = stored(workspace, pilot.app.meeting_id)
        assert (meeting.minutes_from.isoformat(), meeting.minutes_to.isoformat()) == ("2026-12-07", "2026-12-09")
        assert screen.content["grid"] == shown


@pilot_test
async def test_escape_saves_the_typed_notes_and_actions(workspace):
    async with make_app(workspace, "fr").run_test(size=SIZE) as pilot:
        await settle(pilot)
        screen = await minutes(pilot)
        screen.query_one("#minutes-notes", TextArea).focus()
        await pilot.press(*"DPI demain")
        screen.query_one("#minutes-actions", TextArea).focus()
        await pilot.press(*"appeler")
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(pilot.app.screen, BoardScreen), "still on the minutes", workers=True)
        assert "Actions et notes enregistrées" in [n.message for n in pilot.app._notifications]
        meeting = stored(workspace, pilot.app.meeting_id)
        assert (meeting.notes, meeting.actions) == ("DPI demain", "appeler")
        screen = await minutes(pilot)
        assert screen.query_one("#minutes-notes", TextArea).text == "DPI demain"


@pilot_test
async def test_after_signing_the_board_says_signed_at_once_and_the_minutes_offer_no_save_or_sign(workspace):
    fill(workspace)
    async with make_app(workspace, "fr").run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        screen = await minutes(pilot)
        footer = lambda: [b.binding.action for b in screen.active_bindings.values() if b.enabled and b.binding.show
                          and screen.check_action(b.binding.action, ()) is not False]
        assert "save" in footer() and "sign" in footer()
        await sign(pilot, screen)
        await pilot.pause()
        assert "save" not in footer() and "sign" not in footer() and "export" in footer()
        await pilot.press("f9", "ctrl+s")
        await pilot.pause()
        assert pilot.app.screen is screen  # no error dialog
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(pilot.app.screen, BoardScreen), "still on the minutes", workers=True)
        await settle(pilot)
        board = pilot.app.screen
        assert not isinstance(board, ErrorDialog)
        assert "SIGNÉE par Dr Dubois" in pilot.app.sub_title
        assert "RÉUNION SIGNÉE : LECTURE SEULE" in static_text(board.query_one("#board-info", Static), 200)


def test_the_sign_dialog_fits_80x24_with_its_buttons_in_view():
    summary = "Réunion quotidienne n° 1 du dimanche 06/12/2026, début à 20:47 : 45 décision(s), 45 changement(s)."
    for lang in ("fr", "en"):
        dialog = SignDialog(Catalog(lang), summary)

        async def steps(pilot, dialog):
            for button in ("#sign", "#cancel"):
                region = dialog.query_one(button).region
                assert region.height >= 1 and region.bottom <= 24, (button, region)
                assert dialog.query_one(".sign-box").region.contains_region(region)
            await pilot.click("#sign")
            await pilot.pause()
            assert "nom" in str(dialog.query_one("#sign-problem").render()).lower() or \
                "name" in str(dialog.query_one("#sign-problem").render())
            await pilot.click("#cancel")
            await pilot.pause()
            return pilot.app.screen is not dialog

        assert hosted(dialog, steps, (80, 24), ready=paused)
