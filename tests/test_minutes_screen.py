"""The minutes screen and the sign-off dialog, pushed in a tiny App: preview, notes and actions saved, export with
a toast, signing (name, role, confirmation), and a signed meeting refusing every change through the TUI."""

from __future__ import annotations

import asyncio
import re

from textual.widgets import Checkbox, Input, Static, TextArea

from crisis_tui.core.models import Meeting
from crisis_tui.core.signing import sign_meeting, verify
from crisis_tui.i18n import Catalog
from crisis_tui.ui.screens.minutes import MinutesScreen
from crisis_tui.ui.widgets.dialogs import ErrorDialog
from crisis_tui.ui.widgets.sign_dialog import SignDialog
from minutes_support import D1, D2, seed
from ui_pilot import cells, hosted, make_app, settle, static_text, until

SIZE = (150, 50)


def drive(screen, steps) -> None:
    hosted(screen, steps, SIZE, ready=idle)


async def idle(pilot, screen) -> None:
    await until(pilot, lambda: screen.busy == 0 and screen.content is not None, "minutes screen still busy",
                workers=True)


def meeting(workspace, meeting_id) -> Meeting:
    with workspace.session() as s:
        return s.get(Meeting, meeting_id)


def notices(app) -> list[str]:
    return [n.message for n in app._notifications]


def test_preview_edit_save_and_export(workspace):
    meeting_id = seed(workspace)
    screen = MinutesScreen(workspace, Catalog("en"), meeting_id, D1, D2)

    async def steps(pilot, screen):
        title = static_text(screen.query_one("#minutes-title", Static), 140)
        assert "Daily meeting no. 1 of Sunday 06/12/2026" in title and "Draft: not signed yet" in title
        preview = static_text(screen.query_one("#minutes-preview", Static), 140)
        for expected in ("Monday 07/12/2026", "Cancelled", "Case by case", "Bastogne · Consultations",
                         "DPI down", "Dr Lambert", "1 patient decision(s) · Libramont", "No IT restart board"):
            assert expected in preview, expected
        area = screen.query_one("#minutes-actions", TextArea)
        assert area.text == "=call the press" and not area.read_only
        area.focus()
        area.load_text("print the call lists")
        await pilot.press("ctrl+s")
        await idle(pilot, screen)
        assert meeting(workspace, meeting_id).actions == "print the call lists"
        assert "Actions and notes saved" in notices(pilot.app)
        await pilot.press("ctrl+e")
        await idle(pilot, screen)
        assert screen.last_export is not None and screen.last_export.is_file()
        assert re.fullmatch(r"minutes_2026-12-07_2026-12-08_\d{8}-\d{4}\.xlsx", screen.last_export.name)
        assert f"Minutes written: {screen.last_export}" in notices(pilot.app)

    drive(screen, steps)


def test_sign_dialog_needs_a_name_and_a_confirmation_then_locks(workspace):
    meeting_id = seed(workspace)
    screen = MinutesScreen(workspace, Catalog("en"), meeting_id, D1, D2)

    async def steps(pilot, screen):
        screen.query_one("#minutes-notes", TextArea).load_text("typed just before signing")
        await pilot.press("f9")
        await pilot.pause()
        dialog = pilot.app.screen
        assert isinstance(dialog, SignDialog)
        assert dialog.query_one("#sign-role", Input).value == "Medical director"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Type your name" in str(dialog.query_one("#sign-problem").render())
        await pilot.press(*"Dr Dubois", "enter")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(pilot.app.screen, SignDialog) and "Tick the box" in str(
            dialog.query_one("#sign-problem").render())
        dialog.query_one("#sign-confirm", Checkbox).value = True
        await pilot.press("ctrl+s")
        await idle(pilot, screen)
        signed = meeting(workspace, meeting_id)
        assert signed.signed and (signed.signed_by, signed.signed_role) == ("Dr Dubois", "Medical director")
        assert signed.notes == "typed just before signing"
        assert screen.signed and screen.query_one("#minutes-notes", TextArea).read_only
        assert "SIGNED by Dr Dubois" in static_text(screen.query_one("#minutes-title", Static), 200)
        assert screen.last_export is not None and screen.last_export.is_file()
        assert any(n.startswith("Signed and locked") for n in notices(pilot.app))
        await pilot.press("f9")  # signed: F9 is no longer offered and does nothing
        await pilot.pause()
        assert pilot.app.screen is screen

    drive(screen, steps)
    with workspace.session() as s:
        assert verify(s).ok


