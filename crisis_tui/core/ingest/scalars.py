"""What a spreadsheet cell may hold besides text: the many spellings of "empty", numbers of every numeric type."""

from __future__ import annotations

import math
import numbers


def is_missing(value: object) -> bool:
    """None, NaN (float or numpy), pandas NaT and NA."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    return type(value).__name__ in ("NaTType", "NAType")


def as_number(value: object) -> float | None:
    """A numeric cell (int, float, numpy number; not bool) as a finite float, else None."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    number = float(value)
    return number if math.isfinite(number) else None
