"""The IT board screen, driven with Textual's Pilot inside a tiny host App: keys change the database and the audit."""

from __future__ import annotations

import pytest
from sqlmodel import select
from textual.widgets import DataTable, Input, Static

from crisis_tui.core.models import AuditEntry, ITSystem
from crisis_tui.i18n import Catalog
from crisis_tui.ui.screens.it_board import ItBoardScreen
from crisis_tui.ui.widgets.dialogs import ErrorDialog, TextInputDialog
from tests.factories import it_systems
from tests.ui_pilot import hosted, paused

LIST = (
    "Système;Priorité;Dépend de;Statut;Activités;Notes\n"
    "Réseau;1;;vert;;\n"
    "PACS;1;Réseau;rouge;radiology;images\n"
    "RIS;1;PACS;rouge;radiology;\n"
    "DPI;2;Réseau;ambre;consultation;\n"
    "MN;3;PACS;rouge;scintigraphy@LIB;\n"
)


@pytest.fixture
def board(workspace, tmp_path):
    it_systems(workspace, tmp_path, LIST)
    return workspace


def drive(workspace, steps, lang: str = "fr"):
    """Open the screen, run `steps(pilot, screen)` (a coroutine), return what it returns."""
    return hosted(ItBoardScreen(workspace, Catalog(lang), actor="chair"), steps, (180, 50), ready=paused)


def status_of(workspace, name: str) -> ITSystem:
    with workspace.session() as session:
        return session.exec(select(ITSystem).where(ITSystem.name == name)).one()


def audit(workspace, action: str) -> list[AuditEntry]:
    with workspace.session() as session:
        return list(session.exec(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def test_the_table_lists_systems_in_restart_order_with_status_colour_and_next_marker(board):
    async def steps(pilot, screen):
        table = screen.query_one("#it-systems", DataTable)
        rows = [table.get_row_at(n) for n in range(table.row_count)]
        return rows, str(screen.query_one("#it-next", Static).render())

    rows, next_line = drive(board, steps)
    assert [row[2] for row in rows] == ["Réseau", "PACS", "RIS", "DPI", "MN"]
    assert str(rows[0][4]).strip() == "Rétabli · vert"
    assert str(rows[1][4]).strip() == "En panne · rouge" and "red" in str(rows[1][4].style)
    assert str(rows[1][1]) == "▶ à lancer" and rows[2][1] == ""
    assert "PACS" in next_line


def test_status_keys_change_the_selected_system_and_write_the_audit(board):
    async def steps(pilot, screen):
        await pilot.press("down")  # PACS
        await pilot.press("2")
        await pilot.press("s")
        await pilot.press("down", "v")  # RIS
        table = screen.query_one("#it-systems", DataTable)
        return table.cursor_row, table.get_row_at(1)[1]

    cursor, pacs_marker = drive(board, steps)
    assert status_of(board, "PACS").status == "restored"
    assert status_of(board, "RIS").status == "verified"
    assert [(e.target, e.old, e.new, e.actor) for e in audit(board, "it.status")] == [
        ("PACS", "down", "restoring", "chair"), ("PACS", "restoring", "restored", "chair"),
        ("RIS", "down", "verified", "chair"),
    ]
    assert cursor == 2  # the cursor stayed on RIS through the refresh
    assert pacs_marker == ""  # PACS is back: no longer "next"


def test_the_note_is_edited_in_a_modal_and_escape_cancels(board):
    async def steps(pilot, screen):
        await pilot.press("down", "n")
        assert isinstance(pilot.app.screen, TextInputDialog)
        prompt_input = pilot.app.screen.query_one(Input)
        assert prompt_input.value == "images"
        prompt_input.value = "réindexation en cours"
        await pilot.press("enter")
        await pilot.press("n")
        pilot.app.screen.query_one(Input).value = "ignored"
        await pilot.press("escape")
        return pilot.app.screen

    top = drive(board, steps)
    assert isinstance(top, ItBoardScreen)
    assert status_of(board, "PACS").notes == "réindexation en cours"
    assert [(e.old, e.new) for e in audit(board, "it.note")] == [("images", "réindexation en cours")]


def test_the_eta_is_edited_and_a_bad_date_changes_nothing(board):
    async def steps(pilot, screen):
        await pilot.press("down", "e")
        pilot.app.screen.query_one(Input).value = "demain"
        await pilot.press("enter")
        assert isinstance(pilot.app.screen, ErrorDialog) and "demain" in pilot.app.screen.text
        await pilot.press("escape")
        await pilot.press("e")
        pilot.app.screen.query_one(Input).value = "21/04/2022"
        await pilot.press("enter")

    drive(board, steps)
    assert str(status_of(board, "PACS").eta) == "2022-04-21"
    assert [e.new for e in audit(board, "it.eta")] == ["2022-04-21"]


def test_a_list_is_loaded_from_the_screen_and_a_bad_one_changes_nothing(board, tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("System;Priority;Depends on\nA;1;B\nB;1;A\n", encoding="utf-8")
    good = tmp_path / "good.csv"
    good.write_text("System;Priority\nMail;3\n", encoding="utf-8")

    async def steps(pilot, screen):
        await pilot.press("l")
        pilot.app.screen.query_one(Input).value = str(bad)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(pilot.app.screen, ErrorDialog)
        assert "bad.csv : dépendances en boucle entre A, B" in pilot.app.screen.text
        await pilot.press("escape")
        await pilot.press("l")
        pilot.app.screen.query_one(Input).value = str(good)
        await pilot.press("enter")
        await pilot.pause()
        table = screen.query_one("#it-systems", DataTable)
        return [table.get_row_at(n)[2] for n in range(table.row_count)]

    names = drive(board, steps)
    assert names == ["Mail"]
    assert [e.target for e in audit(board, "it.load")] == ["systems.csv", "good.csv"]


def test_counts_and_activities_in_english_and_escape_goes_back(board):
    async def steps(pilot, screen):
        counts = screen.query_one("#it-progress", DataTable)
        activities = screen.query_one("#it-activities", DataTable)
        columns = [str(c.label) for c in counts.columns.values()]
        rows = [counts.get_row_at(n) for n in range(counts.row_count)]
        readiness = [activities.get_row_at(n) for n in range(activities.row_count)]
        footer = " ".join(b.description for _, b, *_ in screen.active_bindings.values())
        await pilot.press("escape")
        return columns, rows, readiness, footer, pilot.app.screen

    columns, rows, readiness, footer, top = drive(board, steps, lang="en")
    assert columns == ["", "Down", "Restoring", "Restored", "Verified", "Total"]
    assert rows[0] == ["Priority 1", "2", "0", "1", "0", "3"]
    assert rows[2] == ["Priority 3", "1", "0", "0", "0", "1"]
    assert rows[4] == ["All", "3", "1", "1", "0", "5"]
    assert rows[5] == ["Arlon", "2", "1", "1", "0", "4"] and rows[6] == ["Libramont", "3", "1", "1", "0", "5"]
    assert [[str(cell) for cell in row] for row in readiness] == [
        ["Consultations", "Systems being restored", "every site"], ["Radiology", "Systems down", "every site"],
        ["Scintigraphy", "Systems down", "Libramont"],
    ]
    assert "Restored" in footer and "Back" in footer
    assert not isinstance(top, ItBoardScreen)
