"""A big worksheet read by calamine in parts, each part while the rows of the one before are converted.

calamine reads a whole sheet at once, without the GIL, and the importer could only wait for it. Here a big sheet's
XML is cut between rows into parts of about PART_BYTES (more when the workbook has many shared strings). Each part
is checked as `extent` checks a whole sheet, made into a small workbook of its own (with the members calamine needs
to open it: content types, relations, workbook, styles, shared strings) and read by calamine: one thread cuts,
checks and zips, a pool of READERS threads reads (two parts at once), while the importer converts the rows already
read, part after part in order. The check only passes cells that carry their own reference, so each part's cells
keep their row and column.

A sheet that cannot be read this way (a cell too far or not written the plain way, a comment before its rows...)
raises ReadAgainWhole: the importer rolls the file back and reads it again the usual way. A comment or a CDATA
section among the rows only stops the cutting: the rest of the sheet is then one part.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import os
import queue
import re
import tempfile
import threading
import zipfile
import zlib
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator


from crisis_tui.core.documents.workbook import owner_tag, remove_stale
from crisis_tui.core.ingest import extent
from crisis_tui.core.ingest.cells import ReadAgainWhole, ReadError, Row, Rows, first_line, reader_failure

PART_BYTES = 4 << 20  # sheet XML a part holds; a sheet under two parts is read whole
FIRST_PARTS = 8  # the first part is this many times smaller (the rows start sooner), each next one twice as big
SHARED_STRINGS_SHARE = 4  # a part holds at least this many times the XML of the workbook's shared strings
# what calamine reads to open a workbook and give a sheet's values: at these paths, whatever the relations say
_WORKBOOK_MEMBERS = ("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
                     "xl/styles.xml", extent.SHARED_STRINGS)
_ROWS_START = b"<sheetData>"
_HEAD_BYTES = 1 << 20  # what may come before the rows (properties, views, column widths: a few KB in practice)
_ROW_END = b"</row>"
_DIMENSION = re.compile(rb'<dimension ref="[^":]*:([A-Za-z]{1,3})([0-9]{1,7})"')  # its last cell
_ROOT = re.compile(rb"<([A-Za-z_][^\s/>]*)")  # the first element's name (the declaration starts "<?")
READERS = 2  # parts calamine reads at once, each in a pool thread (it works without the GIL)
_WAIT = 0.1  # seconds a thread waits on a full queue before looking whether the reading was stopped
_PART_PREFIX, _PART_SUFFIX = ".import-part-", ".xlsx"  # a part's temporary file: hidden, in the home's data folder
# a part's file lives while calamine reads it (well under a second): one untouched this long was left by a killed
# import (a live one, even another process's importing into the same home, is younger)
STALE_SECONDS = 600


@dataclass(frozen=True)
class Cutting:
    """How one workbook's big sheets are cut: how much sheet XML a part holds, the folder of the parts' temporary
    files, and what each part's workbook holds besides its sheet (`base`, read by `holding` once a sheet is cut)."""

    part_bytes: int
    folder: Path
    base: bytes = b""

    @classmethod
    def of(cls, archive: zipfile.ZipFile, folder: Path) -> "Cutting":
        """Each part's workbook holds the shared strings, which calamine reads again for each part: parts are
        made big enough (SHARED_STRINGS_SHARE times the shared strings) that this stays a small share of the work."""
        part_bytes = PART_BYTES
        if extent.SHARED_STRINGS in archive.namelist():
            part_bytes = max(part_bytes, SHARED_STRINGS_SHARE * archive.getinfo(extent.SHARED_STRINGS).file_size)
        return cls(part_bytes, folder)

    def holding(self, archive: zipfile.ZipFile) -> "Cutting":
        """This cutting with the members calamine needs to open each part's workbook (read once, for all parts)."""
        names = set(archive.namelist())
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as base:
            for member in _WORKBOOK_MEMBERS:
                if member in names:
                    base.writestr(member, archive.read(member))
        remove_stale_parts(self.folder)
        return replace(self, base=buffer.getvalue())

    def workbook(self, member: str, xml: bytes) -> bytes:
        """The workbook of one part: `base` and the part's sheet XML at `member`, zipped in memory."""
        buffer = io.BytesIO()
        buffer.write(self.base)
        with zipfile.ZipFile(buffer, "a", zipfile.ZIP_STORED) as workbook:
            workbook.writestr(member, xml)
        return buffer.getvalue()

    def worth(self, archive: zipfile.ZipFile, member: str) -> bool:
        """Whether a sheet is big enough to be read in parts (two at least)."""
        return archive.getinfo(member).file_size >= 2 * self.part_bytes


