"""A file -> its visible sheets of raw cells. Knows nothing of appointments.

The format is told by the first bytes, never by the extension (an HTML table or a CSV saved as .xls, an encrypted
workbook that is an OLE container under an .xlsx name, a zip that is not a workbook). Workbooks go through
python-calamine, with openpyxl read-only as the fallback (when calamine refuses an .xlsx, or a sheet reaches too far
for calamine's dense grid); text goes through `textfile`. Anything unreadable raises `ReadError` with one line.
"""

from __future__ import annotations

import os
import struct
import zipfile
import zlib
from pathlib import Path
from typing import Callable, Sequence

from defusedxml import DefusedXmlException, ElementTree

from crisis_tui.core.ingest import extent, parts, probe
from crisis_tui.core.ingest.cells import ReadError, Rows, Sheet, first_line, reader_failure
from crisis_tui.core.ingest.merged import Area, filled_down, ods_areas
from crisis_tui.core.ingest.textfile import read_text_sheets

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
SUFFIXES_OF = {"xlsx": (".xlsx", ".xlsm"), "xls": (".xls",), "ods": (".ods",)}  # the suffixes readers go by
WORKBOOK_SUFFIXES = tuple(suffix for suffixes in SUFFIXES_OF.values() for suffix in suffixes)
SPREADSHEET_SUFFIXES = (*WORKBOOK_SUFFIXES, ".csv", ".txt", ".tsv")
_UNBOUNDED = -1  # a sheet whose furthest cell cannot be told without parsing it


def read_sheets(path: Path, *, parts_in: Path | None = None) -> list[Sheet]:
    """The visible sheets of a spreadsheet file (a text file gives one sheet, an HTML page one per table).

    `parts_in`: a big .xlsx sheet is read in parts, in other threads, while its rows are used (`parts`), each part
    through a temporary file in this folder (the home's data folder: patient data stays where the database keeps
    it); reading its rows may then raise ReadAgainWhole, and the caller reads the file again without it."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096)
    except FileNotFoundError:
        raise ReadError("not_found") from None
    except PermissionError:
        raise ReadError("no_permission") from None
    except OSError as exc:
        raise ReadError("cannot_open", detail=exc.strerror or exc) from None
    if not head:
        raise ReadError("empty")
    if head.startswith(ZIP_MAGIC):
        sheets = _zipped(path, parts_in)
    elif head.startswith(OLE_MAGIC):
        sheets = _ole(path)
    else:
        sheets = read_text_sheets(path, head)
    if not sheets:
        raise ReadError("no_visible_sheet")
    return sheets


def read_as_text(path: Path) -> bool:
    """Whether a file named as a workbook (.xlsx, .xlsm, .xls, .ods) holds no workbook's bytes, so that it was read
    as text (an export saved as HTML or CSV under a workbook's name, or a damaged file)."""
    if path.suffix.lower() not in WORKBOOK_SUFFIXES:
        return False
    with path.open("rb") as handle:
        head = handle.read(len(OLE_MAGIC))
    return not head.startswith((*ZIP_MAGIC, OLE_MAGIC))


def is_spreadsheet_name(path: Path) -> bool:
    """A file a folder import picks up: a spreadsheet suffix, not hidden, not an office lock file."""
    return path.suffix.lower() in SPREADSHEET_SUFFIXES and not path.name.startswith((".", "~$"))


def spreadsheets_in(folder: Path, skip: Sequence[Path] = ()) -> list[Path]:
    """The spreadsheets a folder import picks up: in the folder and in its folders (a USB stick with a folder per
    site), hidden folders and those in `skip` (the home's exports: call lists, rejects) aside, links to folders not
    followed; sorted by their path in the folder."""
    skipped = {path.resolve() for path in skip}
    found = []
    for top, folders, files in os.walk(folder):
        folders[:] = [name for name in folders
                      if not name.startswith(".") and Path(top, name).resolve() not in skipped]
        found += [path for name in files if is_spreadsheet_name(path := Path(top, name)) and path.is_file()]
    return sorted(found, key=lambda path: [part.casefold() for part in path.relative_to(folder).parts])


def _zipped(path: Path, parts_in: Path | None) -> list[Sheet]:
    try:
        with zipfile.ZipFile(path) as archive:
            extent.check_zip(archive)
            names = set(archive.namelist())
            if "xl/workbook.bin" in names:
                raise ReadError("xlsb")
            if "xl/workbook.xml" in names:
                if extent.shared_strings_overstated(archive):
                    return _openpyxl(path, "the shared strings announce more than they hold")
                cutting = parts.Cutting.of(archive, parts_in) if parts_in is not None else None
                grids = _xlsx_grids(archive, cutting)
                if cutting is not None and any(isinstance(grid, str) for grid in grids.values()):
                    cutting = cutting.holding(archive)  # only when a sheet is cut: its members are read once
                return _calamine(path, "xlsx", grids, cutting)
            if "content.xml" in names and b"spreadsheet" in _mimetype(archive, names):
                content = archive.read("content.xml")  # read once: for the extent, then the merged areas
                if extent.ods_extent(content) > extent.MAX_CELLS:  # calamine reads every table when it opens
                    raise ReadError("too_many_cells", cells=extent.MAX_CELLS)
                probe.survives_calamine(path)
                return _calamine(path, "ods", {}, merged=ods_areas(content))
            if any(name.startswith(("word/", "ppt/")) for name in names):
                raise ReadError("office_document")
            raise ReadError("zip_not_workbook")
    except ReadError:
        raise
    except DefusedXmlException as exc:
        raise ReadError("forbidden_xml", detail=type(exc).__name__) from None
    except NotImplementedError as exc:
        raise ReadError("zip_compression", detail=first_line(exc)) from None
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ElementTree.ParseError, KeyError, ValueError,
            struct.error, RuntimeError) as exc:  # what zipfile and the XML parser raise on damaged bytes
        raise ReadError("damaged", detail=first_line(exc)) from None


