"""Spreadsheet files for the import tests, written into a test's tmp_path (never into the repo)."""

from __future__ import annotations

import csv
import io
import re
import shutil
import zipfile
from pathlib import Path
from typing import Sequence

from openpyxl import Workbook
from sqlmodel import select

from crisis_tui.core.ingest.cells import cell_text
from crisis_tui.core.models import Appointment

SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
FR_HEADER = ["Nom", "Prénom", "Date RDV", "Heure", "GSM", "Site", "Examen"]


def xlsx(path: Path, *sheets: tuple[str, Sequence[Sequence[object]]], hidden: Sequence[str] = ()) -> Path:
    """An xlsx with the given (name, rows) sheets; `hidden` names sheets to hide."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets:
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(list(row))
        if name in hidden:
            sheet.sheet_state = "hidden"
    workbook.save(path)
    return path


def row_text(row) -> list[str]:
    """A row's cells as the text a person reads in them, without the blank cells at its end."""
    texts = [cell_text(cell) for cell in row]
    while texts and not texts[-1]:
        texts.pop()
    return texts


def text_file(path: Path, rows: Sequence[Sequence[object]], *, separator: str = ";",
              encoding: str = "utf-8") -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=separator, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def sample(tmp_path: Path, name: str) -> Path:
    """A copy of one of the shared samples (that folder is read-only)."""
    target = tmp_path / name
    shutil.copyfile(SAMPLES / name, target)
    return target


def rewrite_zip(source: Path, target: Path, member: str, change) -> Path:
    """A copy of a zip where `member`'s bytes go through `change`."""
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in original.infolist():
            data = original.read(info.filename)
            copy.writestr(info.filename, change(data) if info.filename == member else data)
    return target


def appointments(n: int, *, site: str = "Arlon", activity: str = "Consultation", day: str = "17/05/2022"):
    """n distinct, valid rows under FR_HEADER."""
    return [[f"Patient{i:03d}", "Anne", day, f"{8 + i // 12:02d}:{(i % 12) * 5:02d}", "0475 12 34 56", site,
             activity] for i in range(n)]


_INLINE_STRING = re.compile(
    rb'<c r="([A-Za-z]+[0-9]+)"((?: s="[0-9]+")?) t="inlineStr"><is>(<t[^>]*>.*?</t>|<t[^>]*/>)</is></c>', re.DOTALL
)
_SHARED_STRINGS_TYPE = b"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def with_shared_strings(source: Path, target: Path) -> Path:
    """A copy of an openpyxl workbook (which writes its text inline in each cell) whose text is kept in a shared
    strings part instead, as Excel and LibreOffice write it."""
    strings: dict[bytes, int] = {}

    def shared(match: re.Match) -> bytes:
        index = strings.setdefault(match.group(3), len(strings))
        return b'<c r="%s"%s t="s"><v>%d</v></c>' % (match.group(1), match.group(2), index)

    with zipfile.ZipFile(source) as original, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as copy:
        for info in original.infolist():
            data = original.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                data = _INLINE_STRING.sub(shared, data)
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rIdShared" Type="%s" '
                                    b'Target="sharedStrings.xml"/></Relationships>' % _SHARED_STRINGS_TYPE)
            elif info.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>')
            copy.writestr(info.filename, data)
        items = b"".join(b"<si>%s</si>" % text for text in strings)
        copy.writestr("xl/sharedStrings.xml", b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                      b'count="%d" uniqueCount="%d">%s</sst>' % (len(strings), len(strings), items))
    return target


def stored(workspace, model=Appointment):
    """Every row of a table, as the import left it."""
    with workspace.session() as session:
        return session.exec(select(model)).all()


def counts(report):
    """An import report's (rows, imported, duplicates, rejected)."""
    return report.rows, report.imported, report.duplicates, report.rejected
