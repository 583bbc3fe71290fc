"""The minutes workbook: French by default, English on demand, A4 one page wide, statuses in text and colour, text
that looks like a formula kept as text, the impact table equal to `status --json`, the signature block and the
hash in the footer; printed through LibreOffice it fits the page width and shows the signature."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook
from pdfcheck import needs_libreoffice, pages, to_pdf

from crisis_tui.core.documents.minutes import COUNT_COLUMNS
from crisis_tui.core.documents.workbook import STATUS_COLOURS
from crisis_tui.core.models import Meeting
from crisis_tui.core.told import COUNT_KEYS
from crisis_tui.i18n import Catalog
from minutes_support import D1, PATIENT, run, seed
from tests.factories import appointment


def export(capsys, home, *args) -> Path:
    code, out, err = run(capsys, home, *args, "export", "minutes", "--date", "2026-12-07", "--to", "2026-12-08",
                         "--out", str(home.root / "out"), "--json")
    assert code == 0, err
    files = json.loads(out)["files"]
    assert len(files) == 1
    return Path(files[0])


def values(ws) -> list[list]:
    return [[c.value for c in row] for row in ws.iter_rows()]


def impact_rows(ws, lang: str) -> dict[tuple[str, str], list[int]]:
    """(site name, activity label) -> the counts of the impact table; the totals under ("total", "")."""
    t = Catalog(lang).t
    rows = values(ws)
    start = next(i for i, r in enumerate(rows) if t("minutes.col.appointments") in r and t("minutes.col.rule") in r)
    first = rows[start].index(t("minutes.col.appointments"))
    table = {}
    for row in rows[start + 1:]:
        counts = row[first:first + len(COUNT_COLUMNS)]
        if row[0] == t("minutes.doc.total"):
            table[("total", "")] = counts
            return table
        table[(row[0], row[1])] = counts


def test_french_by_default_a4_one_page_wide_statuses_in_text_and_colour(capsys, home, workspace):
    seed(workspace)
    path = export(capsys, home)
    assert re.fullmatch(r"pv_2026-12-07_2026-12-08_\d{8}-\d{4}\.xlsx", path.name)
    wb = load_workbook(path)
    ws = wb["Procès-verbal"]
    assert ws.page_setup.paperSize == 9 and ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    assert "PROJET" in ws.oddFooter.left.text and "&P / &N" in ws.oddFooter.center.text
    cells = [c for row in ws.iter_rows() for c in row if c.value is not None]
    text = "\n".join(str(c.value) for c in cells)
    assert "Réunion quotidienne n° 1 du dimanche 06/12/2026" in text and "Anne Secr (secrétaire)" in text
    cancelled = [c for c in cells if c.value == "Annulé"]
    assert cancelled and all(c.fill.fgColor.rgb.endswith(STATUS_COLOURS["cancelled"][0]) for c in cancelled)
    assert any(c.value == "Au cas par cas" for c in cells) and "Dr Lambert" in text and "keeps his own" in text
    action = next(c for c in cells if c.value == "=call the press")
    assert action.data_type == "s" and not any(c.data_type == "f" for c in cells)
    assert PATIENT not in text and "Patient" not in text.replace("Patients", "")
    assert "Projet : non signé par le directeur médical." in text and "Signé par" not in text


def test_impact_table_equals_status_json(capsys, home, workspace):
    seed(workspace)
    path = export(capsys, home, "--lang", "en")
    code, out, _ = run(capsys, home, "status", "--date", "2026-12-07", "--to", "2026-12-08", "--json")
    status = json.loads(out)["cells"]
    names = {s.code: s.name for s in workspace.reference.sites}
    labels = {a.code: a.label_en for a in workspace.reference.activities}
    table = impact_rows(load_workbook(path).active, "en")
    shown = {(names[c["site"]], labels[c["activity"]]): [c[k] for k in COUNT_COLUMNS] for c in status
             if any(c[k] for k in COUNT_COLUMNS[1:]) or c["status"] != "maintained"}
    assert {k: v for k, v in table.items() if k[0] != "total"} == shown
    assert table[("total", "")] == [sum(c[k] for c in status) for k in COUNT_COLUMNS]


def test_signed_minutes_carry_the_signature_and_the_hash(capsys, home, workspace):
    meeting_id = seed(workspace)
    code, _, _ = run(capsys, home, "sign", "--by", "Dr Director", "--role", "Medical director")
    assert code == 0
    with workspace.session() as s:
        meeting = s.get(Meeting, meeting_id)
    path = export(capsys, home, "--lang", "en")
    ws = load_workbook(path)["Minutes"]
    assert ws.oddFooter.left.text == f"SHA-256: {meeting.minutes_hash}"
    rows = values(ws)
    lines = {r[0]: r[1] for r in rows if r[0]}
    assert lines["Signed by"] == "Dr Director" and lines["Role"] == "Medical director"
    assert lines["SHA-256 fingerprint"] == meeting.minutes_hash and lines["Previous fingerprint"] == "0" * 64
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", lines["Date"])


def test_signed_minutes_list_the_sites_in_the_reference_order_as_the_draft_does(capsys, home, workspace):
    seed(workspace)
    names = [site.name for site in workspace.reference.sites]

    def grid_sites(path):
        rows = values(load_workbook(path).active)
        start = next(i for i, r in enumerate(rows) if "07/12/2026" in str(r[0]))  # the first day's grid
        return [r[0] for r in rows[start + 1 : start + 1 + len(names)]]

    draft = grid_sites(export(capsys, home))
    run(capsys, home, "sign", "--by", "Dr Director")
    assert grid_sites(export(capsys, home)) == draft == names


def test_signed_minutes_exported_count_what_was_signed(capsys, home, workspace):
    """The JSON's counts are the totals of the minutes written: those signed, not the board as it is now."""
    meeting_id = seed(workspace)
    run(capsys, home, "sign", "--by", "Dr Director")
    with workspace.session() as s:
        totals = json.loads(s.get(Meeting, meeting_id).minutes_json)["totals"]
        for _ in range(3):  # a later import: the board changes, the signed minutes do not
            appointment(s, "BAS", "consultation", D1, phone_kind="mobile", doctor="Dr Roux")
    code, out, err = run(capsys, home, "export", "minutes", "--meeting", str(meeting_id), "--date", "2026-12-07",
                         "--to", "2026-12-08", "--out", str(home.root / "out"), "--json")
    assert code == 0, err
    data = json.loads(out)
    assert {k: data[k] for k in COUNT_KEYS} == {k: totals[k] for k in COUNT_KEYS} and totals["sms"] > 0
    code, out, _ = run(capsys, home, "status", "--date", "2026-12-07", "--to", "2026-12-08", "--json")
    assert sum(c["sms"] for c in json.loads(out)["cells"]) == totals["sms"] + 3


