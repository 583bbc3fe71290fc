"""The shared writing layer for every document: file names, atomic writes, safe text, print setup, styles.

Write-only worksheets (openpyxl 3.1.5 ``WriteOnlyWorksheet``), measured by saving, reloading and printing
through LibreOffice 7.4:

- The sheet's *top* (sheet properties, so ``fitToPage``; frozen panes; column widths) is streamed with the
  first ``append``: set after it, it is silently lost. ``setup_print``, ``freeze_header`` and ``set_widths``
  therefore refuse a write-only sheet that already holds rows (``ValueError``): call them first.
- The *tail* is written at save, so it may be set any time before: ``page_setup`` (A4, landscape, fitToWidth /
  fitToHeight), margins, print options, header/footer, ``row_breaks``, ``data_validations``, merged cells.
  ``print_title_rows`` and ``print_area`` are workbook-level defined names, also written at save.
- Missing there: ``add_data_validation`` (use ``ws.data_validations.append``), ``PAPERSIZE_*`` constants,
  ``merge_cells``, ``cell()``, ``iter_rows``, ``max_row``, ``page_breaks``. Cells cannot be styled after
  ``append``: style them as they go in (``text_cell(ws, value, style=...)``, ``append_header``).
- Every helper here works on both kinds, except ``style_header_row`` (normal sheets only) and ``autosize``
  without ``rows`` (normal sheets only).
- ``text_cell`` returns the plain string when openpyxl keeps it as text anyway, a ``WriteOnlyCell`` only for
  formula-like or error-like text or a style: a ``WriteOnlyCell`` for every cell costs ~1.45x a bare write.

Header/footer strings are Excel codes where only ``&P`` (page) and ``&N`` (pages) are kept; every other ``&``
is doubled, so "R&D" prints as written. Dates go in as text: LibreOffice prints ``&D`` in US format.
"""

from __future__ import annotations

import contextlib
import csv
import glob
import io
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES, ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, NamedStyle, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties

from crisis_tui.core.clock import now_local

A4 = 9
HEADER_STYLE = "crisis_header"
# Fill colour and text colour per status; a fill always sits behind the status's written label.
STATUS_COLOURS: dict[str, tuple[str, str]] = {
    "maintained": ("C6EFCE", "006100"),
    "cancelled": ("FFC7CE", "9C0006"),
    "case_by_case": ("FFEB9C", "7F6000"),
    "stopped": ("D9D9D9", "262626"),
    "pending": ("DDEBF7", "1F4E78"),
}
_CSV_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_E164 = re.compile(r"\+[1-9][0-9]{6,14}")
_HF_AMPERSAND = re.compile(r"&(?![PN])")
_THIN = Side(style="thin", color="808080")
TEMP_SUFFIX = ".crisis-tui.tmp"  # a file being written (FileGroup)
STALE_SECONDS = 3600  # a temporary file this old was left by a process that was killed


# --- file names and atomic writes -----------------------------------------------------------------

def output_path(directory: Path, stem: str, day: date, to: date | None, ext: str,
                now: datetime | None = None) -> Path:
    """A free file name in ``directory`` (created) carrying the day (or range) it is for and a time stamp.

    ``appels_2026-12-07_20261206-0812.xlsx``, ``appels_2026-12-07_2026-12-09_20261206-0812.xlsx``; when the
    name is taken (by a file, or by the temporary file of one being written), ``-2``, ``-3``... are added before
    the extension. The stamp is Brussels time.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    stamp = (now or now_local()).strftime("%Y%m%d-%H%M")
    days = day.isoformat() if to is None or to == day else f"{day.isoformat()}_{to.isoformat()}"
    base = f"{stem}_{days}_{stamp}"
    suffix = "." + ext.lstrip(".")
    candidate = directory / f"{base}{suffix}"
    n = 1
    while candidate.exists() or _being_written(candidate):
        n += 1
        candidate = directory / f"{base}-{n}{suffix}"
    return candidate


def _temp_prefix(path: Path) -> str:
    return f".{path.name}."


_OWNER = re.compile(r"[.-]pid(\d+)-")  # the process writing a temporary file, in its name (`owner_tag`)


def owner_tag() -> str:
    """What a temporary file's name carries of the process writing it, so that another can tell it was left."""
    return f"pid{os.getpid()}-"


def _owner_gone(name: str) -> bool:
    """Whether the name carries the id of a process no longer running here (POSIX: asked with signal 0, which
    sends nothing; elsewhere never told so)."""
    found = _OWNER.search(name)
    if found is None or os.name != "posix":
        return False
    try:
        os.kill(int(found.group(1)), 0)
    except ProcessLookupError:
        return True
    except (PermissionError, OverflowError, ValueError):  # another user's process, or no process id at all
        return False
    return False


