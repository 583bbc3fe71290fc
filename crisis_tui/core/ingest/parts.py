"""A big worksheet read by calamine in parts, each part while the rows of the one before are converted.

calamine reads a whole sheet at once, without the GIL, and the importer could only wait for it. Here a big sheet's
XML is cut between rows into parts of about PART_BYTES. Each part is checked as `extent` checks a whole sheet, made
into a small workbook of its own (with the members calamine needs to open it: content types, relations, workbook,
styles, shared strings) and read by calamine: one thread cuts and checks, another reads, while the importer
converts the rows already read. The check only passes cells that carry their own reference, so each part's cells
keep their row and column.

A sheet that cannot be read this way (a cell too far or not written the plain way, a comment before its rows...)
raises ReadAgainWhole: the importer rolls the file back and reads it again the usual way. A comment or a CDATA
section among the rows only stops the cutting: the rest of the sheet is then one part.
"""

from __future__ import annotations

import io
import queue
import re
import threading
import zipfile
import zlib
from typing import Iterator

from defusedxml import ElementTree

from crisis_tui.core.ingest import extent
from crisis_tui.core.ingest.cells import ReadAgainWhole, ReadError, Row, Rows, first_line, reader_failure

PART_BYTES = 4 << 20  # sheet XML a part holds; a sheet under two parts is read whole
_WORKBOOK_MEMBERS = ("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels")
_NEEDED_RELATIONS = ("/styles", "/sharedStrings")  # what else calamine reads to give a sheet's values
_ROWS_START = b"<sheetData>"
_ROW_END = b"</row>"
_ROOT = re.compile(rb"<([A-Za-z_][^\s/>]*)")  # the first element's name (the declaration starts "<?")
_WAIT = 0.1  # seconds a thread waits on a full queue before looking whether the reading was stopped


def worth_parts(archive: zipfile.ZipFile, member: str) -> bool:
    return archive.getinfo(member).file_size >= 2 * PART_BYTES


def base_workbook(archive: zipfile.ZipFile) -> bytes:
    """A zip holding what calamine needs to open the workbook, but no sheet: each part is added to a copy."""
    relations = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    names = set(archive.namelist())
    members = [name for name in _WORKBOOK_MEMBERS if name in names]
    for relation in relations:
        target = relation.get("Target", "")
        member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        if relation.get("Type", "").endswith(_NEEDED_RELATIONS) and member in names:
            members.append(member)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as base:
        for member in members:
            base.writestr(member, archive.read(member))
    return buffer.getvalue()


