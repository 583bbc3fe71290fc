"""The IT systems list (xlsx or csv, also xls or ods; FR or EN headers in any order), read and checked as a whole.

Columns: Système / System, Priorité / Priority (1-4), Dépend de / Depends on (names separated by `;` or `,`),
Statut / Status, Responsable / Owner, Activités / Activities (codes or names, optionally `CODE@SITE` or a site's
code or name in parentheses or beside the activity's: `Radiologie (Libramont)`),
Échéance / ETA, Notes. System and Priority are required; a blank status means down.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from crisis_tui.core.errors import UsageError
from crisis_tui.core.ingest.cells import ReadError, Row, cell_text
from crisis_tui.core.ingest.normalize import to_date
from crisis_tui.core.ingest.read import read_sheets
from crisis_tui.core.it.order import CycleError, restart_sequence
from crisis_tui.core.it.vocab import parse_status, parse_tier, status_names
from crisis_tui.core.reference import Ambiguous, Matcher
from crisis_tui.core.text import key, place_tokens, tokens
from crisis_tui.i18n import Message

HEADER_SEARCH_ROWS = 10
MAX_ROWS = 5000

COLUMNS = {
    "name": ("système", "system", "nom", "name", "application"),
    "tier": ("priorité", "priority", "tier", "niveau"),
    "depends_on": ("dépend de", "depends on", "dépendances", "dependencies"),
    "status": ("statut", "status", "état", "state"),
    "owner": ("responsable", "owner", "propriétaire"),
    "activities": ("activités", "activities"),
    "eta": ("échéance", "eta", "date prévue", "expected date"),
    "notes": ("notes", "remarques", "commentaires", "comments"),
}
_ALIASES = [(tokens(alias), field) for field, aliases in COLUMNS.items() for alias in aliases]


@dataclass(frozen=True)
class SystemSpec:
    """One system as read: dependencies are the exact names of other systems of the list."""

    name: str
    tier: int
    status: str = "down"
    owner: str = ""
    depends_on: tuple[str, ...] = ()
    activities: tuple[str, ...] = ()  # activity codes, or CODE@SITE
    eta: date | None = None
    notes: str = ""
    row: int = 0


def read_list(path: Path, activities: Matcher, sites: Matcher) -> list[SystemSpec]:
    """Every system of the file, checked; UsageError with one line naming the file and row otherwise.

    The file goes through the import's reader (format told by its first bytes: xlsx, xls, ods, csv/txt with `;` or
    `,`, UTF-8 or Windows-1252); the first visible sheet with a header row is the list."""
    rows, columns = _table(path)
    specs: list[SystemSpec] = []
    seen: dict[str, SystemSpec] = {}
    for number, cells in rows[1:]:
        values = {field: cells[i] if i < len(cells) else None for field, i in columns.items()}
        if all(_text(v) == "" for v in values.values()):
            continue
        spec = _parse_row(path, number, values, activities, sites)
        if key(spec.name) in seen:
            first = seen[key(spec.name)].row
            raise UsageError(Message("it.list_error.duplicate", where=_where(path, number), name=spec.name,
                                     first=first))
        seen[key(spec.name)] = spec
        specs.append(spec)
    if not specs:
        raise UsageError(Message("it.list_error.empty", file=path.name, row=rows[0][0]))
    return _resolve_dependencies(path, specs, seen)


def _table(path: Path) -> tuple[list[tuple[int, Row]], dict[str, int]]:
    """The rows from the header down (with the spreadsheet's row numbers) and the header's columns."""
    try:
        for sheet in read_sheets(path):
            rows = sheet.load().take(MAX_ROWS)
            found = _find_header(path, rows)
            if found is not None:
                return rows[found[0] :], found[1]
    except ReadError as exc:
        raise UsageError(Message("it.list_error.unreadable", file=path.name, reason=exc.message)) from None
    raise UsageError(Message("it.list_error.no_header", file=path.name, rows=HEADER_SEARCH_ROWS))


Strength = tuple[bool, int]  # a header that is the alias itself, then the alias's length in words: greater is better


def _column(header: object) -> tuple[str, Strength] | None:
    """The field a header names (it is, or starts with, one of the field's aliases) and how well; None for none."""
    words = tokens(header)
    found = [(field, (alias == words, len(alias))) for alias, field in _ALIASES if words[: len(alias)] == alias]
    return max(found, key=lambda claim: claim[1]) if words and found else None


def _find_header(path: Path, rows: list[tuple[int, Row]]) -> tuple[int, dict[str, int]] | None:
    """(index of the header row, field -> column) in the first rows, None when there is none. Of two columns naming
    one field the better named holds it ("Système" beats "Système d'exploitation", which is then ignored); two
    equally named ("Statut", "Status") make the header unusable."""
    for index, (number, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        claims: dict[str, tuple[Strength, list[int]]] = {}
        for position, cell in enumerate(cells):
            found = _column(cell)
            if found is None:
                continue
            field, strength = found
            held = claims.get(field)
            if held is None or strength > held[0]:
                claims[field] = (strength, [position])
            elif strength == held[0]:
                held[1].append(position)
        if "name" in claims and "tier" in claims:
            for _, positions in claims.values():
                if len(positions) > 1:
                    raise UsageError(Message("it.list_error.same_column", file=path.name, row=number,
                                             first=cells[positions[0]], second=cells[positions[1]]))
            return index, {field: positions[0] for field, (_, positions) in claims.items()}
    return None


def _text(value: object) -> str:
    return cell_text(value).strip()


def _parse_row(
    path: Path, number: int, values: dict[str, object], activities: Matcher, sites: Matcher
) -> SystemSpec:
    name = _text(values.get("name"))
    where = _where(path, number, name)
    if not name:
        raise UsageError(Message("it.list_error.no_name", where=where))
    tier = parse_tier(values.get("tier"))
    if tier is None:
        raise UsageError(Message("it.list_error.bad_tier", where=where, value=_text(values.get("tier"))))
    raw_status = _text(values.get("status"))
    status = parse_status(raw_status) if raw_status else "down"
    if status is None:
        raise UsageError(Message("it.list_error.bad_status", where=where, value=raw_status, names=status_names()))
    try:
        eta = parse_eta(values.get("eta"))
    except ValueError:
        raise UsageError(Message("it.list_error.bad_eta", where=where, value=_text(values.get("eta")))) from None
    return SystemSpec(
        name=name,
        tier=tier,
        status=status,
        owner=_text(values.get("owner")),
        depends_on=tuple(_split(values.get("depends_on"))),
        activities=tuple(_activity(where, part, activities, sites) for part in _split(values.get("activities"))),
        eta=eta,
        notes=_text(values.get("notes")),
        row=number,
    )


def _where(path: Path, number: int, name: str = "") -> Message:
    """The file and row an error is about (and the system's name when it has one)."""
    if name:
        return Message("it.list_error.row_named", file=path.name, row=number, name=name)
    return Message("it.list_error.row", file=path.name, row=number)


def _split(value: object) -> list[str]:
    """Parts separated by `;` or `,`, except inside parentheses: `Réseau (switches, VLAN); DNS` is two names."""
    parts, depth, current = [], 0, []
    for char in _text(value):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if char in ";," and depth <= 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]


def _activity(where: Message, value: str, activities: Matcher, sites: Matcher) -> str:
    """`CODE` or `CODE@SITE` from an activity's code or name and maybe a site's: after `@`, in parentheses or beside it
    ("radiologie@Libramont", "Radiologie (Libramont)", "radiologie Libramont"). Other words beside an activity's name
    are refused: read as the activity alone, they would make it need the system at every site."""
    activity_part, at, site_part = value.partition("@")
    if not at:
        activity_part, site_part = _activity_and_site(where, value, activities, sites)
    code = _find(where, activity_part, activities, "activity")
    return f"{code}@{_find(where, site_part, sites, 'site')}" if site_part.strip() else code


def _activity_and_site(where: Message, value: str, activities: Matcher, sites: Matcher) -> tuple[str, str]:
    """A value without `@` as (an activity's name, the site named before or after it, or "")."""
    words = place_tokens(value)
    if not words or activities.exact(value):
        return value, ""
    for size in range(len(words) - 1, 0, -1):  # the longest activity name first
        for activity, site in ((words[:size], words[size:]), (words[-size:], words[:-size])):
            if activities.exact(" ".join(activity)) and _names_a_site(" ".join(site), sites):
                return " ".join(activity), " ".join(site)
    code = _find(where, value, activities, "activity")  # unknown or ambiguous: said as such
    raise UsageError(Message("it.list_error.activity_extra", where=where, value=value.strip(), code=code))


def _names_a_site(value: str, sites: Matcher) -> bool:
    try:
        return sites.find(value) is not None
    except Ambiguous:
        return True  # `_find` says which sites


def _find(where: Message, value: str, matcher: Matcher, what: str) -> str:
    thing = Message(f"it.list_error.{what}")
    try:
        code = matcher.find(value)
    except Ambiguous as exc:
        raise UsageError(Message("it.list_error.ambiguous", where=where, what=thing, value=value.strip(),
                                 codes=str(exc))) from None
    if code is None:
        raise UsageError(Message("it.list_error.unknown", where=where, what=thing, value=value.strip()))
    return code


def parse_eta(value: object) -> date | None:
    """The date a value names (Excel date or serial, DD/MM/YYYY, YYYY-MM-DD...), None when blank; ValueError when the
    value is not a date."""
    if _text(value) == "":
        return None
    day = to_date(value)
    if day is None:
        raise ValueError(f"{_text(value)!r} is not a date")
    return day


def _resolve_dependencies(path: Path, specs: list[SystemSpec], by_key: dict[str, SystemSpec]) -> list[SystemSpec]:
    """Dependencies spelt as the systems' own names; UsageError on an unknown one or a cycle."""
    resolved = []
    for spec in specs:
        names = []
        for dependency in spec.depends_on:
            target = by_key.get(key(dependency))
            if target is None:
                raise UsageError(Message("it.list_error.unknown_dependency", file=path.name, row=spec.row,
                                         name=spec.name, dependency=dependency))
            if target.name not in names:
                names.append(target.name)
        resolved.append(replace(spec, depends_on=tuple(names)))
    try:
        restart_sequence({s.name: (s.tier, s.depends_on) for s in resolved})
    except CycleError as exc:
        raise CycleError(exc.systems, where=path.name) from None
    return resolved


