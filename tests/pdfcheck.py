"""Test helper: print a workbook the way the secretaries do (LibreOffice to PDF) and read the PDF back (poppler).

Use ``@needs_libreoffice`` on tests that convert; it skips them, with the reason, where the tools are missing
(``apt-get install -y libreoffice-calc-nogui poppler-utils``). Group them with
``@pytest.mark.xdist_group("libreoffice")`` so that one worker runs them.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pytest

CONVERT_TIMEOUT = 180
A4_PORTRAIT = (595.28, 841.89)
_PAGE_SIZE = re.compile(r"^Page\s+(\d+) size:\s+([\d.]+) x ([\d.]+) pts", re.MULTILINE)

_MISSING = [tool for tool in ("soffice", "pdfinfo", "pdftotext") if shutil.which(tool) is None]
needs_libreoffice = pytest.mark.skipif(
    bool(_MISSING),
    reason=f"printing check needs {', '.join(_MISSING)} (apt-get install libreoffice-calc-nogui poppler-utils)",
)


@dataclass(frozen=True)
class Page:
    number: int
    width: float  # points
    height: float
    text: str  # pdftotext -layout

    @property
    def landscape(self) -> bool:
        return self.width > self.height

    def is_a4(self, tolerance: float = 2.0) -> bool:
        short, long = sorted((self.width, self.height))
        return abs(short - A4_PORTRAIT[0]) <= tolerance and abs(long - A4_PORTRAIT[1]) <= tolerance


def to_pdf(xlsx_path: Path, out_dir: Path) -> Path:
    """Convert a spreadsheet to PDF with a headless LibreOffice on a fresh profile; return the PDF's path."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        result = subprocess.run(
            ["soffice", f"-env:UserInstallation={Path(profile).as_uri()}", "--headless", "--norestore",
             "--convert-to", "pdf", "--outdir", str(out_dir), str(xlsx_path)],
            capture_output=True, text=True, timeout=CONVERT_TIMEOUT, check=False,
        )
    pdf = out_dir / (Path(xlsx_path).stem + ".pdf")
    if result.returncode != 0 or not pdf.exists():
        raise RuntimeError(f"soffice could not convert {xlsx_path} (exit {result.returncode}): "
                           f"{result.stderr.strip() or result.stdout.strip()}")
    return pdf


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    """(width, height) in points of every page."""
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", str(page_count(pdf)), str(pdf)],
                          capture_output=True, text=True, check=True).stdout
    return [(float(w), float(h)) for _, w, h in _PAGE_SIZE.findall(info)]


def page_texts(pdf: Path) -> list[str]:
    """Each page's text, laid out as printed."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")[: page_count(pdf)]


def pages(pdf: Path) -> list[Page]:
    return [Page(n, w, h, t) for n, ((w, h), t) in enumerate(zip(page_sizes(pdf), page_texts(pdf)), start=1)]
