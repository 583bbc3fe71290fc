"""The cyclic garbage collector paused while a big job runs (an import, an export).

Such a job makes millions of objects that live until it ends: each collection would scan them all again (a third of
an import's row loop), and a full one holds the GIL for up to a second, freezing the TUI while a worker exports.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def collector_paused() -> Iterator[None]:
    """The collector off for the block (as it was after it); what the block left in cycles is collected later."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
