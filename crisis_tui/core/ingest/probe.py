"""An .xls or .ods workbook is first read by calamine in a child process, before the application reads it.

calamine aborts the whole process (no exception to catch) when a file makes it reserve more memory than there is:
an .xls cell or declared size far away, an .ods cell of billions of repeated spaces. An .xlsx is scanned for that
beforehand (`extent`); these formats are not, so a child process, its memory capped where the system allows it,
reads their visible sheets first. When it dies, the file is refused, and the application lives on.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from crisis_tui.core.ingest.cells import ReadError

MEMORY_CAP = 4 << 30  # bytes of address space for the child: a real workbook needs well under 1 GB
TIMEOUT = 300  # seconds

_CHILD = """
import sys
try:
    import resource
    resource.setrlimit(resource.RLIMIT_AS, (int(sys.argv[2]), int(sys.argv[2])))
except (ImportError, ValueError, OSError):
    pass
from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum
with open(sys.argv[1], "rb") as handle:  # read by what its bytes are, whatever its suffix says
    workbook = CalamineWorkbook.from_filelike(handle)
for index, meta in enumerate(workbook.sheets_metadata):
    if meta.visible == SheetVisibleEnum.Visible and meta.typ == SheetTypeEnum.WorkSheet:
        workbook.get_sheet_by_index(index)
"""


def survives_calamine(path: Path) -> None:
    """ReadError unless calamine reads the workbook's visible sheets without killing its process (an exception it
    raises is no crash: the application's own read says it again, in its words)."""
    try:
        done = subprocess.run([sys.executable, "-c", _CHILD, str(path), str(MEMORY_CAP)], stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        raise ReadError("reader_crash") from None
    if done.returncode not in (0, 1):  # 1: an exception, raised again when the application reads the file
        raise ReadError("reader_crash")
