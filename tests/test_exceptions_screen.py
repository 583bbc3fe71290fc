"""The exceptions screen, pushed in a tiny App: list, add through the form (with its preview), lift after a
confirmation; a signed meeting refuses."""

from __future__ import annotations

from datetime import date

from sqlmodel import select
from textual.widgets import DataTable, Input, Select, Static

from crisis_tui.core.meetings import open_meeting
from crisis_tui.core.models import Meeting, Override, utcnow
from crisis_tui.core.overrides import add_override
from crisis_tui.i18n import Catalog
from crisis_tui.ui.screens.exceptions import ExceptionForm, ExceptionsScreen
from crisis_tui.ui.widgets.dialogs import ErrorDialog
from tests.factories import appointment
from tests.ui_pilot import hosted, until

D1, D2 = date(2026, 12, 7), date(2026, 12, 8)


def drive(screen, steps) -> None:
    hosted(screen, steps, (160, 45))


async def settled(pilot, screen) -> None:
    await until(pilot, lambda: screen.idle and not isinstance(pilot.app.screen, ExceptionForm), "screen busy")


def setup(workspace, chair="Dr Chair") -> int:
    with workspace.session() as s:
        for site in ("LIB", "ARL"):
            appointment(s, site, "consultation", D1, doctor="Dr Lambert", service="Cardiologie")
        appointment(s, "LIB", "consultation", D1, doctor="Dr Collard", service="Oncologie")
        m = open_meeting(s, D1, chair=chair)
        add_override(s, m, scope="service", value="Oncologie", activity="consultation", site=None, day_from=D1,
                     day_to=D2, status="maintained", note="follow-ups")
        return m.id


def active(workspace):
    with workspace.session() as s:
        return s.exec(select(Override).where(Override.removed_at.is_(None)).order_by(Override.id)).all()


def test_list_add_with_preview_and_lift(workspace):
    meeting_id = setup(workspace)
    screen = ExceptionsScreen(workspace, Catalog("en"), meeting_id, D1, D1, site="LIB", activity="consultation")

    async def steps(pilot, screen):
        await settled(pilot, screen)
        table = screen.query_one(DataTable)
        assert table.get_row_at(0)[:7] == ["Service", "Oncologie", "Every site", "Consultations",
                                           "2026-12-07 → 2026-12-08", "Maintained", "1"]
        await pilot.press("a")
        await pilot.pause()
        form = pilot.app.screen
        assert isinstance(form, ExceptionForm)
        assert form.query_one("#form-site", Select).value == "LIB" and form.query_one("#form-by", Input).value == "Dr Chair"
        for ch in "lambert":
            await pilot.press(ch)
        for _ in range(50):
            await pilot.pause()
            if "Covers" in str(form.query_one("#form-preview", Static).render()):
                break
        assert str(form.query_one("#form-preview", Static).render()) == "Covers 1 appointment(s): Dr Lambert (1)"
        form.query_one("#form-site", Select).value = "*"
        form.query_one("#form-note", Input).value = "keeps his own"
        await pilot.press("ctrl+s")
        await settled(pilot, screen)
        assert table.row_count == 2 and table.get_row_at(1)[:7] == [
            "Doctor", "lambert", "Every site", "Consultations", "2026-12-07", "Maintained", "2"]
        await pilot.press("down", "x")
        await pilot.pause()
        await pilot.press("y")
        await settled(pilot, screen)
        assert table.row_count == 1

    drive(screen, steps)
    service, = active(workspace)
    assert service.value == "Oncologie"


def test_a_bad_date_reversed_dates_or_no_name_keep_the_form_open_and_escape_adds_nothing(workspace):
    meeting_id = setup(workspace)
    screen = ExceptionsScreen(workspace, Catalog("fr"), meeting_id, D1, D1)

    async def steps(pilot, screen):
        await settled(pilot, screen)
        await pilot.press("a")
        await pilot.pause()
        form = pilot.app.screen

        async def refused(value: str, day_to: str, error: str) -> None:
            form.query_one("#form-value", Input).value = value
            form.query_one("#form-to", Input).value = day_to
            await pilot.press("ctrl+s")
            await pilot.pause()
            assert pilot.app.screen is form and error in str(form.query_one("#form-error", Static).render())

        await refused("Lambert", "08/12/2026", "Date invalide : 08/12/2026")
        await refused("Lambert", "2026-12-06", "La fin (2026-12-06) précède le début (2026-12-07)")
        await refused("  ", "2026-12-08", "Donnez le nom du médecin ou du service")
        await refused("Dr", "2026-12-08", "Donnez le nom du médecin ou du service")  # a title names nobody
        await pilot.press("escape")
        await settled(pilot, screen)

    drive(screen, steps)
    assert len(active(workspace)) == 1


def test_a_signed_meeting_refuses_and_keeps_the_list(workspace):
    meeting_id = setup(workspace)
    with workspace.session() as s:
        meeting = s.get(Meeting, meeting_id)
        meeting.signed_at, meeting.signed_by = utcnow(), "Dr DM"
        s.add(meeting)
    screen = ExceptionsScreen(workspace, Catalog("en"), meeting_id, D1, D2)

    async def steps(pilot, screen):
        await settled(pilot, screen)
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("y")
        await settled(pilot, screen)
        assert any("signed" in n.message for n in pilot.app._notifications)
        assert isinstance(pilot.app.screen, ErrorDialog) and "signed" in pilot.app.screen.text
        assert screen.query_one(DataTable).row_count == 1

    drive(screen, steps)
    assert len(active(workspace)) == 1
