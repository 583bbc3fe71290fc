"""IT system statuses (with the Irish HSE colour code) and priority tiers, as read from files and options."""

from __future__ import annotations

import re

from crisis_tui.core.text import fold, key
from crisis_tui.i18n import LANGUAGES, Catalog

STATUSES = ("down", "restoring", "restored", "verified")
UP = frozenset({"restored", "verified"})
COLOURS = {"down": "red", "restoring": "amber", "restored": "green", "verified": "blue"}
TIERS = (1, 2, 3, 4)

# besides every name the application prints for a status (it.status.*, it.colour.* in each language) and its code
_MORE_NAMES = {
    "down": ("panne", "hors service"),
    "restoring": ("en restauration", "en cours de rétablissement", "orange"),
    "restored": ("restauré",),
    "verified": (),
}


def _stem(text: object) -> str:
    """A status's comparison key without the French agreement: rétablie, rétablis, vérifiées read as rétabli, vérifié
    (`key` already drops a plural s)."""
    return " ".join(word.rstrip("e") or word for word in key(text).split())


def _names(status: str) -> tuple[str, ...]:
    """Every name a status is read from, each once: its code, the catalog's names, then the other accepted words."""
    printed = [Catalog(lang).t(entry) for entry in (f"it.status.{status}", f"it.colour.{COLOURS[status]}")
               for lang in LANGUAGES]
    names: dict[str, str] = {}
    for name in (status, *printed, *_MORE_NAMES[status]):
        names.setdefault(_stem(name), name)
    return tuple(names.values())


_STATUS_NAMES = {status: _names(status) for status in STATUSES}
_BY_STEM = {_stem(name): status for status, names in _STATUS_NAMES.items() for name in names}
_TIER = re.compile(r"(?:p|priorite|priority|tier|niveau)? ?([1-4])(?: 0+)?(?: [a-z].*)?")  # then maybe its label


def parse_status(value: object) -> str | None:
    """The status a value names: a FR or EN name the application prints, an HSE colour or another accepted word (case,
    accents, feminine and plural ignored), alone or beside another agreeing with it ("Rétabli (vert)", the way
    `it order` prints it); None when it names none."""
    words = _stem(value).split()
    whole = _BY_STEM.get(" ".join(words))
    if whole is not None:
        return whole
    for cut in range(1, len(words)):
        first, second = (_BY_STEM.get(" ".join(part)) for part in (words[:cut], words[cut:]))
        if first is not None and first == second:
            return first
    return None


def parse_tier(value: object) -> int | None:
    """The tier 1-4 a value names (`1`, `1.0`, `P1`, `Priorité 1`, `1 - vital`), None when it names none."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if value in TIERS else None
    found = _TIER.fullmatch(fold(value))
    return int(found.group(1)) if found else None


def status_names() -> str:
    """The accepted words, for error messages: `down (En panne, rouge, red, panne, hors service); ...`."""
    return "; ".join(f"{s} ({', '.join(n for n in names if n != s)})" for s, names in _STATUS_NAMES.items())
