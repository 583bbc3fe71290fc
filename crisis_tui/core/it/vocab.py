"""IT system statuses (with the Irish HSE colour code) and priority tiers, as read from files and options."""

from __future__ import annotations

import re

from crisis_tui.core.text import fold, key

STATUSES = ("down", "restoring", "restored", "verified")
UP = frozenset({"restored", "verified"})
COLOURS = {"down": "red", "restoring": "amber", "restored": "green", "verified": "blue"}
TIERS = (1, 2, 3, 4)

_STATUS_NAMES = {
    "down": ("down", "en panne", "panne", "hors service", "rouge", "red"),
    "restoring": ("restoring", "en cours", "en restauration", "ambre", "amber", "orange"),
    "restored": ("restored", "rétabli", "vert", "green"),
    "verified": ("verified", "vérifié", "bleu", "blue"),
}
_BY_KEY = {key(name): status for status, names in _STATUS_NAMES.items() for name in names}
_TIER = re.compile(r"(?:p|priorite|priority|tier|niveau)? ?([1-4])(?: 0+)?")


def parse_status(value: object) -> str | None:
    """The status named by a value (FR or EN word or HSE colour; case, accents ignored), None when none is."""
    return _BY_KEY.get(key(value))


def parse_tier(value: object) -> int | None:
    """The tier 1-4 a value names (`1`, `1.0`, `P1`, `Priorité 1`), None when it names none."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if value in TIERS else None
    found = _TIER.fullmatch(fold(value))
    return int(found.group(1)) if found else None


def status_names() -> str:
    """The accepted words, for error messages: `down (en panne, rouge, red), ...`."""
    return "; ".join(f"{s} ({', '.join(n for n in names if n != s)})" for s, names in _STATUS_NAMES.items())