def _being_written(path: Path) -> bool:
    return any(path.parent.glob(f"{glob.escape(_temp_prefix(path))}*{TEMP_SUFFIX}"))


def remove_stale(folder: Path, pattern: str, older_than: float = STALE_SECONDS) -> None:
    """The temporary files matching ``pattern`` that a killed process left in ``folder`` (patient data): removed
    at once when the process their name carries (`owner_tag`) no longer runs, else once untouched for
    ``older_than`` seconds. A live one is younger: its process holds it for seconds, a minute at most."""
    now = time.time()
    for stale in Path(folder).glob(pattern):
        try:
            if _owner_gone(stale.name) or now - stale.stat().st_mtime > older_than:
                stale.unlink()
        except OSError:  # gone meanwhile, or not ours to remove: left as it is
            continue


def _publish(tmp: Path, path: Path) -> None:
    """Put the finished ``tmp`` at ``path`` in one step, never replacing an existing file."""
    try:
        os.link(tmp, path)
    except FileExistsError:
        raise FileExistsError(f"{path}: already exists, not overwritten") from None
    except OSError:  # a file system without hard links (a FAT USB stick): check, then rename
        if path.exists():
            raise FileExistsError(f"{path}: already exists, not overwritten") from None
        os.replace(tmp, path)


def _fsync_dir(directory: Path) -> None:
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:  # Windows cannot open a directory
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


class FileGroup:
    """Files published together: each is written whole under a temporary name beside its final one, then
    ``publish`` puts them all at their final names (never replacing a file), one after the other in a few
    milliseconds; ``discard`` removes them instead. As a context manager: published when the block ends, discarded
    if it raises.

    A temporary name is ``.<final name>.pid<process>-<random>.crisis-tui.tmp``: hidden, with no document's
    extension, so neither a folder import, an outcomes read-back nor a person takes it for a document, and
    ``output_path`` does not hand its final name out again. Those a killed process left are removed by the next
    group writing in that folder: at once when that process is gone, else once they are an hour old.
    """

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path]] = []  # (temporary file, final name), in the order written
        self._swept: set[Path] = set()

    def write(self, path: Path, write: Callable[[Path], object]) -> Path:
        """Run ``write(tmp_path)`` on a temporary file for ``path``, and flush it to the disk; returns ``path``."""
        path = Path(path)
        if path.parent not in self._swept:
            remove_stale(path.parent, f".*{TEMP_SUFFIX}")
            self._swept.add(path.parent)
        fd, name = tempfile.mkstemp(dir=path.parent, prefix=_temp_prefix(path) + owner_tag(),
                                    suffix=TEMP_SUFFIX)
        os.close(fd)
        tmp = Path(name)
        self._pending.append((tmp, path))
        write(tmp)
        with open(tmp, "rb+") as fh:
            os.fsync(fh.fileno())
        return path

    def publish(self) -> None:
        """Every file at its final name. If one cannot be (its name taken meanwhile), those before it stay
        published, the rest are removed, and the error is raised."""
        try:
            for tmp, path in self._pending:
                _publish(tmp, path)
                tmp.unlink(missing_ok=True)
        finally:
            for directory in {path.parent for _, path in self._pending}:
                _fsync_dir(directory)
            self.discard()

    def discard(self) -> None:
        for tmp, _ in self._pending:
            tmp.unlink(missing_ok=True)
        self._pending.clear()

    def __enter__(self) -> "FileGroup":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.publish()
        else:
            self.discard()


def _atomic(path: Path, write: Callable[[Path], object], files: FileGroup | None) -> Path:
    """``write(tmp_path)`` into ``files``, published with them; or, without a group, published at once."""
    if files is not None:
        return files.write(path, write)
    with FileGroup() as alone:
        return alone.write(path, write)


def atomic_save(workbook, path: Path, files: FileGroup | None = None) -> Path:
    """Save an openpyxl workbook (normal or write-only) at ``path`` atomically; never overwrites."""
    try:
        return _atomic(path, lambda tmp: workbook.save(tmp), files)
    except BaseException:
        if getattr(workbook, "write_only", False):
            _discard(workbook)
        raise


def _discard(workbook) -> None:
    """A write-only workbook that could not be saved: each sheet's stream closed and its rows (patient data,
    streamed into a temporary file of openpyxl's) removed now, rather than at exit, where openpyxl printed
    'Exception ignored ... I/O operation on closed file' for each sheet left open."""
    for sheet in workbook.worksheets:
        with contextlib.suppress(OSError):  # the save's own error is the one to tell
            if not sheet.closed:
                sheet.close()
            writer = sheet._writer  # openpyxl 3.1: the sheet's stream, None until a row went in
            if writer is not None and os.path.exists(writer.out):
                writer.cleanup()


