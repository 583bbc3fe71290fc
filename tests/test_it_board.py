"""Statuses and their audit trail, readiness of the activities, the board's flags, progress, the snapshot."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlmodel import select

from crisis_tui.core.decisions import decide
from crisis_tui.core.errors import UsageError
from crisis_tui.core.it_restart import (
    activity_readiness, it_snapshot, load_systems, progress, readiness_flag, restart_order, set_eta, set_note,
    _state, set_status, working_status,
)
from crisis_tui.core.meetings import open_meeting
from crisis_tui.core.models import AuditEntry, ITSystem, utcnow
from crisis_tui.ui.screens.board_data import load_board
from tests.factories import it_systems

LIST = (
    "Système;Priorité;Dépend de;Statut;Responsable;Activités;Échéance;Notes\n"
    "Réseau;1;;vert;Réseau;;;\n"
    "Active Directory;1;Réseau;rouge;Systèmes;;;\n"
    "PACS;1;Active Directory;rouge;Radiologie;radiology;19/04/2022;images\n"
    "RIS;1;PACS;rouge;Radiologie;radiology;;\n"
    "Médecine nucléaire;2;PACS;rouge;MN;scintigraphy@LIB;;\n"
    "LIS;2;Réseau;ambre;Labo;blood_draw;;\n"
    "Facturation;4;Active Directory;rouge;Finances;;;\n"
)


@pytest.fixture
def board(workspace, tmp_path):
    it_systems(workspace, tmp_path, LIST)
    return workspace


def change(workspace, name, status, note=None):
    with workspace.session() as session:
        return set_status(session, name, status, note=note, actor="chair", meeting_id=None)


def entries(workspace, action):
    with workspace.session() as session:
        return list(session.exec(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)))


def stored(workspace, name) -> ITSystem:
    with workspace.session() as session:
        return session.exec(select(ITSystem).where(ITSystem.name == name)).one()


@pytest.mark.parametrize(
    "word, status",
    [("VÉRIFIÉ", "verified"), ("Bleu", "verified"), ("blue", "verified"), ("en cours", "restoring"),
     ("AMBRE", "restoring"), ("amber", "restoring"), ("retabli", "restored"), ("Vert", "restored"),
     ("green", "restored"), ("en panne", "down"), ("rouge", "down"), ("Red", "down"), ("Rétabli (vert)", "restored"),
     ("restauré", "restored"), ("Verified (blue)", "verified")],
)
def test_statuses_in_french_english_or_hse_colour_case_and_accents_ignored(board, word, status):
    change(board, "Active Directory", "restoring" if status == "down" else "down")
    assert change(board, "active directory", word).status == status


def test_a_status_change_is_audited_old_to_new_with_its_note_as_the_reason(board):
    change(board, "PACS", "en cours", note="restauration depuis la sauvegarde du 15/04")
    [entry] = entries(board, "it.status")
    assert (entry.target, entry.old, entry.new, entry.actor) == ("PACS", "down", "restoring", "chair")
    assert entry.reason == "restauration depuis la sauvegarde du 15/04"
    [note] = entries(board, "it.note")
    assert (note.old, note.new, note.group) == ("images", "restauration depuis la sauvegarde du 15/04", entry.group)
    assert stored(board, "PACS").notes == "restauration depuis la sauvegarde du 15/04"


def test_setting_the_same_status_again_writes_nothing(board):
    change(board, "PACS", "down")
    assert entries(board, "it.status") == []


@pytest.mark.parametrize("name, status, expected", [("Inconnu", "down", "unknown IT system 'Inconnu'"),
                                                    ("PACS", "mauve", "--status 'mauve': expected one of down")])
def test_an_unknown_system_or_status_is_refused(board, name, status, expected):
    with pytest.raises(UsageError, match=expected):
        change(board, name, status)
    assert stored(board, "PACS").status == "down"


def test_notes_and_eta_changes_are_audited(board):
    with board.session() as session:
        set_note(session, "ris", "  attend le PACS  ")
        set_eta(session, "RIS", date(2022, 4, 21))
        set_eta(session, "RIS", date(2022, 4, 21))
    assert [(e.old, e.new) for e in entries(board, "it.note")] == [("", "attend le PACS")]
    assert [(e.old, e.new) for e in entries(board, "it.eta")] == [("", "2022-04-21")]
    assert stored(board, "RIS").eta == date(2022, 4, 21)


def test_ready_means_everything_it_depends_on_is_restored_or_verified(board):
    with board.session() as session:
        order = {item.name: item for item in restart_order(session)}
    assert [name for name, item in order.items() if item.can_start] == ["Active Directory"]
    assert order["Réseau"].ready and not order["Réseau"].can_start  # already back
    assert order["LIS"].ready and not order["LIS"].can_start  # already restoring
    assert not order["PACS"].ready
    change(board, "Active Directory", "vérifié")
    with board.session() as session:
        order = {item.name: item for item in restart_order(session)}
    assert [name for name, item in order.items() if item.can_start] == ["PACS", "Facturation"]
    assert order["PACS"].depends_on == ("Active Directory",)
    assert order["PACS"].colour == "red" and order["Réseau"].colour == "green"


def test_activity_readiness_follows_the_systems_each_activity_needs(board):
    reference = board.reference
    every_site = {site.code for site in reference.sites}
    with board.session() as session:
        readiness = activity_readiness(session, reference)
    assert {site for site, activity in readiness if activity == "radiology"} == every_site
    assert [key for key in readiness if key[1] == "scintigraphy"] == [("LIB", "scintigraphy")]
    assert readiness[("ARL", "radiology")] == "systems_down"
    assert readiness[("ARL", "blood_draw")] == "restoring"
    assert ("ARL", "consultation") not in readiness  # no system listed for it
    for name in ("Active Directory", "PACS"):
        change(board, name, "rétabli")
    change(board, "RIS", "en cours")
    change(board, "LIS", "vérifié")
    with board.session() as session:
        readiness = activity_readiness(session, reference)
    assert readiness[("ARL", "radiology")] == "restoring"
    assert readiness[("ARL", "blood_draw")] == "can_resume"
    assert readiness[("LIB", "scintigraphy")] == "systems_down"
    change(board, "RIS", "vert")
    with board.session() as session:
        assert activity_readiness(session, reference)[("VIR", "radiology")] == "can_resume"


def test_a_system_marked_restored_works_only_when_what_it_depends_on_does(board):
    reference = board.reference
    for name in ("PACS", "RIS"):  # restored, while the Active Directory under PACS is still down
        change(board, name, "rétabli")
    with board.session() as session:
        assert activity_readiness(session, reference)[("ARL", "radiology")] == "systems_down"
        assert working_status(map(_state, session.exec(select(ITSystem))))["RIS"] == "down"  # two levels up
    change(board, "Active Directory", "en cours")
    with board.session() as session:
        assert activity_readiness(session, reference)[("ARL", "radiology")] == "restoring"
    change(board, "Active Directory", "vérifié")
    with board.session() as session:
        assert activity_readiness(session, reference)[("ARL", "radiology")] == "can_resume"


def test_the_board_flags_can_resume_and_warns_when_a_maintained_activity_lacks_a_system(board):
    change(board, "LIS", "vérifié")
    with board.session() as session:
        readiness = activity_readiness(session, board.reference)
    assert readiness_flag(readiness, "ARL", "blood_draw", ["cancelled"]) == "can_resume"
    assert readiness_flag(readiness, "ARL", "blood_draw", [None]) == "can_resume"
    assert readiness_flag(readiness, "ARL", "blood_draw", ["maintained"]) is None
    assert readiness_flag(readiness, "ARL", "radiology", ["maintained"]) == "systems_down"
    assert readiness_flag(readiness, "ARL", "radiology", ["cancelled"]) is None
    assert readiness_flag(readiness, "ARL", "consultation", ["maintained"]) is None


def test_on_a_range_the_flags_look_at_every_day_of_the_cell(board):
    change(board, "LIS", "vérifié")
    with board.session() as session:
        readiness = activity_readiness(session, board.reference)
    assert readiness_flag(readiness, "ARL", "radiology", ["maintained", "cancelled"]) == "systems_down"
    assert readiness_flag(readiness, "ARL", "radiology", ["cancelled", "stopped"]) is None
    assert readiness_flag(readiness, "ARL", "blood_draw", ["maintained", "cancelled"]) == "can_resume"
    assert readiness_flag(readiness, "ARL", "blood_draw", ["maintained", "maintained"]) is None


def test_the_board_of_a_range_warns_on_a_cell_maintained_one_day_while_its_system_is_down(board):
    first, second = date(2026, 12, 7), date(2026, 12, 8)
    with board.session() as session:
        meeting = open_meeting(session, first)
        decide(session, meeting, ["ARL"], ["radiology"], first, first, "maintained")
        decide(session, meeting, ["ARL"], ["radiology"], second, second, "cancelled")
    assert load_board(board, None, first, first).flags[("ARL", "radiology")] == "systems_down"
    data = load_board(board, None, first, second)
    assert next(c.status for c in data.cells if (c.site, c.activity) == ("ARL", "radiology")) == "mixed"
    assert data.flags[("ARL", "radiology")] == "systems_down"
    assert ("ARL", "radiology") not in load_board(board, None, second, second).flags


def test_progress_counts_per_tier_status_and_site(board):
    with board.session() as session:
        counts = progress(session)
    assert counts["total"] == 7
    assert counts["statuses"] == {"down": 5, "restoring": 1, "restored": 1, "verified": 0}
    assert counts["tiers"][1] == {"down": 3, "restoring": 0, "restored": 1, "verified": 0, "total": 4}
    assert counts["tiers"][2] == {"down": 1, "restoring": 1, "restored": 0, "verified": 0, "total": 2}
    assert counts["tiers"][3]["total"] == 0
    assert counts["sites"]["LIB"]["total"] == 7  # the nuclear medicine stations only count at Libramont
    assert counts["sites"]["ARL"] == {"down": 4, "restoring": 1, "restored": 1, "verified": 0, "total": 6}
    assert json.loads(json.dumps(counts))["tiers"]["1"]["total"] == 4


def test_the_snapshot_rebuilds_the_situation_at_any_past_time(board):
    before_load = datetime(2000, 1, 1)
    first = utcnow()
    change(board, "Active Directory", "vérifié", note="DC reconstruits")
    with board.session() as session:
        set_eta(session, "PACS", date(2022, 4, 20))
    second = utcnow()
    change(board, "PACS", "en cours")
    with board.session() as session:
        now = it_snapshot(session)
        at_first = {s["name"]: s for s in it_snapshot(session, first)}
        at_second = {s["name"]: s for s in it_snapshot(session, second)}
        aware = {s["name"]: s for s in it_snapshot(session, second.replace(tzinfo=timezone.utc))}
        assert it_snapshot(session, before_load) == []
        assert it_snapshot(session, utcnow() + timedelta(seconds=1)) == now
    assert at_first["Active Directory"]["status"] == "down" and at_first["PACS"]["eta"] == date(2022, 4, 19)
    assert at_second["Active Directory"]["status"] == "verified"
    assert at_second["Active Directory"]["notes"] == "DC reconstruits"
    assert at_second["PACS"]["status"] == "down" and at_second["PACS"]["eta"] == date(2022, 4, 20)
    assert aware == at_second
    assert {s["name"]: s["status"] for s in now}["PACS"] == "restoring"
    assert [s["name"] for s in now][:3] == ["Réseau", "Active Directory", "PACS"]
    assert set(now[0]) >= {"name", "tier", "status", "eta", "notes"}


def test_the_snapshot_follows_a_reloaded_list(board, tmp_path):
    first = utcnow()
    path = tmp_path / "new.csv"
    path.write_text("System;Priority\nTéléphonie;2\n", encoding="utf-8")
    with board.session() as session:
        load_systems(session, path)
        assert [s["name"] for s in it_snapshot(session)] == ["Téléphonie"]
        assert len(it_snapshot(session, first)) == 7


def test_a_system_is_ready_only_when_all_it_depends_on_is_up_all_the_way_down(board):
    def ready(name):
        with board.session() as session:
            return next(item for item in restart_order(session) if item.name == name).ready

    change(board, "Active Directory", "restored")
    assert ready("PACS") and ready("Facturation")
    change(board, "Réseau", "down")  # the directory is marked restored, but the network under it is down
    assert not ready("PACS") and not ready("Facturation") and ready("Active Directory") is False
    change(board, "Réseau", "verified")
    assert ready("PACS")
