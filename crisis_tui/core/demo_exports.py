"""The bundled demo exports: `python -m crisis_tui.core.demo_exports [OUT_DIR]` (default: the bundled data/demo/).

Writes, reproducibly, the sample exports of the demo week (Monday 2026-12-07 .. Sunday 2026-12-13) in the shapes
real hospital systems produce, and MANIFEST.json: per file the counts an import must report, from this
generator's own bookkeeping (a row is rejected when it was written broken, a duplicate when an earlier row of
the import order already showed the same appointment, else imported).
"""

from __future__ import annotations

import csv
import io
import json
import os
import random
import sys
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.writer.excel import ExcelWriter

from crisis_tui.core.demo import DEMO_DAY, DEMO_DIR, DEMO_MEETING_DAY, MANIFEST_NAME
from crisis_tui.core.demo_population import HOSPITALS, WEEK, Appt, make_week, of

SEED = 20261206
STAMP = datetime(2026, 12, 6, 6, 45)  # when the systems "exported" them: workbook properties and zip entries
SLUG = {"ARL": "arlon", "LIB": "libramont", "MAR": "marche-en-famenne", "BAS": "bastogne", "VIR": "virton",
        "BER": "bertrix"}
TITLES = {"ARL": "Clinique du Sud-Luxembourg (Arlon)", "LIB": "Centre Hospitalier de l'Ardenne (Libramont)",
          "MAR": "Hôpital Princesse Paola (Marche-en-Famenne)", "BAS": "Hôpital de Bastogne",
          "VIR": "Hôpital Saint-Joseph (Virton)", "BER": "CHS La Clairière (Bertrix)"}
# How each export writes the site in its Site column (names and aliases, as the systems spell them).
SITE_TEXT = {
    "exams": {"ARL": "Arlon", "LIB": "CHA", "MAR": "Princesse Paola", "BAS": "Bastogne", "VIR": "Virton",
              "BER": "Clairière"},
    "surgery": {"ARL": "Hôpital d'Arlon", "LIB": "Vivalia Libramont", "MAR": "Marche-en-Famenne",
                "BAS": "Hôpital de Bastogne", "VIR": "Hôpital Saint-Joseph Virton", "BER": "CHS La Clairière"},
    "covid": {"ARL": "Arlon", "LIB": "Libramont", "MAR": "Marche", "BAS": "Bastogne", "VIR": "Virton",
              "BER": "Bertrix"},
    "blood": {"ARL": "CSL", "LIB": "Libramont", "MAR": "IFAC", "BAS": "Bastogne", "VIR": "Virton",
              "BER": "Bertrix", "NEU": "CP Neufchâteau", "SOD": "MRS Sainte-Ode"},
}
UNKNOWN_SITE = "CHU Mont-Godinne"


@dataclass
class Sheet:
    """A sheet's data rows in order; a row is an appointment, or a broken one (its reason) that must be rejected."""

    name: str | None
    rows: list[tuple[Appt, str]] = field(default_factory=list)  # (appointment, "" or why it is broken)
    hidden: bool = False


def _atomic_write(path: Path, data: bytes) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def _xlsx_bytes(workbook: Workbook) -> bytes:
    """The workbook with fixed properties and zip timestamps, so that the same content gives the same bytes."""
    workbook.properties.created = workbook.properties.modified = STAMP
    workbook.properties.creator = "Vivalia export"
    raw = io.BytesIO()
    ExcelWriter(workbook, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED)).save()
    stable = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(stable, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, STAMP.timetuple()[:6])
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename), compress_type=zipfile.ZIP_DEFLATED)
    return stable.getvalue()


def _put_row(ws, values: list, formats: dict[int, str] | None = None) -> None:
    ws.append(values)
    row = ws.max_row
    for column, value in enumerate(values, start=1):
        cell = ws.cell(row, column)
        if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
            cell.data_type = "s"  # a name like "=LEJEUNE" stays text
        if formats and column in formats and value not in (None, ""):
            cell.number_format = formats[column]


def _header(ws, names: list[str]) -> None:
    ws.append(names)
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)