@pytest.mark.parametrize("days", [("--date", "2026-12-08"), ("--date", "2026-12-07", "--to", "2026-12-09")])
def test_signed_minutes_asked_for_other_days_are_written_as_signed_and_say_so(capsys, home, workspace, days):
    meeting_id = seed(workspace)
    run(capsys, home, "sign", "--by", "Dr Director")
    with workspace.session() as s:
        totals = json.loads(s.get(Meeting, meeting_id).minutes_json)["totals"]
    out_dir = home.root / "out"
    code, out, err = run(capsys, home, "--lang", "en", "export", "minutes", "--meeting", str(meeting_id), *days,
                         "--out", str(out_dir), "--json")
    assert code == 0 and len(err.strip().splitlines()) == 1
    assert "--date/--to" in err and f"meeting {meeting_id} is signed" in err and "2026-12-07 → 2026-12-08" in err
    data = json.loads(out)
    assert {k: data[k] for k in COUNT_KEYS} == {k: totals[k] for k in COUNT_KEYS}
    (written,) = data["files"]
    assert "_2026-12-07_2026-12-08_" in Path(written).name  # the signed days, not those asked for


def test_export_minutes_without_any_meeting_exits_2(capsys, home, workspace):
    code, _, err = run(capsys, home, "export", "minutes", "--date", "2026-12-07")
    assert code == 2 and "aucune réunion" in err and len(err.strip().splitlines()) == 1


@needs_libreoffice
@pytest.mark.xdist_group("libreoffice")
def test_printed_minutes_fit_the_page_width_and_show_the_signature(capsys, home, workspace, tmp_path):
    seed(workspace)
    run(capsys, home, "sign", "--by", "Dr Director", "--role", "Directeur médical")
    with workspace.session() as s:
        minutes_hash = s.get(Meeting, 1).minutes_hash
    printed = pages(to_pdf(export(capsys, home), tmp_path / "pdf"))
    assert 1 <= len(printed) <= 4 and all(p.is_a4() and p.landscape for p in printed)
    total = len(printed)
    for page in printed:  # one page wide: every page is a page of the whole, with the hash in its footer
        assert f"page {page.number} / {total}" in page.text and minutes_hash in page.text
    text = "\n".join(p.text for p in printed)
    impact_header = next(line for line in text.splitlines() if "RDV" in line)
    assert "En attente" in impact_header  # the last column prints beside the first
    for label in ("Signé par", "Dr Director", "Directeur médical", "Empreinte SHA-256"):
        assert label in printed[-1].text
    assert "Annulé" in text and "Au cas par cas" in text
