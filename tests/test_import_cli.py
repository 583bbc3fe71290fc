"""`crisis-tui import`: the shared samples give exactly their manifest's counts; exit codes; human lines in FR/EN."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from crisis_tui.cli import main
from import_files import FR_HEADER, SAMPLES, appointments, sample, text_file

MANIFEST = json.loads((SAMPLES / "manifest.json").read_text(encoding="utf-8"))
COUNTS = ("rows", "imported", "duplicates", "rejected")


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_each_shared_sample_gives_its_manifest_counts(tmp_path, capsys, name):
    expected = MANIFEST[name]
    path = sample(tmp_path, name)
    code, out, err = run(capsys, "--home", str(tmp_path / "home"), "import", str(path), *expected["args"], "--json")
    payload = json.loads(out)
    (entry,) = payload["files"]
    assert set(entry) == {"path", "status", "error", "sheet", "rows", "imported", "duplicates", "rejected",
                          "rejects_file"}
    if "exit" in expected:
        assert code == expected["exit"] == 2
        assert entry["status"] == "error" and entry["imported"] == 0
        assert err.count("\n") == 1 and name in err
        return
    assert code == 0 and err == ""
    assert {k: entry[k] for k in COUNTS} == {k: expected[k] for k in COUNTS}
    assert entry["rows"] == entry["imported"] + entry["duplicates"] + entry["rejected"]
    assert {k: payload[k] for k in COUNTS[1:]} == {k: expected[k] for k in COUNTS[1:]}
    assert (entry["rejects_file"] is not None) == (expected["rejected"] > 0)


def test_a_folder_imports_every_spreadsheet_and_a_bad_one_gives_exit_2(tmp_path, capsys):
    usb = tmp_path / "usb"
    usb.mkdir()
    for name in MANIFEST:
        sample(usb, name)
    (usb / "notes.pdf").write_bytes(b"%PDF-1.4")
    code, out, err = run(capsys, "--home", str(tmp_path / "home"), "import", str(usb), "--json")
    payload = json.loads(out)
    names = [entry["path"].rsplit("/", 1)[-1] for entry in payload["files"]]
    assert names == sorted(MANIFEST)
    assert code == 2 and err.strip() == "crisis-tui: export_tronque.xlsx : classeur tronqué ou endommagé " \
        "(File is not a zip file)"  # people read French; scripts read the JSON's stable English line
    assert [e["error"] for e in payload["files"] if e["error"]] == [
        "export_tronque.xlsx: truncated or damaged workbook (File is not a zip file)"]
    imported = [e for e in payload["files"] if e["status"] == "imported"]
    assert len(imported) == 4 and payload["imported"] == sum(e["imported"] for e in imported)
    code, out, err = run(capsys, "--home", str(tmp_path / "home"), "--lang", "en", "import", str(usb), "--json")
    assert code == 2 and err.strip() == "crisis-tui: export_tronque.xlsx: truncated or damaged workbook " \
        "(File is not a zip file)"


def test_a_folder_imports_the_spreadsheets_of_its_folders_too(tmp_path, capsys):
    """A USB stick with a folder per site (found by an audit: the sites in folders were left out, silently)."""
    usb = tmp_path / "usb"
    for folder, name in (("", "export_consultations_bastogne.xlsx"), ("Arlon", "radiologie_semaine.ods"),
                         ("Libramont/semaine 50", "chirurgie_mardi.xls")):
        (usb / folder).mkdir(parents=True, exist_ok=True)
        sample(usb / folder, name)
    code, out, _ = run(capsys, "--home", str(tmp_path / "home"), "import", str(usb), "--json")
    payload = json.loads(out)
    assert code == 0 and [Path(e["path"]).relative_to(usb).as_posix() for e in payload["files"]] == [
        "Arlon/radiologie_semaine.ods", "export_consultations_bastogne.xlsx", "Libramont/semaine 50/chirurgie_mardi.xls"]
    assert all(e["imported"] > 0 for e in payload["files"])


def test_a_folder_import_leaves_the_home_s_own_exports_aside(tmp_path, capsys):
    """Found by a regression audit: the home imported as a folder took its call lists and rejects back in."""
    home = tmp_path / "home"
    inbox = home / "data" / "inbox"
    inbox.mkdir(parents=True)
    sample(inbox, "export_consultations_bastogne.xlsx")
    code, out, _ = run(capsys, "--home", str(home), "import", str(home), "--json")
    assert code == 0 and json.loads(out)["rejected"] == 1 and any((home / "exports" / "rejects").iterdir())
    (home / "exports" / "appels_2026-12-07.xlsx").write_bytes((inbox / "export_consultations_bastogne.xlsx").read_bytes())
    code, out, _ = run(capsys, "--home", str(home), "import", str(home), "--json")
    assert code == 0 and [Path(e["path"]).name for e in json.loads(out)["files"]] == [
        "export_consultations_bastogne.xlsx"]


def test_a_second_import_of_the_same_files_adds_nothing(tmp_path, capsys):
    path = sample(tmp_path, "export_consultations_bastogne.xlsx")
    home = str(tmp_path / "home")
    run(capsys, "--home", home, "import", str(path), "--json")
    code, out, _ = run(capsys, "--home", home, "import", str(path), "--json")
    payload = json.loads(out)
    assert code == 0 and (payload["imported"], payload["duplicates"], payload["rejected"]) == (0, 40, 1)


@pytest.mark.parametrize(("option", "value", "message", "english"), [
    ("--site", "Namur", "--site 'Namur' : aucun code, nom ni alias ne correspond", "--site 'Namur' is not a known site"),
    ("--activity", "yoga", "--activity 'yoga' : aucun code, nom ni alias ne correspond",
     "--activity 'yoga' is not a known activity"),
])
def test_an_unknown_site_or_activity_option_is_exit_2_and_imports_nothing(tmp_path, capsys, option, value, message,
                                                                           english):
    path = text_file(tmp_path / "x.csv", [FR_HEADER, *appointments(2)])
    code, out, err = run(capsys, "--home", str(tmp_path / "home"), "import", str(path), option, value, "--json")
    assert code == 2 and out == "" and err.strip() == f"crisis-tui: {message}"
    code, out, err = run(capsys, "--home", str(tmp_path / "home"), "--lang", "en", "import", str(path), option, value)
    assert code == 2 and out == "" and err.strip() == f"crisis-tui: {english}"


def test_options_take_names_and_aliases(tmp_path, capsys):
    path = text_file(tmp_path / "x.csv", [["Nom", "Date"], ["Dupont", "17/05/2022"]])
    code, out, _ = run(capsys, "--home", str(tmp_path / "home"), "import", str(path), "--site", "CHA",
                       "--activity", "Radiologie", "--json")
    assert code == 0 and json.loads(out)["imported"] == 1


def test_human_lines_in_french_and_english(tmp_path, capsys):
    path = sample(tmp_path, "export_consultations_bastogne.xlsx")
    code, out, _ = run(capsys, "--home", str(tmp_path / "fr"), "import", str(path))
    assert code == 0
    assert ("export_consultations_bastogne.xlsx [Feuil1] : 41 lignes, 40 importées, 0 doublons, 1 rejetées"
            in out)
    assert "lignes rejetées et leur motif" in out and "Total : 40 importés" in out
    code, out, _ = run(capsys, "--home", str(tmp_path / "en"), "--lang", "en", "import", str(path))
    assert "export_consultations_bastogne.xlsx [Feuil1]: 41 rows, 40 imported, 0 duplicates, 1 rejected" in out
    assert "Total: 40 imported, 0 duplicates, 1 rejected" in out


def test_an_empty_folder_is_exit_2(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    code, out, err = run(capsys, "--home", str(tmp_path / "home"), "import", str(tmp_path / "empty"))
    assert code == 2 and "aucun tableur dans ce dossier" in err and err.count("\n") == 1
    code, out, err = run(capsys, "--home", str(tmp_path / "home"), "--lang", "en", "import", str(tmp_path / "empty"))
    assert code == 2 and "no spreadsheet in this folder" in err and err.count("\n") == 1


@pytest.mark.parametrize("name", ["absent.xlsx", "absent_folder"])
def test_a_path_that_is_not_there_is_named_as_not_found_in_the_interface_language(tmp_path, capsys, name):
    code, out, err = run(capsys, "--home", str(tmp_path / "home"), "import", str(tmp_path / name))
    assert code == 2 and err.count("\n") == 1 and name in err and "introuvable" in err and "No such" not in err
    code, out, err = run(capsys, "--home", str(tmp_path / "home"), "--lang", "en", "import", str(tmp_path / name))
    assert code == 2 and "not found" in err


def test_a_file_this_account_cannot_read_is_named_as_such(tmp_path, capsys, monkeypatch):
    path = text_file(tmp_path / "rdv.csv", [FR_HEADER, *appointments(2)])

    opened = type(path).open

    def refused(self, *args, **kwargs):  # chmod 000 would not stop root, who may run the tests
        if self == path:
            raise PermissionError(13, "Permission denied")
        return opened(self, *args, **kwargs)

    monkeypatch.setattr(type(path), "open", refused)
    code, out, err = run(capsys, "--home", str(tmp_path / "home"), "import", str(path))
    assert code == 2 and err.count("\n") == 1 and "rdv.csv" in err and "accès refusé" in err


@pytest.mark.parametrize("name", ["agenda.xlsx", "agenda.xls", "agenda.ods"])
def test_a_file_named_as_a_workbook_that_holds_none_says_so(tmp_path, capsys, name):
    (tmp_path / name).write_bytes(b"not a workbook at all\r\n")  # text: read as a table, none found
    code, out, err = run(capsys, "--home", str(tmp_path / "home"), "import", str(tmp_path / name))
    assert code == 2 and err.count("\n") == 1 and f"{name} : n'est pas un classeur {name[-5:].lstrip('a')}" in err


def test_a_csv_saved_under_a_workbook_name_still_imports(tmp_path, capsys):
    text_file(tmp_path / "consultations_arlon.xls", [FR_HEADER, *appointments(3)])
    code, out, err = run(capsys, "--home", str(tmp_path / "home"), "import", str(tmp_path / "consultations_arlon.xls"))
    assert code == 0 and "3 importées" in out