def test_escape_in_the_sign_dialog_signs_nothing(workspace):
    meeting_id = seed(workspace)
    screen = MinutesScreen(workspace, Catalog("fr"), meeting_id, D1, D2)

    async def steps(pilot, screen):
        await pilot.press("f9")
        await pilot.pause()
        await pilot.press(*"Dr X", "escape")
        await idle(pilot, screen)
        assert not isinstance(pilot.app.screen, SignDialog) and not screen.signed

    drive(screen, steps)
    assert not meeting(workspace, meeting_id).signed


def test_a_meeting_signed_elsewhere_refuses_the_notes(workspace):
    meeting_id = seed(workspace)
    screen = MinutesScreen(workspace, Catalog("en"), meeting_id, D1, D2)

    async def steps(pilot, screen):
        with workspace.session() as s:  # another workstation signs meanwhile
            sign_meeting(s, workspace.reference, meeting_id, "Dr Director")
        screen.query_one("#minutes-notes", TextArea).load_text("too late")
        await pilot.press("ctrl+s")
        await idle(pilot, screen)
        assert isinstance(pilot.app.screen, ErrorDialog) and "signed by Dr Director" in pilot.app.screen.text
        await pilot.press("escape")
        await idle(pilot, screen)
        assert screen.signed and screen.query_one("#minutes-notes", TextArea).read_only
        assert screen.query_one("#minutes-notes", TextArea).text == "IT expects the DPI back on Wednesday"

    drive(screen, steps)
    assert meeting(workspace, meeting_id).notes == "IT expects the DPI back on Wednesday"


def test_a_signed_meeting_exports_its_signed_minutes_whatever_the_screens_days(workspace):
    """The screen shows the signed minutes whatever the board's days; the export writes those, for their days (the
    command line refuses other days: there they were typed)."""
    meeting_id = seed(workspace)
    with workspace.session() as s:
        sign_meeting(s, workspace.reference, meeting_id, "Dr Director")
    screen = MinutesScreen(workspace, Catalog("en"), meeting_id, D2, D2)

    async def steps(pilot, screen):
        await pilot.press("ctrl+e")
        await idle(pilot, screen)
        assert not isinstance(pilot.app.screen, ErrorDialog)
        assert re.fullmatch(r"minutes_2026-12-07_2026-12-08_\d{8}-\d{4}\.xlsx", screen.last_export.name)

    drive(screen, steps)


def test_the_board_refuses_a_decision_once_the_meeting_is_signed(workspace):
    async def main():
        async with make_app(workspace).run_test(size=SIZE) as pilot:
            await settle(pilot)
            with workspace.session() as s:
                sign_meeting(s, workspace.reference, pilot.app.meeting_id, "Dr Director")
            await pilot.press("c")
            await settle(pilot)
            assert isinstance(pilot.app.screen, ErrorDialog) and "signed by Dr Director" in pilot.app.screen.text

    asyncio.run(main())
    assert cells(workspace) == {}
    with workspace.session() as s:
        assert verify(s).ok


def test_an_unknown_meeting_is_an_error_not_a_crash(workspace):
    screen = MinutesScreen(workspace, Catalog("en"), 42, D1, D1)

    async def steps(pilot, screen):
        for _ in range(50):
            await pilot.pause()
            if isinstance(pilot.app.screen, ErrorDialog):
                break
        assert isinstance(pilot.app.screen, ErrorDialog) and "Meeting 42 does not exist" in pilot.app.screen.text
        assert screen.busy == 0 and screen.content is None

    hosted(screen, steps, SIZE)
