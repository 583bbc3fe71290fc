"""Long runs of blank rows (a stray cell typed far below a table) are left unread past BLANK_RUN rows: the import
reads what follows them as before, without looking at each blank row."""

from __future__ import annotations

from hypothesis import given, strategies as st
from openpyxl import Workbook

from crisis_tui.core.ingest import importer
from crisis_tui.core.ingest.importer import BLANK_RUN, _thinned, import_file
from import_files import counts, stored

ROWS = [["Nom", "Prénom", "Date", "Heure", "GSM", "Site", "Activité"],
        ["ADAM", "Léa", "20/04/2022", "08:00", "0470 11 22 33", "Arlon", "Consultation"],
        ["BODSON", "Eva", "20/04/2022", "08:30", "0470 11 22 34", "Arlon", "Consultation"]]


def one_pass(filled: list[bool]) -> list[int]:
    """The rows kept, by a plain reading: a blank row is kept while at most BLANK_RUN blank rows end there."""
    kept, blanks = [], 0
    for number, full in enumerate(filled):
        blanks = 0 if full else blanks + 1
        if blanks <= BLANK_RUN:
            kept.append(number)
    return kept


@given(st.lists(st.booleans(), max_size=60), st.lists(st.integers(1, 70), min_size=1, max_size=8))
def test_a_chunk_at_a_time_keeps_the_rows_one_pass_keeps(filled, sizes):
    filled = [full for full in filled for _ in range(1 if full else 7)]  # blank rows come in runs
    rows = [(number, ["x"] if full else [None, ""]) for number, full in enumerate(filled)]
    kept, blanks, start, turn = [], 0, 0, 0
    while start < len(rows):
        size = sizes[turn % len(sizes)]
        chunk, blanks = _thinned(rows[start : start + size], blanks)
        kept += [number for number, _ in chunk]
        start, turn = start + size, turn + 1
    assert kept == one_pass(filled)


def test_a_stray_cell_far_below_the_table_is_not_reached_row_by_row(workspace, tmp_path, monkeypatch):
    workbook = Workbook()
    sheet = workbook.active
    for row in ROWS:
        sheet.append(row)
    sheet.cell(row=200_000, column=1, value="x")  # 200k rows x 7 columns: calamine reads it whole, blank rows included
    sheet.cell(row=200_001, column=1, value="CAMUS")
    sheet.cell(row=200_001, column=3, value="21/04/2022")
    path = tmp_path / "consultations_arlon.xlsx"
    workbook.save(path)
    looked_at = []
    turning = importer._FileImport._turning

    def counted(self, *args):
        looked_at.append(args[1])
        return turning(self, *args)

    monkeypatch.setattr(importer._FileImport, "_turning", counted)
    report = import_file(workspace, path)
    assert counts(report) == (4, 3, 0, 1)  # "x" rejected, CAMUS imported (a day without a time), as before
    assert len(looked_at) < 3 * BLANK_RUN  # the blank rows between were not looked at, each
    assert sorted(a.last_name for a in stored(workspace)) == ["ADAM", "BODSON", "CAMUS"]
