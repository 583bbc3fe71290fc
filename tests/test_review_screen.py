"""The review screen, pushed in a tiny App: pages, search, selection, m/c/p/u with a reason and a decider."""

from __future__ import annotations

from datetime import date, time

from sqlmodel import select
from textual.widgets import DataTable, Input, Static

from crisis_tui.core.decisions import decide
from crisis_tui.core.meetings import open_meeting
from crisis_tui.core.models import AuditEntry, Override
from crisis_tui.i18n import Catalog
from crisis_tui.ui.screens.review import PAGE_SIZE, ReviewScreen
from crisis_tui.ui.widgets.dialogs import ErrorDialog
from tests.factories import appointment
from tests.ui_pilot import hosted, until, writes_held

D1 = date(2026, 12, 7)


def fill(workspace, n: int = 5, chair: str = "Dr Chair") -> int:
    with workspace.session() as s:
        for i in range(n):
            appointment(s, "LIB", "surgery", D1, time(7 + i // 60, i % 60), doctor="Dr Pirson" if i % 2 else "Dr Lemaire",
                        service="Urologie", last_name=f"Patient{i:05d}", phone_kind="landline")
        appointment(s, "ARL", "surgery", D1, last_name="Elsewhere")
        meeting = open_meeting(s, D1, chair=chair)
        decide(s, meeting, ["LIB"], ["surgery"], D1, D1, "case_by_case")
        return meeting.id


def drive(screen, steps) -> None:
    hosted(screen, steps, (160, 40))


def libramont_surgery(workspace, meeting_id: int, lang: str = "en") -> ReviewScreen:
    """The review of LIB surgery on D1, the case-by-case cell `fill` makes."""
    return ReviewScreen(workspace, Catalog(lang), meeting_id, "LIB", "surgery", D1, D1)


async def settled(pilot, screen) -> None:
    await until(pilot, lambda: screen.idle and screen.page is not None, "page not shown")


async def shown_ids(pilot, screen) -> list[int]:
    """The appointments of the page, once it is shown."""
    await settled(pilot, screen)
    return [row.appointment_id for row in screen.page.rows]


def counter(screen) -> str:
    return str(screen.query_one("#review-counter", Static).render())


def active_pins(workspace):
    with workspace.session(readonly=True) as s:
        rows = s.exec(select(Override).where(Override.removed_at.is_(None))).all()
        return {o.appointment_id: o for o in rows}


def test_mark_one_then_a_selection_with_reason_and_decider(workspace):
    meeting_id = fill(workspace)
    screen = libramont_surgery(workspace, meeting_id)

    async def steps(pilot, screen):
        await settled(pilot, screen)
        table = screen.query_one(DataTable)
        assert table.row_count == 5 and "Pending: 5" in counter(screen)
        assert table.get_row_at(0)[2:7] == ["Pending", "Patient00000 Jean", "Dr Lemaire", "Urologie", "Landline"]
        await pilot.press("enter")
        await pilot.pause()
        for ch in "DM agreed":
            await pilot.press(ch if ch != " " else "space")
        await pilot.press("enter", "home", "ctrl+k")  # clear the decider field, then type one
        for ch in "Dr Martin":
            await pilot.press(ch if ch != " " else "space")
        await pilot.press("enter")
        await pilot.pause()
        assert (screen.reason, screen.decided_by) == ("DM agreed", "Dr Martin")
        await pilot.press("m")
        await settled(pilot, screen)
        assert "Pending: 4" in counter(screen)
        row = table.get_row_at(0)
        assert [row[2], *row[7:10]] == ["Maintained", "Patient", "Dr Martin", "DM agreed"]
        await pilot.press("down", "space", "space")  # rows 1 and 2 selected, cursor on 3
        assert screen.selected and len(screen.selected) == 2 and "selected: 2" in counter(screen)
        await pilot.press("c")
        await settled(pilot, screen)

    drive(screen, steps)
    pins = active_pins(workspace)
    assert sorted(o.status for o in pins.values()) == ["cancelled", "cancelled", "maintained"]
    assert {o.decided_by for o in pins.values()} == {"Dr Martin"}
    with workspace.session() as s:
        entries = s.exec(select(AuditEntry).where(AuditEntry.action == "override")).all()
    assert len(entries) == 3 and len({e.group for e in entries}) == 2


def test_keys_pressed_without_pause_decide_the_rows_the_cursor_was_on(workspace):
    meeting_id = fill(workspace, 6)
    screen = libramont_surgery(workspace, meeting_id)
    ids: list[int] = []

    async def steps(pilot, screen):
        ids.extend(await shown_ids(pilot, screen))
        with writes_held(workspace):
            await pilot.press("m", "c", "up", "p")  # row 0 maintained, row 1 cancelled, then pending: in that order
            assert screen.table.cursor_row == 2  # each decision moved on to the next patient at once
        await settled(pilot, screen)
        assert screen.table.cursor_row == 2  # where the keys left it, not back on the row last marked
        await pilot.press("m", "m", "m", "c")  # rows 2, 3, 4; then the last row, on which the cursor stays
        await settled(pilot, screen)
        assert screen.table.cursor_row == 5
        await pilot.press("up", "up", "space", "space", "u")  # rows 3 and 4 selected (space moves on), then lifted
        await settled(pilot, screen)
        assert screen.table.cursor_row == 5  # a decision on a selection does not move the cursor

    drive(screen, steps)
    assert {i: o.status for i, o in active_pins(workspace).items()} == {
        ids[0]: "maintained", ids[1]: "pending", ids[2]: "maintained", ids[5]: "cancelled"}


def test_deciding_the_patient_under_the_cursor_moves_on_to_the_next_one(workspace):
    """A patient-by-patient pass with the medical director: m, c or p, then the next patient is under the cursor;
    on the last row of a page the next page comes up; the last patient stays under the cursor (found by an
    audit: the cursor stayed on the patient just decided)."""
    meeting_id = fill(workspace, PAGE_SIZE + 2)
    screen = libramont_surgery(workspace, meeting_id)
    ids: list[int] = []

    async def steps(pilot, screen):
        ids.extend(await shown_ids(pilot, screen))
        await pilot.press("m")
        await settled(pilot, screen)
        assert screen.table.cursor_row == 1
        await pilot.press("c")
        await settled(pilot, screen)
        assert screen.table.cursor_row == 2
        screen.table.move_cursor(row=PAGE_SIZE - 1)
        await pilot.press("p")  # the last row of the page: on to the first of the next page
        await settled(pilot, screen)
        assert screen.first_row == PAGE_SIZE and screen.table.cursor_row == 0
        ids.extend(row.appointment_id for row in screen.page.rows)
        await pilot.press("m", "c")  # the second is the last patient: the cursor stays on them
        await settled(pilot, screen)
        assert screen.table.cursor_row == 1 and screen.first_row == PAGE_SIZE

    drive(screen, steps)
    assert {i: o.status for i, o in active_pins(workspace).items()} == {
        ids[0]: "maintained", ids[1]: "cancelled", ids[PAGE_SIZE - 1]: "pending", ids[PAGE_SIZE]: "maintained",
        ids[PAGE_SIZE + 1]: "cancelled"}


def test_showing_only_the_pending_ones_the_next_patient_comes_up_under_the_cursor(workspace):
    meeting_id = fill(workspace, PAGE_SIZE + 2)
    screen = libramont_surgery(workspace, meeting_id)
    ids: list[int] = []

    async def steps(pilot, screen):
        await settled(pilot, screen)
        await pilot.press("f")
        ids.extend(await shown_ids(pilot, screen))
        await pilot.press("m")  # row 0 leaves the list: the next patient is now row 0, under the cursor
        await settled(pilot, screen)
        assert screen.table.cursor_row == 0 and screen.page.rows[0].appointment_id == ids[1]
        await pilot.press("down", "p")  # pending stays listed: on to the next row
        await settled(pilot, screen)
        assert screen.table.cursor_row == 2 and screen.page.rows[2].appointment_id == ids[3]
        screen.table.move_cursor(row=PAGE_SIZE - 1)
        last = screen.page.rows[PAGE_SIZE - 1].appointment_id
        with writes_held(workspace):
            await pilot.press("c", "m")  # the second waits for the next patient, the first of the next page
            assert pilot.app._notifications
        await settled(pilot, screen)
        nxt = screen.page.rows[PAGE_SIZE - 1].appointment_id
        assert nxt != last and screen.table.cursor_row == PAGE_SIZE - 1
        await pilot.press("c")
        await settled(pilot, screen)
        pins = active_pins(workspace)
        assert pins[last].status == "cancelled" and pins[nxt].status == "cancelled"

    drive(screen, steps)
    pins = active_pins(workspace)
    assert pins[ids[0]].status == "maintained" and pins[ids[2]].status == "pending" and len(pins) == 4


def test_escape_leaves_once_the_decisions_asked_are_written(workspace):
    meeting_id = fill(workspace, 3)
    screen = libramont_surgery(workspace, meeting_id)
    ids: list[int] = []

    async def steps(pilot, screen):
        ids.extend(await shown_ids(pilot, screen))
        with writes_held(workspace):
            await pilot.press("m", "c", "escape")  # row 0, then row 1 (the cursor moved on)
            assert pilot.app.screen is screen and active_pins(workspace) == {}
        await until(pilot, lambda: pilot.app.screen is not screen, "the review screen stayed")

    drive(screen, steps)
    assert {i: o.status for i, o in active_pins(workspace).items()} == {ids[0]: "maintained", ids[1]: "cancelled"}


def test_pages_search_filter_and_lift(workspace):
    meeting_id = fill(workspace, PAGE_SIZE + 30)
    screen = libramont_surgery(workspace, meeting_id, "fr")

    async def steps(pilot, screen):
        await settled(pilot, screen)
        table = screen.query_one(DataTable)
        assert table.row_count == PAGE_SIZE and "page 1/2" in counter(screen)
        await pilot.press("n")
        await settled(pilot, screen)
        assert table.row_count == 30 and table.get_row_at(0)[1] == "08:40"
        await pilot.press("n")  # no third page: nothing happens
        await pilot.pause()
        assert screen.first_row == PAGE_SIZE
        await pilot.press("b")
        await settled(pilot, screen)
        await pilot.press("slash")
        for ch in "00012":
            await pilot.press(ch)
        await pilot.press("enter")
        await settled(pilot, screen)
        assert table.row_count == 1 and table.get_row_at(0)[3] == "Patient00012 Jean"
        assert "En attente : 130" in counter(screen)
        await pilot.press("p")
        await settled(pilot, screen)
        assert active_pins(workspace)[screen.page.rows[0].appointment_id].status == "pending"
        await pilot.press("u")
        await settled(pilot, screen)
        assert active_pins(workspace) == {}
        screen.query_one(Input).value = ""
        await settled(pilot, screen)
        await pilot.press("a", "m")  # the whole page maintained
        await settled(pilot, screen)
        assert "En attente : 30" in counter(screen)
        await pilot.press("f")
        await settled(pilot, screen)
        assert table.row_count == 30 and "filtre" in counter(screen)

    drive(screen, steps)


def test_a_signed_meeting_changes_nothing(workspace):
    meeting_id = fill(workspace, 3)
    with workspace.session() as s:
        from crisis_tui.core.models import Meeting, utcnow

        meeting = s.get(Meeting, meeting_id)
        meeting.signed_at, meeting.signed_by = utcnow(), "Dr DM"
        s.add(meeting)
    screen = ReviewScreen(workspace, Catalog("en"), meeting_id, None, "surgery", D1, D1)

    async def steps(pilot, screen):
        await settled(pilot, screen)
        assert screen.query_one(DataTable).row_count == 4  # every site: the ARL one too
        await pilot.press("m")
        for _ in range(20):
            await pilot.pause()
        assert any("signed" in n.message for n in pilot.app._notifications)
        assert isinstance(pilot.app.screen, ErrorDialog) and "signed" in pilot.app.screen.text

    drive(screen, steps)
    assert active_pins(workspace) == {}


def test_the_status_shows_on_an_80_column_terminal(workspace):
    """Found by an audit: at 80x24 the Status column was off-screen, so the chair could not see each patient's."""
    meeting_id = fill(workspace, 3)
    with workspace.session() as s:
        appointment(s, "LIB", "surgery", D1, time(12, 0), doctor="Dr Marie-Christine Vandenberghe-Lemaire",
                    service="Chirurgie orthopédique et traumatologie", last_name="Vandenberghe-Lemaire",
                    first_name="Marie-Christine", phone_kind="landline")
    for lang, several_sites in (("fr", False), ("en", False), ("fr", True)):
        screen = ReviewScreen(workspace, Catalog(lang), meeting_id, None if several_sites else "LIB", "surgery",
                              D1, D1)

        async def steps(pilot, screen):
            await settled(pilot, screen)
            table = screen.table
            assert table.scroll_x == 0 and table.content_region.right <= 80
            x = table.content_region.x
            for column in table.ordered_columns:
                width = column.get_render_width(table)
                if column.key.value == "status":
                    assert x + width <= table.content_region.right, (lang, x, width)
                    break
                x += width
            statuses = {table.get_row_at(i)[table.get_column_index("status")] for i in range(table.row_count)}
            assert ("En attente" if lang == "fr" else "Pending") in statuses

        hosted(screen, steps, (80, 24))


def test_on_an_80_column_screen_the_footer_shows_the_decision_keys_first(workspace):
    meeting_id = fill(workspace)
    screen = libramont_surgery(workspace, meeting_id, lang="fr")

    async def steps(pilot, screen):
        await settled(pilot, screen)
        return pilot.app.screen._compositor.render_strips()[-1].text

    footer = hosted(screen, steps, (80, 24))
    assert footer.lstrip().startswith("m Maintenir  c Annuler  p En attente")