def _rows_to_sheet(sheet: Sheet, appts: list[Appt], broken: dict[int, str] | None = None) -> Sheet:
    sheet.rows += [(a, (broken or {}).get(id(a), "")) for a in appts]
    return sheet


def consultations(site: str, appts: list[Appt], path: Path, *, subtitle: str = "",
                  broken: dict[int, str] | None = None) -> list[Sheet]:
    """A hospital's consultations: title block, FR headers with extra words, a closing totals line.

    ARL, MAR and VIR export date and time in two columns, the others one date-and-time cell."""
    split = site in ("ARL", "MAR", "VIR")
    sheet = _rows_to_sheet(Sheet("RDV"), appts, broken)
    wb = Workbook()
    ws = wb.active
    ws.title = "RDV"
    ws.append([f"Vivalia - {TITLES[site]}"])
    ws.append([subtitle or f"Rendez-vous de consultation du {WEEK[0]:%d/%m/%Y} au {WEEK[4]:%d/%m/%Y}"])
    ws.append([f"Extrait le {STAMP:%d/%m/%Y à %H:%M}"])
    ws.append([])
    when = ["Date RDV", "Heure"] if split else ["Date/heure RDV"]
    _header(ws, ["Nom", "Prénom", "Date de naissance", *when, "Médecin", "Service", "N° GSM", "Tél. fixe"])
    formats = {3: "DD/MM/YYYY", 4: "DD/MM/YYYY", 5: "HH:MM"} if split else {3: "DD/MM/YYYY", 4: "DD/MM/YYYY HH:MM"}
    gsm_column = 9 if split else 8
    formats[gsm_column] = "0"
    for appt, why in sheet.rows:
        day = None if why == "no date" else appt.start.date()
        cells = [day, appt.start.time()] if split else [day and appt.start]
        _put_row(ws, [appt.last.upper(), appt.first, appt.birth, *cells, appt.doctor, appt.service, appt.mobile,
                      appt.landline], formats)
    ws.append([])
    ws.append([f"Total : {len(sheet.rows)} rendez-vous"])
    _atomic_write(path, _xlsx_bytes(wb))
    return [sheet]


