"""`crisis-tui it load|set|order|status`: the contract's JSON, exit codes, and nothing changed on a bad call."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from crisis_tui.cli import main
from crisis_tui.config import BUNDLED_DATA
from crisis_tui.core.clock import today
from crisis_tui.core.meetings import open_meeting
from crisis_tui.core.models import AuditEntry

LIST = (
    "Système;Priorité;Dépend de;Statut;Activités\n"
    "Réseau;1;;vert;\n"
    "PACS;1;Réseau;rouge;radiology\n"
    "DPI;2;Réseau;rouge;consultation\n"
)


@pytest.fixture
def run(home, capsys):
    def run(*args: str) -> tuple[int, str, str]:
        code = main(["--home", str(home.root), *args])
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def loaded(run, tmp_path):
    path = tmp_path / "systems.csv"
    path.write_text(LIST, encoding="utf-8")
    assert run("it", "load", str(path))[0] == 0
    return run


def test_load_then_order_as_json_in_restart_order(loaded):
    code, out, _ = loaded("it", "order", "--json")
    assert code == 0
    order = json.loads(out)["order"]
    assert [(i["name"], i["tier"], i["status"], i["ready"], i["depends_on"]) for i in order] == [
        ("Réseau", 1, "restored", True, []),
        ("PACS", 1, "down", True, ["Réseau"]),
        ("DPI", 2, "down", True, ["Réseau"]),
    ]


def test_set_changes_status_note_and_eta(loaded):
    code, out, _ = loaded("it", "set", "pacs", "--status", "Ambre", "--note", "en restauration", "--eta", "2022-04-20")
    assert code == 0 and "PACS" in out
    [pacs] = [i for i in json.loads(loaded("it", "order", "--json")[1])["order"] if i["name"] == "PACS"]
    assert (pacs["status"], pacs["notes"], pacs["eta"]) == ("restoring", "en restauration", "2022-04-20")


def test_a_system_set_restored_before_what_it_depends_on_is_recorded_with_a_warning(loaded):
    loaded("it", "set", "Réseau", "--status", "rouge")
    code, out, err = loaded("it", "set", "PACS", "--status", "vert")
    assert code == 0 and "PACS" in out
    assert err.count("\n") == 1 and "PACS dépend de Réseau" in err
    status = json.loads(loaded("it", "status", "--json")[1])
    assert {"site": "ARL", "activity": "radiology", "state": "systems_down"} in status["activities"]
    assert loaded("it", "set", "Réseau", "--status", "vert")[2] == ""  # nothing under it


@pytest.mark.parametrize(
    "args, expected",
    [
        (("it", "set", "Inconnu", "--status", "down"), "système informatique 'Inconnu' inconnu"),
        (("it", "set", "PACS", "--status", "mauve"), "--status 'mauve' : attendu l'un de down"),
        (("it", "set", "PACS", "--status", "vert", "--eta", "demain"), "--eta 'demain'"),
    ],
)
def test_a_bad_set_exits_2_with_one_line_and_changes_nothing(loaded, args, expected):
    before = loaded("it", "order", "--json")[1]
    code, out, err = loaded(*args)
    assert code == 2 and expected in err and err.count("\n") == 1
    assert loaded("it", "order", "--json")[1] == before


@pytest.mark.parametrize(
    "content, expected",
    [
        ("Système;Priorité;Dépend de\nA;1;B\nB;1;A\n", "bad.csv : dépendances en boucle entre A, B"),
        ("Système;Priorité;Dépend de\nA;1;Z\n", "bad.csv : ligne 2 (A) : dépend d'un système inconnu, 'Z'"),
    ],
)
def test_a_bad_list_exits_2_naming_the_systems_and_keeps_the_old_list(loaded, tmp_path, content, expected):
    before = loaded("it", "order", "--json")[1]
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    code, _, err = loaded("it", "load", str(path))
    assert code == 2 and expected in err and err.count("\n") == 1
    assert loaded("it", "order", "--json")[1] == before


def test_status_as_json_gives_counts_next_systems_and_activities(loaded):
    code, out, _ = loaded("it", "status", "--json")
    assert code == 0
    status = json.loads(out)
    assert status["total"] == 3
    assert status["statuses"] == {"down": 2, "restoring": 0, "restored": 1, "verified": 0}
    assert status["tiers"]["1"]["total"] == 2
    assert status["next"] == ["PACS", "DPI"]
    assert {"site": "ARL", "activity": "radiology", "state": "systems_down"} in status["activities"]
    assert status["sites"]["ARL"]["total"] == 3


def test_text_output_in_english(run):
    assert run("--lang", "en", "it", "load", str(BUNDLED_DATA / "it_systems.csv"))[1].startswith("19 systems loaded")
    code, out, _ = run("--lang", "en", "it", "order")
    assert code == 0 and "Restored (green)" in out and "▶ next" in out
    code, out, _ = run("--lang", "en", "it", "status")
    assert code == 0 and "Priority 1" in out and "Can start now:" in out


def test_order_on_an_empty_board_says_how_to_load(run):
    code, out, _ = run("it", "order")
    assert code == 0 and "crisis-tui it load" in out
    assert json.loads(run("it", "order", "--json")[1]) == {"order": []}


@pytest.mark.parametrize(("content", "said"), [
    (None, "No system loaded"),
    ("System;Priority;Status\nA;1;verified\nB;2;restored\n", "Every system is back"),
    ("System;Priority;Status\nA;1;verified\nB;2;restoring\n", "the systems not back yet are being restored"),
    ("System;Priority;Depends on;Status\nA;1;;restoring\nB;2;A;down\n", "Nothing can start until dependencies"),
])
def test_status_says_why_nothing_can_start(run, tmp_path, content, said):
    if content is not None:
        (tmp_path / "it.csv").write_text(content, encoding="utf-8")
        assert run("it", "load", str(tmp_path / "it.csv"))[0] == 0
    code, out, _ = run("--lang", "en", "it", "status")
    assert code == 0 and said in out


def test_changes_made_while_todays_meeting_is_open_belong_to_it(loaded, workspace):
    with workspace.session() as session:
        meeting_id = open_meeting(session, today()).id
    assert loaded("it", "set", "PACS", "--status", "en cours")[0] == 0
    with workspace.session() as session:
        entry = session.exec(select(AuditEntry).where(AuditEntry.action == "it.status")).one()
    assert entry.meeting_id == meeting_id


def test_set_finds_a_system_by_its_name_without_the_part_in_parentheses_when_only_one_has_it(run, tmp_path):
    path = tmp_path / "systems.csv"
    path.write_text("Système;Priorité\nRIS (radiologie);1\nRéseau (cœur);1\nRéseau (Wi-Fi);2\nRéseau;3\n"
                    "Wi-Fi (bâtiment A);3\nWi-Fi (bâtiment B);3\n", encoding="utf-8")
    assert run("it", "load", str(path))[0] == 0
    code, out, _ = run("it", "set", "ris", "--status", "vert")
    assert code == 0 and out == "RIS (radiologie) : Rétabli\n"
    assert run("it", "set", "Réseau", "--status", "vert")[1] == "Réseau : Rétabli\n"  # its whole name wins
    before = run("it", "order", "--json")[1]
    code, _, err = run("--lang", "en", "it", "set", "wi-fi", "--status", "vert")
    assert code == 2 and err.count("\n") == 1
    assert "IT system 'wi-fi' is ambiguous: Wi-Fi (bâtiment A), Wi-Fi (bâtiment B); give its whole name" in err
    assert run("it", "order", "--json")[1] == before