def _mimetype(archive: zipfile.ZipFile, names: set[str]) -> bytes:
    return archive.read("mimetype")[:100] if "mimetype" in names else b"spreadsheet"


def _xlsx_grids(archive: zipfile.ZipFile, cutting: parts.Cutting | None) -> dict[str, int | str]:
    """Cells (rows x columns) the grid of each visible sheet will span, by sheet name; for a sheet to read in
    parts, its member instead (checked as it is read)."""
    workbook = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {rel.get("Id"): rel.get("Target", "") for rel in relations}
    names = set(archive.namelist())
    sheet_names = [sheet.get("name", "") for sheet in workbook.iter() if str(sheet.tag).endswith("}sheet")]
    if len(set(sheet_names)) < len(sheet_names):  # calamine finds a sheet by name: it could read another, unchecked
        return {}
    grids: dict[str, int | str] = {}
    for sheet in workbook.iter():
        if not str(sheet.tag).endswith("}sheet") or sheet.get("state", "visible") != "visible":
            continue
        rel_ids = {value for name, value in sheet.attrib.items() if name.endswith("}id")}
        if len(rel_ids) != 1:  # which one calamine follows is its own affair: none is left to it
            grids[sheet.get("name", "")] = _UNBOUNDED
            continue
        target = targets.get(rel_ids.pop(), "")
        member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        if cutting is not None and member in names and cutting.worth(archive, member):
            grids[sheet.get("name", "")] = member
            continue
        bounds = extent.xlsx_extent(archive, member) if member in names else None
        grids[sheet.get("name", "")] = _UNBOUNDED if bounds is None else bounds[0] * bounds[1]
    return grids


def _ole(path: Path) -> list[Sheet]:
    if "EncryptedPackage".encode("utf-16-le") in path.read_bytes():
        raise ReadError("encrypted")
    probe.survives_calamine(path)
    return _calamine(path, "xls", {})


