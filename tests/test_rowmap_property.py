"""A sheet's rows converted a chunk at a time, column by column, give exactly what each row converted alone gives."""

from __future__ import annotations

from datetime import date, datetime, time

from hypothesis import given, settings
from hypothesis import strategies as st

from crisis_tui.core.ingest.columns import map_columns
from crisis_tui.core.ingest.rowmap import Place, SheetPlan
from crisis_tui.core.reference import Ambiguous

SITES = {"arlon": "ARL", "bastogne": "BAS"}


def find_site(text: str) -> str | None:
    if text.lower() == "arlon bastogne":
        raise Ambiguous("ARL, BAS")
    return SITES.get(text.lower())


def plan(header: list[str]) -> SheetPlan:
    columns = map_columns(1, header)
    return SheetPlan(columns, Place("site", columns.get("site"), "ARL", ("no_site", ()), find_site),
                     Place("activity", None, "consultation", ("no_activity", ()), str), 7)


names = st.sampled_from(["", None, "DUPONT Jean", "Dupont, Jean", "Van den Berghe Anne", "  ", "=1+1", 12.0, "Léa"])
dates = st.sampled_from([None, "", "17/05/2022", "31/02/2022", "2022-05-17 14:05", 44698, 44698.5, "demain",
                         date(2022, 5, 17), datetime(2022, 5, 17, 8, 30)])
times = st.sampled_from([None, "", "08:30", "9h", 0.375, time(14, 5), "25:00"])
phones = st.sampled_from([None, "", "0475 12 34 56", 475123456.0, "061/21.21.21", "abc", "+33 1 23 45 67 89"])
sites = st.sampled_from([None, "", "Arlon", "bastogne", "Libramont", "Arlon Bastogne"])
births = st.sampled_from([None, "", "01/01/50", date(1950, 1, 1), "?"])
rows = st.lists(st.tuples(names, names, dates, times, phones, phones, sites, births, names).map(list), max_size=15)
HEADER = ["Nom", "Prénom", "Date RDV", "Heure", "GSM", "Tél. fixe", "Site", "Date de naissance", "Médecin"]


@settings(max_examples=300, deadline=None)
@given(rows, st.sampled_from([HEADER, ["Patient", "Date RDV", "GSM"], ["Nom", "Date/heure", "Site"]]))
def test_a_chunk_converts_as_its_rows_one_by_one(cells, header):
    cells = [row[: len(header)] if header is not HEADER else row for row in cells]
    chunked = plan(header)
    appointments, others = chunked.convert(cells)
    kept = iter(appointments)
    for position, row in enumerate(cells):
        alone, alone_others = plan(header).convert([row])
        if position in others:
            assert alone == [] and alone_others == [0]
            assert chunked.reason(row) == plan(header).reason(row)
        else:
            assert alone == [next(kept)] and alone_others == []
    assert next(kept, None) is None