def exams(radiology: list[Appt], scintigraphy: list[Appt], old: list[Appt], unknown: Appt, path: Path) -> list[Sheet]:
    """Radiology and nuclear medicine: an Examen and a Site column; an old hidden sheet first, two visible ones."""
    hidden = _rows_to_sheet(Sheet("S49 (ancien)", hidden=True), old)
    radio = _rows_to_sheet(Sheet("Radiologie"), radiology[: len(radiology) // 2] + [unknown]
                           + radiology[len(radiology) // 2 :], {id(unknown): "unknown site"})
    nuclear = _rows_to_sheet(Sheet("Médecine nucléaire"), scintigraphy)
    wb = Workbook()
    wb.remove(wb.active)
    for sheet in (hidden, radio, nuclear):
        ws = wb.create_sheet(sheet.name)
        if sheet.hidden:
            ws.sheet_state = "hidden"
        else:
            ws.append([f"Planning {sheet.name.lower()} - semaine {DEMO_DAY.isocalendar().week}"])
            ws.append([])
        _header(ws, ["Nom", "Prénom", "Né(e) le", "Date", "Heure", "Examen", "Site", "Téléphone"])
        for appt, why in sheet.rows:
            place = UNKNOWN_SITE if why == "unknown site" else SITE_TEXT["exams"][appt.site]
            _put_row(ws, [appt.last.upper(), appt.first, appt.birth, appt.start.date(), appt.start.time(), appt.exam,
                          place, appt.phone], {3: "DD/MM/YYYY", 4: "DD/MM/YYYY", 5: "HH:MM", 8: "0"})
    wb.active = 1
    _atomic_write(path, _xlsx_bytes(wb))
    return [hidden, radio, nuclear]


def _csv_bytes(rows: list[list], *, delimiter: str, encoding: str, newline: str) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, delimiter=delimiter, lineterminator=newline)
    writer.writerows([["" if v is None else str(v) for v in row] for row in rows])
    return text.getvalue().encode(encoding)  # strict: a character cp1252 cannot hold is a generator bug


def surgery(appts: list[Appt], path: Path) -> list[Sheet]:
    """Surgery from a Windows machine: cp1252, `;`, headers half Dutch half French/English, dates as text."""
    sheet = _rows_to_sheet(Sheet(None), appts)
    rows = [["Naam", "Voornaam", "Date of birth", "Date intervention", "Uur", "Chirurgien", "Department", "Hospital",
             "GSM", "Tél. fixe"]]
    rows += [[a.last, a.first, f"{a.birth:%d/%m/%Y}", f"{a.start:%d/%m/%Y}", f"{a.start:%H:%M}", a.doctor, a.service,
              SITE_TEXT["surgery"][a.site], a.mobile, a.landline] for a, _ in sheet.rows]
    _atomic_write(path, _csv_bytes(rows, delimiter=";", encoding="cp1252", newline="\r\n"))
    return [sheet]


def covid(appts: list[Appt], path: Path) -> list[Sheet]:
    """The Covid centres' booking tool: tab-separated UTF-8, date and time in one ISO cell."""
    sheet = _rows_to_sheet(Sheet(None), appts)
    rows = [["Nom", "Prénom", "Date", "GSM", "Site", "Motif"]]
    rows += [[a.last, a.first, f"{a.start:%Y-%m-%d %H:%M}", a.phone, SITE_TEXT["covid"][a.site],
              "Vaccination" if a.start.minute % 20 else "Dépistage PCR"] for a, _ in sheet.rows]
    _atomic_write(path, _csv_bytes(rows, delimiter="\t", encoding="utf-8", newline="\n"))
    return [sheet]


def blood(appts: list[Appt], path: Path) -> list[Sheet]:
    """The laboratory's export: one Patient column ("DUPONT Jean"), dd-mm-yy dates, UTF-8 with BOM, commas."""
    sheet = _rows_to_sheet(Sheet(None), appts)
    rows = [["Patient", "Date de naissance", "Date", "Heure", "Site", "Téléphone"]]
    rows += [[f"{a.last.upper()} {a.first}", f"{a.birth:%d/%m/%Y}", f"{a.start:%d-%m-%y}", f"{a.start:%H:%M}",
              SITE_TEXT["blood"][a.site], a.phone] for a, _ in sheet.rows]
    _atomic_write(path, _csv_bytes(rows, delimiter=",", encoding="utf-8-sig", newline="\r\n"))
    return [sheet]


def _by_start(appts: list[Appt]) -> list[Appt]:
    return sorted(appts, key=lambda a: (a.start, a.site))


def write_exports(out: Path, rng: random.Random) -> dict[str, list[Sheet]]:
    """Every export of the demo week, written into `out`; file name -> its sheets (for the manifest)."""
    people = make_week(rng)
    files: dict[str, list[Sheet]] = {}
    for site in HOSPITALS:
        mine = _by_start(of(people, site=site, activity="consultation"))
        broken = {}
        if site == "VIR":  # a row whose date was lost
            mine.insert(5, people.new("VIR", "consultation", mine[5].start, ("Dr Lamy", "ORL")))
            broken = {id(mine[5]): "no date"}
        if site == "MAR":  # a name a spreadsheet would take for a formula
            mine[3].last = "=" + mine[3].last
        name = f"consultations_{SLUG[site]}.xlsx"
        files[name] = consultations(site, mine, out / name, broken=broken)
    arlon = _by_start(of(people, site="ARL", activity="consultation"))
    late = people.day("ARL", "consultation", WEEK[1], 4)  # booked after the first export
    name = "consultations_arlon_maj.xlsx"  # the evening re-export: six rows already in the morning's file
    files[name] = consultations("ARL", _by_start(arlon[:6] + late), out / name,
                                subtitle=f"Mise à jour du {DEMO_MEETING_DAY:%d/%m/%Y} 18:05")
    last_week = of(people, activity="radiology")[::7][:12]
    old = [people.new(a.site, a.activity, a.start - timedelta(days=7)) for a in last_week]
    unknown = people.new("ARL", "radiology", datetime(2026, 12, 7, 10, 10))
    files["examens_semaine_50.xlsx"] = exams(
        _by_start(of(people, activity="radiology")), _by_start(of(people, activity="scintigraphy")), old, unknown,
        out / "examens_semaine_50.xlsx")
    files["chirurgie_semaine_50.csv"] = surgery(_by_start(of(people, activity="surgery")),
                                                out / "chirurgie_semaine_50.csv")
    covid_rows = _by_start(of(people, activity="covid_centre"))
    covid_rows.insert(10, covid_rows[9])  # the booking tool listed one appointment twice
    files["centres_covid.txt"] = covid(covid_rows, out / "centres_covid.txt")
    draws = _by_start(of(people, activity="blood_draw"))
    draws[7].last = "@" + draws[7].last
    files["prises_de_sang_semaine_50.csv"] = blood(draws, out / "prises_de_sang_semaine_50.csv")
    return files


def _counts(rows: list[tuple[Appt, str]], seen: set[int]) -> dict[str, int]:
    tally = Counter()
    for appt, why in rows:
        if why:
            tally["rejected"] += 1
        elif id(appt) in seen:
            tally["duplicates"] += 1
        else:
            seen.add(id(appt))
            tally["imported"] += 1
    return {"rows": len(rows), "imported": tally["imported"], "duplicates": tally["duplicates"],
            "rejected": tally["rejected"]}


def manifest(files: dict[str, list[Sheet]]) -> dict:
    """Expected import counts per file, in the import order (file names sorted), and what the board should show."""
    seen: set[int] = set()
    report: dict[str, dict] = {}
    for name in sorted(files):
        sheets = {s.name: _counts(s.rows, seen) for s in files[name] if not s.hidden}
        entry = {k: sum(c[k] for c in sheets.values()) for k in ("rows", "imported", "duplicates", "rejected")}
        entry["reject_reasons"] = sorted(why for s in files[name] for _, why in s.rows if why and not s.hidden)
        if any(s.name for s in files[name]):
            entry["sheets"] = sheets
        if any(s.hidden for s in files[name]):
            entry["hidden_sheets_ignored"] = [s.name for s in files[name] if s.hidden]
        report[name] = entry
    imported = [a for name in sorted(files) for s in files[name] if not s.hidden for a, why in s.rows if not why]
    unique = list({id(a): a for a in imported}.values())
    demo_day: dict[str, dict[str, int]] = {}
    for appt in unique:
        if appt.start.date() == DEMO_DAY:
            cell = demo_day.setdefault(appt.site, {})
            cell[appt.activity] = cell.get(appt.activity, 0) + 1
    totals = {k: sum(e[k] for e in report.values()) for k in ("rows", "imported", "duplicates", "rejected")}
    return {
        "generator": "python -m crisis_tui.core.demo_exports", "seed": SEED,
        "meeting_day": DEMO_MEETING_DAY.isoformat(),
        "week": [WEEK[0].isoformat(), WEEK[-1].isoformat()], "import_order": sorted(files), "files": report,
        "totals": totals,
        "appointments_by_day": {d.isoformat(): sum(a.start.date() == d for a in unique) for d in WEEK},
        "appointments_on_demo_day": {s: dict(sorted(c.items())) for s, c in sorted(demo_day.items())},
        "phone_kinds": dict(sorted(Counter({"mobile": "mobile", "landline": "landline_only"}.get(a.kind, "no_number")
                                           for a in unique).items())),
    }


def generate(out: Path = DEMO_DIR) -> dict:
    """Write every demo export and MANIFEST.json into `out`; return the manifest."""
    out.mkdir(parents=True, exist_ok=True)
    result = manifest(write_exports(out, random.Random(SEED)))
    _atomic_write(out / MANIFEST_NAME, (json.dumps(result, ensure_ascii=False, indent=1) + "\n").encode("utf-8"))
    return result


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else DEMO_DIR
    totals = generate(target)["totals"]
    print(f"{target}: {totals['rows']} rows, {totals['imported']} to import, {totals['duplicates']} duplicates, "
          f"{totals['rejected']} rejected")