class PartReader:
    """Reads one worksheet in parts (`load` starts the threads and waits for the first part)."""

    def __init__(self, path: Path, member: str, sheet: str, cutting: Cutting) -> None:
        self.path, self.member, self.sheet, self.cutting = path, member, sheet, cutting
        self.size = 0  # bytes of the sheet's XML
        # each part's rows to come (calamine reading it in the pool) and how far into the XML it ends, in order
        self.read: queue.Queue[tuple[Future, int] | None | BaseException] = queue.Queue(maxsize=READERS)
        self.stop = threading.Event()
        self.cutter = threading.Thread(target=self._guarded, name="sheet-cut", daemon=True)
        self.pool = ThreadPoolExecutor(READERS, thread_name_prefix="sheet-read")

    def load(self) -> Rows:
        try:  # whatever stops it, even Ctrl-C or SIGTERM while the thread starts, stops the threads
            self.cutter.start()
            first = self._next()
            if first is None:
                return Rows(0, iter(()), stop=self._finish)
            start_row, _, rows, through = first
            guess = (start_row + len(rows)) * self.size // max(through, 1)  # rows the sheet spans, for progress
            # the rows above the first cell come empty, as a whole sheet's do; then each part's rows, numbered (all
            # iterators in C: the importing thread pays nothing a row)
            above = zip(range(1, start_row + 1), itertools.repeat([]))
            parts = itertools.chain([first], iter(self._next, None))
            return Rows(guess, itertools.chain(above, itertools.chain.from_iterable(map(_numbered, parts))),
                        stop=self._finish)
        except BaseException:
            self._finish()
            raise

    def _finish(self) -> None:
        """Stop the threads (the cutter looks every _WAIT seconds; a part being read is read to its end) and wait
        for them."""
        self.stop.set()
        if self.cutter.is_alive():
            self.cutter.join()
        self.pool.shutdown(cancel_futures=True)

    def _next(self) -> tuple[int, int, list[Row], int] | None:
        """The next part with cells: (first row, first column, rows, how far into the XML it ends); None at the end."""
        while (item := self.read.get()) is not None:
            if isinstance(item, BaseException):
                raise item  # the cutting thread's
            future, through = item
            found = future.result()  # calamine's failure is raised here
            if found is not None:
                return (*found, through)
        return None

    def _put(self, out: queue.Queue, item) -> bool:
        """Hand on an item; False when the reading was stopped meanwhile."""
        while not self.stop.is_set():
            try:
                out.put(item, timeout=_WAIT)
                return True
            except queue.Full:
                continue
        return False

    def _guarded(self) -> None:
        """Cut the sheet; what ends the cutting (None when done, else the exception) goes after its parts."""
        try:
            self._cut()
        except BaseException as exc:  # raised again in the importing thread
            self._put(self.read, exc)
        else:
            self._put(self.read, None)

    def _hand_on(self, xml: bytes, through: int) -> bool:
        """Give one checked part to the pool; False when the reading was stopped meanwhile."""
        if self.stop.is_set():
            return False
        return self._put(self.read, (self.pool.submit(self._read, self.cutting.workbook(self.member, xml)), through))

    def _cut(self) -> None:
        """Sheet XML -> checked parts (each a sheet of its own) and how far into the XML each ends. Each part is
        copied once (the XML is 20x its zipped size) and checked in place."""
        reach = extent.Reach()
        try:
            with zipfile.ZipFile(self.path) as archive, archive.open(self.member) as handle:
                self.size = archive.getinfo(self.member).file_size
                most = self.cutting.part_bytes
                size = max(most // FIRST_PARTS, 1)
                pending = b""
                while _ROWS_START not in pending and len(pending) < _HEAD_BYTES and (chunk := handle.read(size)):
                    pending += chunk
                rows_at = pending.find(_ROWS_START) + len(_ROWS_START)
                head, pending = pending[:rows_at], pending[rows_at:]
                root = _ROOT.search(head)
                if rows_at < len(_ROWS_START) or root is None or not _plain_head(head) or _declared_too_far(head):
                    raise ReadAgainWhole()
                _check(reach, head, 0, len(head))
                close = b"</sheetData></" + root.group(1) + b">"
                through = len(head)
                while chunk := handle.read(size):
                    size = min(2 * size, most)
                    cut = chunk.rfind(_ROW_END) + len(_ROW_END)
                    if cut < len(_ROW_END):  # no row ends in this chunk: it all waits for the next
                        pending += chunk
                        continue
                    part = b"".join((head, pending, memoryview(chunk)[:cut], close))
                    rows = len(head), len(part) - len(close)
                    if not _cuttable(part, *rows):
                        pending = b"".join((pending, chunk, handle.read()))  # the rest is one part
                        break
                    _check(reach, part, *rows)
                    through += rows[1] - rows[0]
                    if not self._hand_on(part, through):
                        return
                    pending = chunk[cut:]
        except NotImplementedError as exc:
            raise ReadError("zip_compression", detail=first_line(exc)) from None
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:  # what zipfile raises on damaged bytes
            raise ReadError("damaged", detail=first_line(exc)) from None
        _check(reach, pending, 0, len(pending))
        self._hand_on(head + pending, through + len(pending))

    def _read(self, workbook: bytes) -> tuple[int, int, list[Row]] | None:
        """One part's workbook -> its rows, through calamine (in the pool). The workbook goes through a temporary
        file of its own, written at once: calamine reads a path without the GIL, but a Python file object a little
        at a time, each time waiting for it."""
        try:
            handle, name = tempfile.mkstemp(prefix=_PART_PREFIX + owner_tag(), suffix=_PART_SUFFIX,
                                            dir=self.cutting.folder)
        except OSError:  # a folder that cannot be written to: the sheet is read whole, as it would have been
            raise ReadAgainWhole() from None
        try:
            with open(handle, "wb", buffering=0) as out:
                out.write(workbook)
            return self._calamine(name, workbook)
        finally:
            with contextlib.suppress(FileNotFoundError):  # someone cleaned the folder meanwhile
                os.unlink(name)

    def _calamine(self, name: str, workbook: bytes) -> tuple[int, int, list[Row]] | None:
        """(first row, first column, rows) of the part's workbook written at `name`, None when it has no cell."""
        from python_calamine import CalamineWorkbook

        try:
            workbook = CalamineWorkbook.from_path(name)
            try:
                sheet = workbook.get_sheet_by_name(self.sheet)
                if sheet.start is None or not sheet.height:
                    return None
                return sheet.start[0], sheet.start[1], sheet.to_python()
            finally:
                workbook.close()
        except BaseException as exc:  # calamine's error types vary by format and version; a panic too
            if not reader_failure(exc):
                raise
            raise ReadAgainWhole() from None  # a cut calamine reads otherwise than the whole: the whole says why


def remove_stale_parts(folder: Path) -> None:
    """The part files (patient data) a killed import left in ``folder``: swept when a workspace opens (any command,
    the TUI) and before a big sheet is read in parts."""
    remove_stale(folder, f"{_PART_PREFIX}*{_PART_SUFFIX}", STALE_SECONDS)


def _numbered(part: tuple[int, int, list[Row], int]) -> Iterator[tuple[int, Row]]:
    """A part's rows with their own row numbers, their cells at their own columns."""
    start_row, start_column, rows, _ = part
    if start_column:
        rows = map(([""] * start_column).__add__, rows)
    return enumerate(rows, start=start_row + 1)


def _declared_too_far(head: bytes) -> bool:
    """The sheet says (in its `<dimension>`, which may lie) that its cells reach further than the parts' check lets
    through: it is read whole at once, rather than after most of its parts."""
    declared = _DIMENSION.search(head)
    if declared is None:
        return False
    reach = extent.Reach()
    return not reach.feed(b'<c r="%s%s"/>' % declared.groups()) or reach.grid() > extent.MAX_CELLS


def _plain_head(head: bytes) -> bool:
    """What comes before the rows holds no comment, CDATA or processing instruction (so that the rows start where
    `<sheetData>` is seen), the XML declaration aside."""
    declaration = head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<?")
    return b"<!" not in head and head.count(b"<?") == (1 if declaration else 0)


def _cuttable(part: bytes, start: int, end: int) -> bool:
    """The rows of a part (part[start:end]) hold no comment, CDATA or processing instruction (where "</row>" may be
    text, not a tag) and do not end the sheet's rows. "!" and "?" are looked for first: "<" is everywhere."""
    for mark, markup in ((b"!", b"<!"), (b"?", b"<?")):
        if part.find(mark, start, end) >= 0 and part.find(markup, start, end) >= 0:
            return False
    return part.find(b"</sheetData", start, end) < 0


def _check(reach: extent.Reach, xml: bytes, start: int, end: int) -> None:
    """The cells of xml[start:end] are written the plain way and calamine can hold them, or ReadAgainWhole."""
    if not reach.feed(xml, start, end) or reach.grid() > extent.MAX_CELLS:
        raise ReadAgainWhole()