def atomic_write_bytes(path: Path, data: bytes, files: FileGroup | None = None) -> Path:
    return _atomic(path, lambda tmp: tmp.write_bytes(data), files)


def atomic_write_text(path: Path, text: str, encoding: str = "utf-8", files: FileGroup | None = None) -> Path:
    """Write ``text`` as is (no newline translation) atomically; never overwrites."""
    return atomic_write_bytes(path, text.encode(encoding), files)


# --- safe text ---------------------------------------------------------------------------------------

def _clean(value: object) -> str:
    """Text for a cell: control characters that xlsx cannot hold are dropped."""
    return ILLEGAL_CHARACTERS_RE.sub("", value if isinstance(value, str) else str(value))


def _stays_text(text: str) -> bool:
    """openpyxl binds this string as plain text by itself (not as a formula nor an error)."""
    return not (len(text) > 1 and text[0] == "=") and text not in ERROR_CODES


def set_text(cell, value: object) -> None:
    """Put ``value`` in ``cell`` as text, whatever it starts with; None leaves the cell empty."""
    if value is None:
        cell.value = None
        return
    cell.value = _clean(value)
    cell.data_type = "s"


def _apply_style(cell, style: str | NamedStyle) -> None:
    try:
        cell.style = style
    except ValueError:  # one of ours, not yet in this workbook
        register_styles(cell.parent.parent)
        cell.style = style


def text_cell(ws, value: object, style: str | NamedStyle | None = None):
    """A value for ``ws.append`` (either kind of sheet) that shows ``value`` as text; None is an empty cell.

    ``style`` is a named style (``HEADER_STYLE``, ``status_style(...)`` or one the workbook knows).
    """
    if value is None:
        if style is None:
            return None
        cell = WriteOnlyCell(ws)
    else:
        text = _clean(value)
        if style is None and _stays_text(text):
            return text
        cell = WriteOnlyCell(ws)
        set_text(cell, text)
    if style is not None:
        _apply_style(cell, style)
    return cell


def csv_safe(value: str) -> str:
    """OWASP CSV injection guard: ``'`` before = + - @ tab CR, except an E.164 phone number."""
    if value.startswith(_CSV_TRIGGERS) and not _E164.fullmatch(value):
        return "'" + value
    return value


