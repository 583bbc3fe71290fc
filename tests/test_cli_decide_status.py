from __future__ import annotations

import json

import pytest

from sqlmodel import select

from crisis_tui.cli import main
from crisis_tui.core.models import Decision, Meeting


def run(capsys, home, *args):
    code = main(["--home", str(home.root), *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_status_json_has_one_cell_per_site_and_activity(capsys, home, workspace):
    code, out, _ = run(capsys, home, "status", "--date", "2026-12-07", "--json")
    data = json.loads(out)
    assert code == 0 and data["date"] == data["to"] == "2026-12-07" and data["meeting"] is None
    assert len(data["cells"]) == len(workspace.reference.sites) * len(workspace.reference.activities)
    keys = {"site", "activity", "status", "appointments", "mobile", "landline_only", "no_number", "sms", "calls",
            "doctor_calls", "unreachable", "pending"}
    assert all(set(cell) == keys and cell["status"] == "maintained" for cell in data["cells"])


def test_decide_opens_the_daily_meeting_and_accepts_aliases_and_all(capsys, home, workspace):
    code, _, _ = run(capsys, home, "decide", "--date", "2026-12-07", "--to", "2026-12-08", "--site", "Hôpital de Bastogne",
                     "--activity", "all", "--status", "cancelled", "--note", "Cyberattaque",
                     "--uncontacted", "attend_unless_contacted")
    assert code == 0
    with workspace.session() as s:
        assert len(s.exec(select(Meeting)).all()) == 1
        rows = s.exec(select(Decision)).all()
        assert len(rows) == 12 and {r.site for r in rows} == {"BAS"}
        assert {r.uncontacted for r in rows} == {"attend_unless_contacted"}
    _, out, _ = run(capsys, home, "status", "--date", "2026-12-07", "--json")
    cells = json.loads(out)["cells"]
    assert {c["status"] for c in cells if c["site"] == "BAS"} == {"cancelled"}
    assert json.loads(out)["meeting"]["kind"] == "daily"


def test_unusable_options_exit_2_with_one_line(capsys, home):
    for args, word in (
        (["decide", "--date", "2026-12-07", "--site", "Namur", "--activity", "all", "--status", "cancelled"], "--site"),
        (["decide", "--date", "2026-12-07", "--site", "all", "--activity", "all", "--status", "closed"], "--status"),
        (["status", "--date", "07/12/2026"], "--date"),
        (["status", "--date", "2026-12-08", "--to", "2026-12-07"], "--to"),
    ):
        code, _, err = run(capsys, home, *args)
        assert code == 2 and word in err and len(err.strip().splitlines()) == 1


def test_a_date_is_only_accepted_as_yyyy_mm_dd(capsys, home):
    """Python's date.fromisoformat takes 20261207 and week dates too; the contract says YYYY-MM-DD."""
    for args, word in (
        (["status", "--date", "20261207"], "--date '20261207'"),
        (["status", "--date", "2026-12-07", "--to", "2026-W50-1"], "--to '2026-W50-1'"),
        (["decide", "--date", "2026-12-7", "--site", "all", "--activity", "all", "--status", "cancelled"],
         "--date '2026-12-7'"),
        (["it", "set", "PACS", "--status", "green", "--eta", "20261208"], "--eta '20261208'"),
    ):
        code, out, err = run(capsys, home, *args)
        assert (code, out) == (2, "") and word in err and "AAAA-MM-JJ" in err and err.count("\n") == 1


def test_meeting_open_emergency(capsys, home, workspace):
    assert run(capsys, home, "meeting", "open", "--chair", "Dr Martin", "--attendee", "Anne (secrétaire)")[2] == ""
    code, out, err = run(capsys, home, "--lang", "en", "meeting", "open", "--emergency")
    assert code == 0 and "Emergency meeting" in out
    assert err == "crisis-tui: warning: meeting(s) 1 not signed yet (crisis-tui sign --meeting N)\n"
    with workspace.session() as s:
        assert [m.kind for m in s.exec(select(Meeting).order_by(Meeting.id))] == ["daily", "emergency"]



@pytest.mark.parametrize("blank", ["", "   "])
def test_a_blank_chair_is_refused_and_the_meetings_chair_kept(capsys, home, workspace, blank):
    run(capsys, home, "meeting", "open", "--chair", "Dr Martin")
    code, out, err = run(capsys, home, "meeting", "open", "--chair", blank)
    assert (code, out) == (2, "") and err.count("\n") == 1 and "--chair" in err
    with workspace.session() as s:
        assert [m.chair for m in s.exec(select(Meeting))] == ["Dr Martin"]


def test_output_into_a_closed_pipe_is_not_a_crash(home, workspace, monkeypatch, tmp_path):
    spare = (tmp_path / "spare").open("w")

    class ClosedPipe:
        def write(self, _text):
            raise BrokenPipeError

        def fileno(self):
            return spare.fileno()

    monkeypatch.setattr("sys.stdout", ClosedPipe())
    assert main(["--home", str(home.root), "status", "--date", "2026-12-07"]) == 0
    spare.close()


def test_every_command_closes_its_workspace_even_when_refused(home, workspace, monkeypatch, capsys):
    from crisis_tui.core.workspace import Workspace

    closed = []
    monkeypatch.setattr(Workspace, "close", lambda self: closed.append(self))
    assert main(["--home", str(home.root), "status", "--date", "2026-12-07"]) == 0
    assert main(["--home", str(home.root), "decide", "--date", "2026-12-07", "--site", "Namur", "--activity", "all",
                 "--status", "cancelled"]) == 2
    assert main(["--home", str(home.root), "verify"]) == 0
    assert len(closed) == 3
    capsys.readouterr()


def test_signing_before_any_meeting_says_so_without_naming_another_command(capsys, home, workspace):
    code, _, err = run(capsys, home, "sign", "--by", "Dr Directeur")
    assert code == 2 and "aucune réunion encore" in err and "export" not in err


def test_a_reading_command_on_a_database_that_was_not_there_says_so(capsys, tmp_path):
    nowhere = tmp_path / "typo"
    assert main(["--home", str(nowhere), "status", "--date", "2026-12-07", "--json"]) == 0
    out, err = capsys.readouterr()
    assert json.loads(out)["cells"] and err.count("\n") == 1 and str(nowhere / "data" / "crisis.db") in err
    assert main(["--home", str(nowhere), "verify", "--json"]) == 0
    assert capsys.readouterr().err == ""  # the database is there now
    assert main(["--home", str(tmp_path / "h"), "--db", str(tmp_path / "other.db"), "meeting", "open"]) == 0
    assert capsys.readouterr().err == ""  # a command that records something just starts one


def test_a_home_that_is_no_folder_or_cannot_be_created_is_one_line_exit_2(capsys, tmp_path, monkeypatch):
    afile, loop = tmp_path / "afile", tmp_path / "loop"
    afile.touch()
    loop.symlink_to(tmp_path / "loop")
    said = "ce n'est pas un dossier, ou il ne peut pas être créé"
    for home, line in ((afile, f"--home {afile} : {said} (Not a directory)"),
                       (afile / "sub", f"--home {afile / 'sub'} : {said} (Not a directory)"),
                       (loop, f"--home {loop} : {said} (Symlink loop from '{loop}')")):
        for command in (["status", "--date", "2026-12-07"], []):  # [] is the TUI
            assert main(["--home", str(home), *command]) == 2
            assert capsys.readouterr().err == f"crisis-tui: {line}\n"
    monkeypatch.setenv("CRISIS_TUI_HOME", str(afile))
    assert main(["--lang", "en", "meeting", "open"]) == 2
    assert capsys.readouterr().err == f"crisis-tui: CRISIS_TUI_HOME {afile}: not a folder, or it cannot be created " \
                                      "(Not a directory)\n"


def test_a_database_path_that_cannot_be_followed_or_created_is_one_line_exit_2(capsys, tmp_path):
    afile, loop = tmp_path / "afile", tmp_path / "loop"
    afile.touch()
    loop.symlink_to(tmp_path / "loop")
    home = str(tmp_path / "home")
    assert main(["--home", home, "--lang", "en", "--db", str(afile / "crisis.db"), "meeting", "open"]) == 2
    assert capsys.readouterr().err == f"crisis-tui: --db: database {afile / 'crisis.db'}: its folder cannot be " \
                                      "created (File exists)\n"
    assert main(["--home", home, "--lang", "en", "--db", str(loop), "status", "--date", "2026-12-07"]) == 2
    assert capsys.readouterr().err == f"crisis-tui: --db: database {loop}: Symlink loop from '{loop}'\n"


def test_an_attendee_without_a_name_is_refused_and_no_meeting_is_opened(capsys, home, workspace):
    for blank in ("", "  ", "(secrétariat)"):
        code, out, err = run(capsys, home, "meeting", "open", "--attendee", "Anne Petit", "--attendee", blank)
        assert code == 2 and err.count("\n") == 1 and "--attendee" in err and "nom" in err
    with workspace.session() as session:
        assert session.exec(select(Meeting)).all() == []


def test_argument_errors_are_said_in_the_cli_language_on_one_line(capsys, home):
    import argparse

    said = {}
    for lang in ("fr", "en"):
        for args in (["status"], ["export", "foo", "--date", "2026-12-07"], ["status", "--date", "2026-12-07", "-x"]):
            with pytest.raises(SystemExit) as stopped:
                main(["--home", str(home.root), "--lang", lang, *args])
            err = capsys.readouterr().err
            assert stopped.value.code == 2 and len(err.strip().splitlines()) == 1
            said[(lang, args[0], len(args))] = err
    assert "arguments obligatoires manquants : --date" in said[("fr", "status", 1)]
    assert "the following arguments are required: --date" in said[("en", "status", 1)]
    assert "choix invalide : 'foo'" in said[("fr", "export", 4)]
    assert "invalid choice: 'foo'" in said[("en", "export", 4)]
    assert "arguments inconnus : -x" in said[("fr", "status", 4)]
    with pytest.raises(SystemExit):  # French by default, and argparse left as it was
        main(["--home", str(home.root), "status"])
    assert "arguments obligatoires manquants" in capsys.readouterr().err
    assert argparse._("expected one argument") == "expected one argument"


def test_help_is_said_in_the_cli_language(capsys):
    for lang, said in (("fr", ("arguments positionnels", "site de chaque ligne (code, nom ou alias)",
                                "afficher cette aide et quitter")),
                       ("en", ("positional arguments", "site of every row (code, name or alias)",
                               "show this help message and exit"))):
        with pytest.raises(SystemExit) as stopped:
            main(["--lang", lang, "import", "--help"])
        out = capsys.readouterr().out
        assert stopped.value.code == 0 and all(text in out for text in said), out
    with pytest.raises(SystemExit):
        main(["--help"])  # French by default
    assert "importer des exports de tableur" in capsys.readouterr().out


def test_every_help_text_of_the_command_line_has_its_french(capsys):
    import argparse

    from crisis_tui.cli import _parsers, build_parser
    from crisis_tui.i18n import Catalog, all_keys

    english = Catalog("en")
    known = {english.t(key) for key in all_keys() if key.startswith(("cli_help.", "cli_argparse."))}
    texts = set()
    for parser in _parsers(build_parser()):
        texts |= {parser.description, *(group.title for group in parser._action_groups)}
        for action in parser._actions:
            texts |= {action.help, *(choice.help for choice in getattr(action, "_choices_actions", ()))}
    assert texts - {None, argparse.SUPPRESS} - known == set()