def _calamine(path: Path, kind: str, grids: dict[str, int | str],
              cutting: parts.Cutting | None = None, merged: dict[str, list[Area]] | None = None) -> list[Sheet]:
    """Sheets through calamine; openpyxl read-only for an .xlsx calamine refuses or cannot safely hold. `merged`:
    the areas merged down of each sheet, by name, for a format whose merged cells calamine does not give (.ods)."""
    from python_calamine import PasswordError, SheetTypeEnum, SheetVisibleEnum

    try:
        workbook = _calamine_workbook(path, kind)
    except PasswordError:
        raise ReadError("encrypted") from None
    except BaseException as exc:  # calamine's error types vary by format and version; a panic too
        if not reader_failure(exc):
            raise
        if kind == "xlsx":
            return _openpyxl(path, first_line(exc))
        raise ReadError("unreadable_workbook", kind=kind, detail=first_line(exc)) from None
    sheets = []
    for index, meta in enumerate(workbook.sheets_metadata):
        if meta.visible != SheetVisibleEnum.Visible or meta.typ != SheetTypeEnum.WorkSheet:
            continue
        cells = grids.get(meta.name, _UNBOUNDED) if kind == "xlsx" else 0
        if isinstance(cells, str) and cutting is not None:
            sheets.append(Sheet(meta.name, parts.PartReader(path, cells, meta.name, cutting).load))
            continue
        if cells == _UNBOUNDED or cells > extent.MAX_CELLS:
            return _openpyxl(path, "a sheet reaches too far for calamine")
        sheets.append(Sheet(meta.name, _calamine_loader(workbook, index, (merged or {}).get(meta.name, ()))))
    return sheets


def _calamine_workbook(path: Path, kind: str):
    """calamine picks its reader by the file's suffix: a workbook saved under another one (an .xlsx named .xls) is
    read from its bytes, by what they are."""
    from python_calamine import CalamineWorkbook

    if path.suffix.lower() in SUFFIXES_OF[kind]:
        return CalamineWorkbook.from_path(str(path))
    with path.open("rb") as handle:
        return CalamineWorkbook.from_filelike(handle)


def _calamine_loader(workbook, index: int, merged: Sequence[Area] = ()) -> Callable[[], Rows]:
    def load() -> Rows:
        try:
            sheet = workbook.get_sheet_by_index(index)
        except BaseException as exc:  # calamine's error types vary by format and version; a panic too
            if not reader_failure(exc):
                raise
            raise ReadError("unreadable_sheet", detail=first_line(exc)) from None
        if sheet.start is None or not sheet.height:
            return Rows(0, iter(()))
        # iter_rows also yields the empty rows above the first cell: its n-th row is the spreadsheet's row n; its
        # cells start at the first column with a cell, and are put back at their own columns
        rows = sheet.iter_rows()
        if sheet.start[1]:
            padding = [""] * sheet.start[1]
            rows = (padding + cells for cells in rows)
        numbered = enumerate(rows, start=1)
        return Rows(sheet.end[0] + 1, filled_down(numbered, merged or sheet.merged_cell_ranges or ()))

    return load


def _openpyxl(path: Path, reason: str) -> list[Sheet]:
    from openpyxl import load_workbook

    try:
        # openpyxl refuses a name without an .xlsx suffix, not the same bytes: then given as a file (kept open)
        source = path if path.suffix.lower() in SUFFIXES_OF["xlsx"] else path.open("rb")
        workbook = load_workbook(source, read_only=True, data_only=True)
    except Exception:  # openpyxl raises many types for damaged files; calamine's reason is the clearer one
        raise ReadError("damaged", detail=reason) from None
    return [Sheet(ws.title, _openpyxl_loader(ws)) for ws in workbook.worksheets if ws.sheet_state == "visible"]


def _openpyxl_loader(worksheet) -> Callable[[], Rows]:
    def load() -> Rows:
        worksheet.reset_dimensions()  # otherwise every row is padded to the declared dimension
        return Rows(0, enumerate(worksheet.iter_rows(values_only=True), start=1))

    return load