def write_csv(path: Path, headers: Sequence[str], rows: Iterable[Sequence[Any]],
              encoding: str = "utf-8", files: FileGroup | None = None) -> Path:
    """A comma-separated CSV, every text guarded by ``csv_safe``, None as empty; atomic (in ``files`` if given),
    never overwrites."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([csv_safe(h) for h in headers])
    for row in rows:
        writer.writerow(["" if v is None else csv_safe(v) if isinstance(v, str) else v for v in row])
    return atomic_write_text(path, buffer.getvalue(), encoding=encoding, files=files)


# --- print setup -------------------------------------------------------------------------------------

def _refuse_started(ws, what: str) -> None:
    if isinstance(ws, WriteOnlyWorksheet) and ws._writer is not None:
        raise ValueError(f"{what} must be called before the first row of write-only sheet {ws.title!r}")


def _hf(text: str | None) -> str | None:
    return None if not text else _HF_AMPERSAND.sub("&&", text)


def setup_print(ws, *, landscape: bool = True, title_rows: str | None = "1:1", header_left: str = "",
                header_center: str = "", header_right: str = "",
                footer_center: str | None = "page &P / &N", footer_right: str | None = None,
                fit_width: bool = True, gridlines: bool = True) -> None:
    """A4, one page wide (any number of pages tall), title rows repeated, header/footer, margins, grid lines.

    On a write-only sheet call it before the first ``append``.
    """
    _refuse_started(ws, "setup_print")
    setup = ws.page_setup
    setup.paperSize = A4
    setup.orientation = "landscape" if landscape else "portrait"
    if ws.sheet_properties.pageSetUpPr is None:
        ws.sheet_properties.pageSetUpPr = PageSetupProperties()
    ws.sheet_properties.pageSetUpPr.fitToPage = fit_width
    if fit_width:
        setup.fitToWidth, setup.fitToHeight = 1, 0
    if title_rows:
        ws.print_title_rows = title_rows
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.75, bottom=0.7, header=0.3, footer=0.3)
    ws.print_options.gridLines = gridlines
    for part, text in ((ws.oddHeader.left, header_left), (ws.oddHeader.center, header_center),
                       (ws.oddHeader.right, header_right), (ws.oddFooter.center, footer_center),
                       (ws.oddFooter.right, footer_right)):
        part.text = _hf(text)


def freeze_header(ws, cell: str = "A2") -> None:
    """Keep the rows above (and columns left of) ``cell`` on screen; before the first row if write-only."""
    _refuse_started(ws, "freeze_header")
    ws.freeze_panes = cell


def page_break_before(ws, row: int) -> None:
    """Start a new printed page at ``row`` (1-based); any time before the save, on either kind of sheet."""
    if row < 2:
        raise ValueError(f"page break before row {row}: rows start at 1 and row 1 already starts a page")
    ws.row_breaks.append(Break(id=row - 1))


def set_widths(ws, widths: Sequence[float | None]) -> None:
    """Column widths (in characters) from column A on; None keeps the default. Before rows if write-only."""
    _refuse_started(ws, "set_widths")
    for index, width in enumerate(widths, start=1):
        if width is not None:
            ws.column_dimensions[get_column_letter(index)].width = width


def autosize(ws, rows: Iterable[Sequence[Any]] | None = None, *, minimum: float = 6.0,
             maximum: float = 50.0) -> list[float]:
    """Set each column's width from its longest line of text, kept within [minimum, maximum].

    ``rows`` are values (header first, a sample is enough); a normal sheet's own cells by default. A write-only
    sheet needs ``rows``, before its first row. Returns the widths set.
    """
    if rows is None:
        if isinstance(ws, WriteOnlyWorksheet):
            raise ValueError(f"autosize on write-only sheet {ws.title!r} needs the rows to measure")
        rows = ws.iter_rows(values_only=True)
    longest: list[int] = []
    for row in rows:
        for index, value in enumerate(row):
            if index == len(longest):
                longest.append(0)
            if value is not None:
                text = value if isinstance(value, str) else str(value)
                longest[index] = max(longest[index], max(len(line) for line in text.split("\n")))
    widths = [min(maximum, max(minimum, n + 2.0)) for n in longest]
    set_widths(ws, widths)
    return widths


def add_list_validation(ws, sqref: str, values: Sequence[str], *, strict: bool = True) -> DataValidation:
    """A drop-down of ``values`` on ``sqref`` (e.g. "F2:F500"); blank allowed; ``strict`` refuses other text.

    Excel keeps an inline list to 255 characters, without commas or double quotes in the values.
    """
    if not values:
        raise ValueError(f"drop-down on {sqref}: no values")
    bad = [v for v in values if "," in v or '"' in v]
    if bad:
        raise ValueError(f"drop-down on {sqref}: values cannot hold a comma or a double quote: {bad!r}")
    formula = '"' + ",".join(values) + '"'
    if len(formula) > 257:
        raise ValueError(f"drop-down on {sqref}: the values are longer than Excel's 255 characters")
    validation = DataValidation(type="list", formula1=formula, allow_blank=True, showErrorMessage=True,
                                errorStyle="stop" if strict else "warning")
    validation.add(sqref)
    ws.data_validations.append(validation)
    return validation


# --- styles ------------------------------------------------------------------------------------------

def status_fill(status: str) -> PatternFill:
    """The fill for a status cell (always alongside the status's label, never alone)."""
    try:
        background = STATUS_COLOURS[status][0]
    except KeyError:
        raise ValueError(f"no colour for status {status!r}; known: {', '.join(STATUS_COLOURS)}") from None
    return PatternFill(fill_type="solid", start_color=background, end_color=background)


def status_style(status: str) -> str:
    """The name of the named style for a cell holding ``status``'s label (see ``register_styles``)."""
    status_fill(status)
    return f"crisis_status_{status}"


def _named_styles() -> list[NamedStyle]:
    border = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
    styles = [NamedStyle(name=HEADER_STYLE, font=Font(bold=True),
                         fill=PatternFill(fill_type="solid", start_color="D9E1F2", end_color="D9E1F2"),
                         border=border, alignment=Alignment(vertical="center", wrap_text=True))]
    for status, (_, ink) in STATUS_COLOURS.items():
        styles.append(NamedStyle(name=f"crisis_status_{status}", font=Font(bold=True, color=ink),
                                 fill=status_fill(status), border=border))
    return styles


def register_styles(workbook) -> None:
    """Add the header and status named styles to ``workbook`` (idempotent; done lazily by the helpers)."""
    known = set(workbook.named_styles)
    for style in _named_styles():
        if style.name not in known:
            workbook.add_named_style(style)


def style_header_row(ws, row: int = 1) -> None:
    """Give the filled cells of ``row`` of a normal sheet the header style (bold, fill, border)."""
    if isinstance(ws, WriteOnlyWorksheet):
        raise ValueError(f"style_header_row cannot restyle write-only sheet {ws.title!r}: use append_header")
    for cell in ws[row]:
        if cell.value is not None:
            _apply_style(cell, HEADER_STYLE)


def append_header(ws, labels: Sequence[str]) -> None:
    """Append a header row in the header style, on either kind of sheet."""
    ws.append([text_cell(ws, label, HEADER_STYLE) for label in labels])