class PartReader:
    """Reads one worksheet in parts (`load` starts the threads and waits for the first part)."""

    def __init__(self, path: str, member: str, sheet: str, base: bytes) -> None:
        self.path, self.member, self.sheet, self.base = path, member, sheet, base
        self.size = 0  # bytes of the sheet's XML
        self.parts: queue.Queue[tuple[bytes, int] | None | BaseException] = queue.Queue(maxsize=2)
        self.read: queue.Queue[tuple[int, int, list[Row], int] | None | BaseException] = queue.Queue(maxsize=2)
        self.stop = threading.Event()
        self.threads = [threading.Thread(target=self._guarded, args=(work, out), name=f"sheet-{name}", daemon=True)
                        for work, out, name in ((self._cut, self.parts, "cut"), (self._read, self.read, "read"))]

    def load(self) -> Rows:
        for thread in self.threads:
            thread.start()
        try:
            first = self._next()
        except BaseException:
            self._finish()
            raise
        numbered = self._numbered(first)
        if first is None:
            return Rows(0, numbered, stop=self._finish)
        start_row, _, rows, through = first
        guess = (start_row + len(rows)) * self.size // max(through, 1)  # rows the sheet spans, for progress
        return Rows(guess, numbered, stop=self._finish)

    def _numbered(self, item) -> Iterator[tuple[int, Row]]:
        """The rows of every part with their own row numbers, cells at their own columns; the rows above the
        first cell come empty, as a whole sheet's do."""
        try:
            if item is not None:
                yield from ((number, []) for number in range(1, item[0] + 1))
            while item is not None:
                start_row, start_column, rows, _ = item
                if start_column:
                    padding = [""] * start_column
                    rows = [padding + cells for cells in rows]
                yield from enumerate(rows, start=start_row + 1)
                item = self._next()
        finally:
            self._finish()

    def _finish(self) -> None:
        """Stop the threads (they look every _WAIT seconds) and wait for them."""
        self.stop.set()
        for thread in self.threads:
            thread.join()

    def _next(self):
        item = self.read.get()
        if isinstance(item, BaseException):
            raise item
        return item

    def _put(self, out: queue.Queue, item) -> bool:
        """Hand on an item; False when the reading was stopped meanwhile."""
        while not self.stop.is_set():
            try:
                out.put(item, timeout=_WAIT)
                return True
            except queue.Full:
                continue
        return False

    def _get(self, source: queue.Queue):
        """The next item; None when the reading was stopped meanwhile."""
        while not self.stop.is_set():
            try:
                return source.get(timeout=_WAIT)
            except queue.Empty:
                continue
        return None

    def _guarded(self, work, out: queue.Queue) -> None:
        """Run a thread's work; what ends it (None when done, else the exception) goes to the next in line."""
        try:
            work()
        except BaseException as exc:  # raised again in the importing thread
            self._put(out, exc)
        else:
            self._put(out, None)

    def _cut(self) -> None:
        """Sheet XML -> checked parts (each a sheet of its own) and how far into the XML each ends."""
        reach = extent.Reach()
        try:
            with zipfile.ZipFile(self.path) as archive, archive.open(self.member) as handle:
                self.size = archive.getinfo(self.member).file_size
                text = handle.read(PART_BYTES)
                rows_at = text.find(_ROWS_START) + len(_ROWS_START)
                head, text = text[:rows_at], text[rows_at:]
                root = _ROOT.search(head)
                if rows_at < len(_ROWS_START) or root is None or not _plain_head(head):
                    raise ReadAgainWhole()
                _check(reach, head)
                close = b"</sheetData></" + root.group(1) + b">"
                through = len(head)
                while chunk := handle.read(PART_BYTES):
                    text += chunk
                    cut = text.rfind(_ROW_END) + len(_ROW_END)
                    body = text[:cut]
                    if cut < len(_ROW_END) or b"<!" in body or b"<?" in body or b"</sheetData" in body:
                        text += handle.read()  # no cut can be trusted from here: the rest is one part
                        break
                    _check(reach, body)
                    through += len(body)
                    if not self._put(self.parts, (head + body + close, through)):
                        return
                    text = text[cut:]
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:  # what zipfile raises on damaged bytes
            raise ReadError("damaged", detail=first_line(exc)) from None
        _check(reach, text)
        self._put(self.parts, (head + text, through + len(text)))

    def _read(self) -> None:
        """Parts -> their rows, through calamine."""
        from python_calamine import CalamineWorkbook

        while (item := self._get(self.parts)) is not None:
            if isinstance(item, BaseException):
                raise item  # the cutting thread's: handed on
            xml, through = item
            buffer = io.BytesIO(self.base)
            with zipfile.ZipFile(buffer, "a", zipfile.ZIP_STORED) as workbook:
                workbook.writestr(self.member, xml)
            buffer.seek(0)
            try:
                sheet = CalamineWorkbook.from_filelike(buffer).get_sheet_by_name(self.sheet)
                cells = sheet.to_python() if sheet.start is not None and sheet.height else []
            except BaseException as exc:  # calamine's error types vary by format and version; a panic too
                if not reader_failure(exc):
                    raise
                raise ReadError("unreadable_sheet", detail=first_line(exc)) from None
            if cells and not self._put(self.read, (sheet.start[0], sheet.start[1], cells, through)):
                return


def _plain_head(head: bytes) -> bool:
    """What comes before the rows holds no comment, CDATA or processing instruction (so that the rows start where
    `<sheetData>` is seen), the XML declaration aside."""
    declaration = head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<?")
    return b"<!" not in head and head.count(b"<?") == (1 if declaration else 0)


def _check(reach: extent.Reach, xml: bytes) -> None:
    """A part calamine can hold, its cells written the plain way, or ReadAgainWhole."""
    if not reach.feed(xml) or reach.grid() > extent.MAX_CELLS:
        raise ReadAgainWhole()
