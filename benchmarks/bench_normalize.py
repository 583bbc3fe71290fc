"""Time phone_info (fast path vs phonenumbers only) and the date/text normalisers on 100k realistic cells.

Run: python benchmarks/bench_normalize.py [rows]
"""

from __future__ import annotations

import random
import re
import sys
import time as clock
from datetime import date, datetime, time

from crisis_tui.core.ingest import phones
from crisis_tui.core.ingest.normalize import clean_text, phone_info, split_patient, to_datetime


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def phone_cells(rng: random.Random, rows: int) -> list[tuple[object, object]]:
    """(GSM cell, home phone cell) per row, in the shapes and proportions exports bring."""
    def mobile() -> str:
        return rng.choice("56789") + _digits(rng, 7)

    def landline() -> str:
        return rng.choice(["61", "63", "84", "81", "87", "10"]) + _digits(rng, 6)

    shapes = [
        (30, lambda: f"04{(m := mobile())[:2]} {m[2:4]} {m[4:6]} {m[6:]}"),
        (12, lambda: f"04{(m := mobile())[:2]}.{m[2:4]}.{m[4:6]}.{m[6:]}"),
        (8, lambda: f"04{(m := mobile())[:2]}/{m[2:4]}.{m[4:6]}.{m[6:]}"),
        (10, lambda: f"+324{mobile()}"),
        (4, lambda: f"00324{mobile()}"),
        (10, lambda: float(f"4{mobile()}")),
        (10, lambda: f"0{(n := landline())[:2]} {n[2:4]} {n[4:6]} {n[6:]}"),
        (5, lambda: None),
        (4, lambda: f"04{mobile()} / 0{landline()}"),
        (3, lambda: rng.choice(["+352 621 ", "+33 6 "]) + _digits(rng, 6 if rng.random() < 0.5 else 8)),
        (2, lambda: rng.choice(["04", "", "néant", "0000000000", "0475 12"])),
        (2, lambda: f"GSM: 04{mobile()} Fixe: 0{landline()}"),
    ]
    weights = [w for w, _ in shapes]
    makers = [m for _, m in shapes]
    return [
        (rng.choices(makers, weights)[0](), f"0{landline()}" if rng.random() < 0.3 else None) for _ in range(rows)
    ]


def timed(label: str, fn, data) -> float:
    start = clock.perf_counter()
    for item in data:
        fn(item)
    spent = clock.perf_counter() - start
    print(f"{label:<44} {spent:6.2f} s  {spent / len(data) * 1e6:6.1f} us/row")
    return spent


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    rng = random.Random(7)
    cells = phone_cells(rng, rows)
    print(f"{rows} rows, {len({c for pair in cells for c in pair})} distinct phone cells")
    phones.normalize_phone.cache_clear()
    fast = timed("phone_info, fast path (cold cache)", phone_info, cells)
    timed("phone_info, fast path (warm cache)", phone_info, cells)
    original = phones._FAST_SHAPE
    phones._FAST_SHAPE = re.compile("(?!)")  # every number through phonenumbers
    phones.normalize_phone.cache_clear()
    slow = timed("phone_info, phonenumbers only (cold cache)", phone_info, cells)
    phones._FAST_SHAPE = original
    phones.normalize_phone.cache_clear()
    print(f"phonenumbers only / fast path: {slow / fast:.1f}x")

    day = date(2022, 4, 18)
    date_cells = [
        rng.choice([
            (day, time(8 + rng.randrange(10), rng.randrange(60))),
            (datetime(2022, 4, 18, 8, 30), None),
            ("18/04/2022", f"{8 + rng.randrange(10)}:{rng.randrange(60):02d}"),
            (44669 + rng.randrange(30), 0.375),
            ("2022-04-18 08:30", None),
            ("18-04-22", "9h30"),
        ])
        for _ in range(rows)
    ]
    timed("to_datetime(date cell, time cell)", lambda pair: to_datetime(*pair), date_cells)
    names = [rng.choice(["DUPONT Jean", "Van den Berghe Anne", "D'HONDT Marie-Claire", "Dupont, Jean"]) + _digits(rng, 2)
             for _ in range(rows)]
    timed("clean_text", clean_text, names)
    timed("split_patient", split_patient, names)


if __name__ == "__main__":
    main()
