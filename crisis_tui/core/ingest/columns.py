"""Which row is the header, and what each column holds (FR / NL / EN header names, any case, accents, extra words).

A header cell takes the role of the longest alias it contains as whole words ("Date de naissance" beats "Date");
on a tie, the role listed first in HEADER_ALIASES wins ("Date examen" is a date, "Tél. patient" a phone). When
several columns take one role, the best named holds it: a longer alias, then a word of the appointment ("Date RDV"
beats "Date"), then a header that is the alias itself, then the role's earlier alias ("Date" beats "Jour"), then the
first column.

A header may take two rows: a row of header words right below the header row completes it ("Nom", "Prénom" under a
merged "Patient" read "Patient Nom", "Patient Prénom"; "RDV" under "Date" reads "Date RDV"), and data starts below.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from typing import Iterable, Sequence

from crisis_tui.core.ingest.normalize import day_named, to_date, to_time
from crisis_tui.core.ingest.phones import phone_info
from crisis_tui.core.ingest.scalars import is_missing
from crisis_tui.core.text import fold, tokens

HEADER_SEARCH_ROWS = 30  # the header is among the first 30 non-empty rows

# (role, header aliases), most specific roles first: on a tie the earlier entry wins. "ignore" names columns that
# only look like ours (a creation date, an end time, a maiden name, the family doctor; also, by OTHER_PARTY_WORDS,
# the doctor's or the service's phone). A role may appear twice:
# the lone words that suggest an appointment time ("RDV") lose to any other role ("Lieu RDV" is a site).
# "*datum" stands for any single word ending in "datum" (Dutch compounds: "Afspraakdatum", "Onderzoeksdatum").
HEADER_ALIASES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("birth_date", (
        "date de naissance", "naissance", "naiss", "date naiss", "date de naiss", "ne le", "nee le", "ne e le", "ddn",
        "geboortedatum", "geboren", "geboorte", "geb", "geb datum", "date of birth", "birth date", "birthdate", "dob", "birth",
    )),
    ("ignore", (
        "date de creation", "date creation", "cree le", "date impression", "imprime le", "date export",
        "date saisie", "date de saisie", "date modification", "date de modification", "date fin", "date de fin",
        "heure fin", "heure de fin", "end time", "eindtijd", "einduur", "duree", "duur", "duration",
        "date de deces", "overlijdensdatum", "aanmaakdatum", "wijzigingsdatum", "printdatum", "exportdatum",
        "aangemaakt", "created", "modified", "nom de jeune fille", "jeune fille", "meisjesnaam", "maiden name",
        "nom de naissance", "lieu de naissance", "pays de naissance", "geboorteplaats", "place of birth",
        "birthplace", "email", "e mail", "mail", "adresse", "adres", "address", "medecin traitant",
        "medecin generaliste", "huisarts", "general practitioner", "gp", "date demande", "date de demande",
        "date de la demande", "demande le", "aanvraagdatum", "datum aanvraag", "request date", "date of request",
        "date envoi", "date d envoi", "verzenddatum", "date facture", "factuurdatum", "date prescription",
        "date de prescription",
    )),
    ("datetime", (
        "date heure", "date et heure", "date time", "date and time", "datetime", "datum tijd", "datum en tijd",
        "datum uur", "tijdstip", "horodatage",
    )),
    ("date", ("date", "datum", "jour", "dag", "day", "*datum")),
    ("time", (
        "heure", "uur", "time", "tijd", "hour", "h", "horaire", "heure rdv", "heure de debut", "aanvangsuur",
        "beginuur", "begintijd", "starttijd", "aanvang", "*tijd", "*uur",
    )),
    ("phone", (
        "telephone", "tel", "gsm", "mobile", "portable", "phone", "telefoon", "telefoonnummer", "gsmnummer",
        "mobiel", "fixe", "domicile", "cell", "cellphone", "smartphone", "landline", "vaste lijn",
    )),
    ("doctor", (
        "medecin", "chirurgien", "arts", "doctor", "docteur", "dr", "prescripteur", "surgeon", "praticien",
        "specialiste", "specialist", "geneesheer", "physician", "behandelend arts", "behandelaar", "zorgverlener",
        "voorschrijver", "operateur", "consultant", "chirurg", "provider", "intervenant",
    )),
    ("service", (
        "service", "dienst", "department", "departement", "unite", "unit", "afdeling", "discipline", "specialite",
        "specialty", "speciality", "specialisme", "ward",
    )),
    ("site", (
        "site", "campus", "hopital", "ziekenhuis", "hospital", "lieu", "locatie", "location", "etablissement",
        "vestiging", "institution", "facility",
    )),
    ("activity", (
        "examen", "type d examen", "type examen", "onderzoek", "exam", "examination", "activite", "activiteit",
        "activity", "prestation", "type d intervention", "type intervention", "type de rendez vous", "type rdv",
        "appointment type", "type of appointment", "visit type", "type afspraak", "soort afspraak",
    )),
    # the planned act or the imaging modality: an activity when it names one ("Échographie", "Scanner"), else
    # ("PTH gauche", "CR") the file's own activity, as when the sheet has no such column
    ("act", ("acte", "acte prevu", "procedure", "modalite", "modality", "ingreep", "verrichting", "type")),
    ("first_name", ("prenom", "voornaam", "first name", "firstname", "given name", "forename", "roepnaam")),
    ("last_name", (
        "nom", "naam", "last name", "lastname", "surname", "family name", "nom de famille", "achternaam",
        "familienaam",
    )),
    ("patient", (
        "patient", "nom du patient", "nom patient", "nom et prenom", "nom prenom", "naam en voornaam",
        "naam voornaam", "naam patient", "patient name", "full name", "name", "identite", "beneficiaire", "resident",
        "residente", "bewoner",
    )),
    ("datetime", ("rendez vous", "rdv", "afspraak", "appointment", "appt", "debut", "start", "begin", "creneau")),
)
NAME_ROLES = ("patient", "last_name", "first_name")
DATE_ROLES = ("datetime", "date")
# a header with one of these words names an identifier, never a name ("N° patient", "Patient ID", "Nom dossier")
IDENTIFIER_WORDS = frozenset(
    {"id", "n", "no", "nr", "num", "numero", "number", "nummer", "dossier", "code", "nip", "niss", "inami", "ref",
     "reference", "ipp", "matricule"}
)
TOTAL_WORDS = frozenset(
    {"total", "totaal", "totaux", "totale", "totalen", "subtotal", "subtotaal", "tot", "somme", "sum", "nombre",
     "aantal", "count", "nb", "nbre"}
)
# nor one of these, which count ("Nombre de patients", "Nb patients", "Aantal patiënten"), nor one naming another
# person than the patient: a child's parent, a spouse, who comes along ("Nom du parent", "Naam ouder"; their phone
# stays a phone: it reaches the patient)
OTHER_PERSON_WORDS = frozenset(
    {"parent", "parents", "ouder", "ouders", "mere", "pere", "moeder", "vader", "mother", "father", "conjoint",
     "conjointe", "epoux", "epouse", "echtgenoot", "echtgenote", "spouse", "partner", "partenaire", "accompagnant",
     "accompagnante", "begeleider", "contact", "contactpersoon", "tuteur", "tutrice", "voogd", "guardian", "kin",
     "representant", "vertegenwoordiger"}
)
NOT_NAME_WORDS = IDENTIFIER_WORDS | TOTAL_WORDS | OTHER_PERSON_WORDS
# a phone header with one of these words is someone else's number: the doctor's, the prescriber's, the service's or
# the hospital's ("GSM médecin", "Tél. service"), never to be told the patient's news
OTHER_PARTY_WORDS = frozenset(
    word for role, aliases in HEADER_ALIASES if role in ("doctor", "service", "site") for alias in aliases
    if len(words := tokens(alias)) == 1 for word in words
) | frozenset(tokens("traitant generaliste huisarts gp secretariat secretariaat cabinet praktijk"))
# words of the appointment: of two columns taking one role, the one that has one is the appointment's ("Date RDV")
APPOINTMENT_WORDS = frozenset(
    {"rdv", "rendez", "afspraak", "appointment", "appt", "intervention", "examen", "exam", "consultation", "operation",
     "onderzoek", "operatie", "prevu", "planned", "gepland", "ingreep", "chirurgie", "surgery", "prochain",
     "prochaine", "next", "volgende"}
)
# words of another moment than the appointment: of two columns taking one role, one that has one is not the
# appointment's ("Date d'hospitalisation" before "Date chirurgie", "Opnamedatum" before "Operatiedatum", "Date
# consultation anesthésie" before "Date intervention", "Date dernière consultation" before "Date prochain RDV")
OTHER_MOMENT_WORDS = frozenset(
    {"opname", "admission", "hospitalisation", "hospitalization", "entree", "sortie", "ontslag", "discharge",
     "derniere", "dernier", "last", "previous", "precedent", "precedente", "vorige", "laatste", "anesthesie",
     "anesthesia", "anesthesiste", "preop", "preoperatoire"}
)
_COMPOUND_ENDS = ("datum", "uur", "tijd")  # Dutch compounds: "Opnamedatum" is "opname" + "datum"
# "2 rendez-vous", "41 patients": a closing line that counts the rows (words as `tokens` gives them)
COUNTED_WORDS = frozenset(
    {"rendez", "rdv", "patient", "patienten", "afspraak", "afspraken", "appointment", "consultation", "examen",
     "ligne", "rij", "rijen", "row", "record", "enregistrement", "resultat", "result", "personne", "dossier"}
)

_ALIASES = tuple(
    ((alias,) if alias.startswith("*") else tokens(alias), role, rank)
    for rank, (role, aliases) in enumerate(HEADER_ALIASES) for alias in aliases
)
_ALIAS_PLACE = {(alias, role): place for place, (alias, role, _) in enumerate(_ALIASES)}  # earlier: better named
_SUFFIX_ALIASES = tuple(entry for entry in _ALIASES if entry[0][0].startswith("*"))


def _by_first_word(aliases) -> dict[str, list[tuple[tuple[str, ...], str, int]]]:
    found: dict[str, list[tuple[tuple[str, ...], str, int]]] = {}
    for entry in aliases:
        found.setdefault(entry[0][0], []).append(entry)
    return found


_ALIASES_BY_FIRST_WORD = _by_first_word(entry for entry in _ALIASES if entry not in _SUFFIX_ALIASES)
# the words a header is made of ("Tél. domicile", "N° patient", "Heure prévue"), but for the suffix aliases
_HEADER_WORDS = frozenset(
    word for alias, _, _ in _ALIASES if not alias[0].startswith("*") for word in alias
) | IDENTIFIER_WORDS | APPOINTMENT_WORDS | OTHER_MOMENT_WORDS


def is_filled(cell: object) -> bool:
    """A cell holding something: not empty, not spaces only, not NaN."""
    return not is_missing(cell) and (not isinstance(cell, str) or bool(cell.strip()))


def column_role(header: object) -> str | None:
    """The role a header cell names, None when it names none of ours."""
    found = column_match(header)
    return None if found is None else found[0]


Strength = tuple[int, bool, bool, int]  # how well a header names its role: the greater, the better


@lru_cache(maxsize=4096)
def column_match(header: object) -> tuple[str, Strength] | None:
    """The role a header cell names and how well, None when it names none of ours. (The longest alias wins, then
    the first role: the order aliases are tried in does not matter, so only those whose first word is in the cell
    are. A header search reads most texts more than once: alone, and with the row above or below it.)"""
    words = tokens(header)
    if not words:
        return None
    best: tuple[int, int, tuple[str, ...], str] | None = None
    candidates = itertools.chain(_SUFFIX_ALIASES, *(_ALIASES_BY_FIRST_WORD.get(word, ()) for word in set(words)))
    for alias, role, rank in candidates:
        if _contains(words, alias) and (best is None or (len(alias), -rank) > best[:2]):
            best = (len(alias), -rank, alias, role)
    if best is None:
        return None
    length, _, alias, role = best
    if (role in NAME_ROLES and NOT_NAME_WORDS.intersection(words)) or (
            role == "phone" and OTHER_PARTY_WORDS.intersection(words)):
        role = "ignore"
    strength = (length, _moment(words), words == alias,
                -_ALIAS_PLACE.get((alias, role), 0))
    return role, strength


def _moment(words: tuple[str, ...]) -> int:
    """Whether a header names the appointment's moment (1), another moment (-1: an admission, a last visit, an
    anaesthesia consultation), or neither (0); the words of Dutch compounds ("Operatiedatum") count too."""
    parts = set(words)
    for word in words:
        parts.update(word[: -len(end)] for end in _COMPOUND_ENDS if word.endswith(end) and len(word) > len(end))
    if OTHER_MOMENT_WORDS.intersection(parts):
        return -1
    return 1 if APPOINTMENT_WORDS.intersection(parts) else 0


def _contains(words: tuple[str, ...], phrase: tuple[str, ...]) -> bool:
    if phrase[0].startswith("*"):  # a word ending like this one
        return any(len(word) > len(phrase[0]) and word.endswith(phrase[0][1:]) for word in words)
    n = len(phrase)
    return any(words[i : i + n] == phrase for i in range(len(words) - n + 1))


@dataclass(frozen=True)
class ColumnMap:
    """The header row found (the lower of two), and the column index of each role (phones: every phone column, in
    sheet order)."""

    row_number: int
    headers: tuple[str, ...]
    roles: dict[str, int]
    phones: tuple[int, ...]
    two_rows: tuple[tuple[str, ...], ...] = ()  # a header of two rows: each as it reads (`_folded`)
    day: date | None = None  # a header without a date column: the day its title, sheet or file name gives every row
    # the header of each column of a role, folded (computed once: every row set aside is compared with them)
    named_headers: tuple[tuple[int, str], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "named_headers", tuple(
            (index, fold(self.headers[index])) for index in (*self.roles.values(), *self.phones)
            if index < len(self.headers) and fold(self.headers[index])))

    def get(self, role: str) -> int | None:
        return self.roles.get(role)

    def is_header_again(self, row: Sequence[object]) -> bool:
        """A header row repeated lower down (a page break in the export); either row of a two-row header."""
        if self.two_rows and _folded(row) in self.two_rows:
            return True
        width = len(row)
        same = sum(1 for index, header in self.named_headers
                   if index < width and isinstance(row[index], str) and fold(row[index]) == header)
        return same >= 2


def map_columns(row_number: int, cells: Sequence[object], undated: bool = False) -> ColumnMap | None:
    """The column roles of a candidate header row; None unless it names a patient and a date (`undated`: or a
    time, the day given elsewhere)."""
    roles: dict[str, int] = {}
    strengths: dict[str, Strength] = {}
    phones: list[int] = []
    for index, cell in enumerate(cells):
        found = column_match(cell) if isinstance(cell, str) else None
        if found is None or found[0] == "ignore":
            continue
        role, strength = found
        if role == "phone":
            phones.append(index)
        elif role not in roles or strength > strengths[role]:
            roles[role], strengths[role] = index, strength
    if "last_name" in roles and "first_name" not in roles:
        if "patient" in roles and tokens(cells[roles["patient"]]) == ("name",):
            roles["first_name"] = roles.pop("patient")  # "Name" beside "Surname": the first name
        else:
            roles.setdefault("patient", roles.pop("last_name"))  # one "Nom" column holds the whole name
    elif "last_name" in roles:
        roles.pop("patient", None)
    elif "patient" in roles and "first_name" in roles:
        roles["last_name"] = roles.pop("patient")  # beside a first-name column, "Patient" is the family name
    if not ({"patient", "last_name"} & roles.keys() and set(DATE_ROLES + ("time",) * undated) & roles.keys()):
        return None
    return ColumnMap(row_number, tuple("" if c is None else str(c) for c in cells), roles, tuple(phones))


def side_by_side(columns: ColumnMap, rows: Sequence[Sequence[object]] = ()) -> list[tuple[slice, ColumnMap]]:
    """The tables a header row heads, each with the columns it spans (as `slice`) and its roles within them: one,
    or several side by side (a morning and an afternoon list under the same headers: where the name's header, or
    the first column's, comes again, word for word, a table starts, as long as the columns from it make one whose
    date header, or a day agenda's time header, is the first table's too). "Nom anesthésiste" beside "Date
    consultation anesthésie" is no second table. A header of two rows is left whole. `columns` comes completed
    (`find_header`); each table cut from it is completed from its part of `rows`, the first rows below the
    header."""
    name = columns.roles.get("patient", columns.roles.get("last_name"))
    if columns.two_rows or name is None:
        return [(slice(None), columns)]
    undated = columns.day is not None  # a day agenda (its day from its title): its tables share their time's header
    moments = DATE_ROLES + ("time",) * undated
    dates = {fold(columns.headers[columns.roles[role]]) for role in moments if role in columns.roles}
    leftmost = next(index for index, header in enumerate(columns.headers) if header.strip())
    for start in range(name + 1, len(columns.headers)):  # where the name's or the first column's header comes again
        if fold(columns.headers[start]) not in (fold(columns.headers[name]), fold(columns.headers[leftmost])):
            continue
        first = map_columns(columns.row_number, columns.headers[:start], undated)
        rest = map_columns(columns.row_number, columns.headers[start:], undated)
        if first is not None and rest is not None and dates & {
                fold(rest.headers[rest.roles[role]]) for role in moments if role in rest.roles}:
            first, rest = replace(first, day=columns.day), replace(rest, day=columns.day)
            below = [row[start:] for row in rows]
            return [(slice(0, start), _completed(first, [row[:start] for row in rows])), *(
                (slice(start + (cut.start or 0), None if cut.stop is None else start + cut.stop), table)
                for cut, table in side_by_side(_completed(rest, below), below))]
    return [(slice(None), columns)]


def find_header(rows: Iterable[tuple[int, Sequence[object]]], names: Sequence[str | None] = ()) -> ColumnMap | None:
    """The header among the first non-empty rows: the one naming the most roles (the first of equals), each row
    taken with the row of header words right below it when that names at least as many roles. Without one naming
    a date, a header naming a patient and a time (a doctor's day agenda) when the one day of the rows comes from
    the title above it ("Consultations du mardi 19/04/2022", "Date :" | 19/04/2022), else from `names` (the
    sheet's, then the file's)."""
    searched: list[tuple[int, Sequence[object]]] = []
    filled = 0
    for row in rows:
        searched.append(row)
        filled += 1 if any(row[1]) else 0
        if filled >= HEADER_SEARCH_ROWS:
            break
    best: ColumnMap | None = None
    for (row_number, cells), below in zip(searched, [*searched[1:], None]):
        if not any(cells):
            continue
        found = map_columns(row_number, cells)
        if below is not None:
            found = _with_row_below(cells, found, *below)
        if found and (best is None or _score(found) > _score(best)):
            best = found
    if best is None:
        return _undated_header(searched, names)
    below = [cells for number, cells in searched if number > best.row_number]
    return None if _names_are_counts(best, below) else _completed(best, below)


def header_among_rows(row_number: int, cells: Sequence[object], below: Sequence[Sequence[object]],
                      undated: bool = False) -> ColumnMap | None:
    """A header row met among a table's rows (a table stacked under the first, its columns laid out otherwise),
    completed from the rows `below` it; None when the row heads no list of patients. A row with two cells of data
    (a date, a time, a phone) is none, without looking further: a whole file's rows may be set aside (an unknown
    site). A header's digits are few ("Tél 2")."""
    if sum(map(_data_cell, cells)) > 1:
        return None
    found = map_columns(row_number, cells, undated)
    return None if found is None or _names_are_counts(found, below) else _completed(found, below)


def _data_cell(cell: object) -> bool:
    """A cell no header holds: a number or a date, or text with three digits or more ("8:30", "21/04", a phone)."""
    if isinstance(cell, str):
        return sum(map(str.isdigit, cell)) >= 3
    return is_filled(cell)


def _completed(columns: ColumnMap, rows: Sequence[Sequence[object]]) -> ColumnMap:
    """A header's roles completed from the rows below it: a merged "Patient" over the first name, the time beside
    the date, phone numbers under a header naming nothing of ours."""
    return _phones_by_values(_time_beside_date(_name_over_two_columns(columns, rows), rows), rows)


PHONES_SHARE = 0.8  # of a column's filled cells below the header, at least, are phone numbers written as such


def _phones_by_values(columns: ColumnMap, rows: Sequence[Sequence[object]]) -> ColumnMap:
    """Columns whose header names nothing of ours ("Contact", or none) but whose cells are phone numbers written as
    such (from 0 or +, mobiles or landlines): phone columns too. A header naming an identifier ("N° dossier") or
    another role, and numbers written bare (a file number may read as a number), never make one."""
    taken = {*columns.roles.values(), *columns.phones}
    found = []
    for index, header in enumerate(columns.headers):
        if index in taken or column_match(header) is not None or IDENTIFIER_WORDS.intersection(tokens(header)):
            continue
        values = _filled_in(index, rows)
        written = [value for value in values if isinstance(value, str) and value.strip()[:1] in ("0", "+")]
        usable = sum(phone_info((value,)).kind in ("mobile", "landline") for value in written)
        if values and usable >= PHONES_SHARE * len(values):
            found.append(index)
    return replace(columns, phones=tuple(sorted((*columns.phones, *found)))) if found else columns


def _filled_in(index: int, rows: Sequence[Sequence[object]]) -> list[object]:
    """A column's filled cells in these rows."""
    return [row[index] for row in rows if index < len(row) and is_filled(row[index])]


def _undated_header(searched: Sequence[tuple[int, Sequence[object]]], names: Sequence[str | None]) -> ColumnMap | None:
    """The first row naming a patient and a time, dated by the title above it or by `names`; None without one day."""
    for row_number, cells in searched:
        found = map_columns(row_number, cells, undated=True) if any(cells) else None
        if found is None:
            continue
        title = [cell for number, row in searched if number < row_number and not is_caption(row) for cell in row]
        day = day_named(title) or next(filter(None, (day_named([name]) for name in names if name)), None)
        if day is None:
            return None
        below = [row for number, row in searched if number > row_number]
        return None if _names_are_counts(found, below) else replace(_completed(found, below), day=day)
    return None


def _names_are_counts(columns: ColumnMap, rows: Sequence[Sequence[object]]) -> bool:
    """The name column holds numbers only: a summary ("Date | Médecin | Patients": how many each day), no list of
    patients."""
    values = _filled_in(columns.roles.get("patient", columns.roles.get("last_name")), rows)
    return bool(values) and all(
        (isinstance(value, (int, float)) and not isinstance(value, bool))
        or (isinstance(value, str) and value.strip().isdigit()) for value in values)


NAME_WORDS_MOST = 3  # words a first name has at most ("Marie Louise Anne")
NAMED_SHARE = 0.8  # of the rows with data that give a first name, at least (a totals line or a caption gives none)
NAMES_DISTINCT = 3  # first names differ: a column of two or three values over its rows is rather a yes/no, a sex


def _name_over_two_columns(columns: ColumnMap, rows: Sequence[Sequence[object]]) -> ColumnMap:
    """A "Patient" header over two columns (a merged cell: the family name under it, the first name in the column
    after it, whose header is empty) read as the last and the first name: when, in the rows below, the column after
    holds a few words without a digit, in most rows with data and nothing else in the others, and not the same two
    words over and over. Else (an unnamed column of notes, numbers, a sex, a yes or no, or mostly nothing) the
    columns as they are."""
    index = columns.roles.get("patient")
    after = None if index is None else index + 1
    if after is None or "first_name" in columns.roles or after >= len(columns.headers) \
            or columns.headers[after].strip():
        return columns
    filled = [row for row in rows if any(row)]
    values = [row[after] for row in filled if after < len(row) and row[after]]
    if len(values) < NAMED_SHARE * len(filled) or len(set(values)) < min(len(values), NAMES_DISTINCT) or not all(
            isinstance(value, str) and sum(character.isalpha() for character in value) >= 2
            and len(value.split()) <= NAME_WORDS_MOST and not any(character.isdigit() for character in value)
            for value in values):
        return columns
    roles = {role: at for role, at in columns.roles.items() if role != "patient"}
    return replace(columns, roles={**roles, "last_name": index, "first_name": after})


TIMES_SHARE = 0.8  # of a column's filled cells below the header, at least, hold a time of day (and no date)


def _time_beside_date(columns: ColumnMap, rows: Sequence[Sequence[object]]) -> ColumnMap:
    """Two columns or more naming the appointment's moment ("Appointment" and "Start", "Afspraak" and "Tijdstip"),
    and none its date or its time: the best named of those whose cells below are times of day holds the time, and
    the best named of the others the date (else the time was lost: every appointment at midnight)."""
    if "date" in columns.roles or "time" in columns.roles or "datetime" not in columns.roles:
        return columns
    named = sorted(((column_match(header)[1], -index), index) for index, header in enumerate(columns.headers)
                   if column_role(header) == "datetime")
    ranked = [index for _, index in reversed(named)]  # the best named first
    times = [index for index in ranked if _holds_times(index, rows)]
    dates = [index for index in ranked if index not in times]
    if len(ranked) < 2 or not times or not dates:
        return columns
    return replace(columns, roles={**columns.roles, "datetime": dates[0], "time": times[0]})


def _holds_times(index: int, rows: Sequence[Sequence[object]]) -> bool:
    values = _filled_in(index, rows)
    plain = sum(to_time(value) is not None and to_date(value) is None for value in values)
    return bool(values) and plain >= TIMES_SHARE * len(values)


def _with_row_below(cells: Sequence[object], alone: ColumnMap | None, row_number: int,
                    below: Sequence[object]) -> ColumnMap | None:
    """The header of two rows when `below` holds header words only under a header row (one naming two roles, not a
    title) and, read with it, names at least as many roles as alone; else `alone`. (Should `below` alone name more,
    it is the better header itself.)"""
    labels = [cell for cell in below if is_filled(cell)]
    if not labels or not all(_is_header_words(cell) for cell in labels):
        return alone
    if alone is None and sum(column_role(cell) not in (None, "ignore") for cell in cells if isinstance(cell, str)) < 2:
        return alone
    joined = map_columns(row_number, _joined(cells, below))
    if joined is None or _score(joined) < _score(alone):
        return alone
    return replace(joined, two_rows=(_folded(cells), _folded(below)))


def _is_header_words(cell: object) -> bool:
    """Text naming a role in header words only: a date, a time ("8h30"), a phone, a name ("Dr Martin") are data."""
    if not isinstance(cell, str) or any(character.isdigit() for character in cell) or column_role(cell) is None:
        return False
    return all(word in _HEADER_WORDS or any(_contains((word,), alias) for alias, _, _ in _SUFFIX_ALIASES)
               for word in tokens(cell))


def _joined(upper: Sequence[object], lower: Sequence[object]) -> list[str]:
    """Each column's upper text then its lower one. An empty upper cell beside a filled one may be part of it (a
    merged cell): that text is carried right onto the lower labels it leaves in their role ("Patient" onto "Prénom",
    not "Heure" onto "Nom"), up to the first it does not."""
    texts: list[str] = []
    carried = ""
    for index in range(max(len(upper), len(lower))):
        above, under = (_text(row[index]) if index < len(row) else "" for row in (upper, lower))
        if above:
            carried = above
            texts.append(f"{above} {under}".strip())
        elif under and carried and column_role(f"{carried} {under}") == column_role(under):
            texts.append(f"{carried} {under}")
        else:  # the merged cell, if any, ends here
            carried = ""
            texts.append(under)
    return texts


def _text(cell: object) -> str:
    return "" if cell is None else str(cell).strip()


def _folded(row: Sequence[object]) -> tuple[str, ...]:
    """A row as it reads: each cell folded, without the empty cells at its end."""
    texts = [fold(cell) for cell in row]
    while texts and not texts[-1]:
        texts.pop()
    return tuple(texts)


def _score(columns: ColumnMap | None) -> int:
    return 0 if columns is None else len(columns.roles) + len(columns.phones)


# the first words of a line an export prints under or between its rows, in one cell ("Imprimé le 18/04/2022 par
# ...", "Afgedrukt op ...", "Fin de liste"), as `tokens` gives them; "page" and "pagina" only before a number
CAPTION_OPENERS = (("imprime",), ("imprimee",), ("edite",), ("editee",), ("printed",), ("afgedrukt",), ("gedrukt",),
                   ("genere",), ("generated",), ("gegenereerd",), ("exporte",), ("exported",), ("extrait", "le"),
                   ("fin", "de"), ("fin", "du"), ("einde",), ("end", "of"), ("date", "d", "impression"),
                   ("date", "impression"), ("date", "d", "edition"), ("date", "edition"), ("date", "d", "export"),
                   ("date", "export"), ("export", "du"), ("afdrukdatum",), ("datum", "afdruk"), ("print", "date"),
                   ("printdatum",), ("exportdatum",), ("source",), ("confidentiel",), ("confidentielle",),
                   ("confidential",), ("vertrouwelijk",), ("liste", "arretee"), ("rapport", "genere"),
                   ("report", "generated"), ("legende",), ("legend",), ("document", "confidentiel"),
                   ("document", "confidential"), ("vertrouwelijk", "document"), ("ne", "pas", "diffuser"))
PAGE_WORDS = frozenset({"page", "pagina", "blz"})
CAPTION_CELLS_MOST = 2  # a caption may be written as a label and its value ("Imprimé le :" | "18/04/2022 16:05")
# a part of the day heading the rows below it ("Après-midi", "Namiddag")
DAY_PARTS = frozenset({("matin",), ("matinee",), ("apre", "midi"), ("avant", "midi"), ("midi",), ("soir",),
                       ("soiree",), ("voormiddag",), ("namiddag",), ("ochtend",), ("middag",), ("avond",),
                       ("morning",), ("afternoon",), ("evening",)})


def is_caption(cells: Sequence[object]) -> bool:
    """A line an export prints under or between its rows: a footer alone in its row ("Imprimé le 18/04/2022 par
    secr. Collard", "Page 1/2", "Fin de liste", "Confidentiel"), or as a label and its value ("Imprimé le :" |
    "18/04/2022 16:05"), or a part of the day heading the rows below ("Après-midi")."""
    filled = [cell for cell in cells if is_filled(cell)]
    if not 1 <= len(filled) <= CAPTION_CELLS_MOST or not isinstance(filled[0], str):
        return False
    if len(filled) > 1:
        return is_caption_label(filled[0])
    words = tokens(filled[0])
    if words in DAY_PARTS:
        return True
    if words[:1] and words[0] in PAGE_WORDS:
        return len(words) > 1 and words[1].isdigit()
    return any(words[: len(opener)] == opener for opener in CAPTION_OPENERS)


# how a template says what to type in a column: "(jj/mm/aaaa)", "[hh:mm]", "dd-mm-yyyy", "uu:mm", "(majuscules)"
_FORMAT_PART = r"(?:d{1,2}|j{1,2}|m{1,4}|y{2,4}|a{2,4}|h{1,2}|u{1,2}|s{1,2}|t{1,2})"
_FORMAT_HINT = re.compile(rf"\(.*\)|\[.*\]|{_FORMAT_PART}(?:[/.:\-]{_FORMAT_PART})+", re.IGNORECASE | re.DOTALL)
HINT_CELLS_LEAST = 2  # a line of one text in brackets may be a patient's row that lost the rest: kept with the rejects


def is_format_hint(cells: Sequence[object]) -> bool:
    """A template's line under its header saying how to fill the columns ("(jj/mm/aaaa)" | "(hh:mm)" |
    "(04xx xx xx xx)"): each of its filled cells (two at least) a text in brackets, or a date or time format."""
    filled = [cell for cell in cells if is_filled(cell)]
    return len(filled) >= HINT_CELLS_LEAST and all(
        isinstance(cell, str) and _FORMAT_HINT.fullmatch(cell.strip()) for cell in filled)


def is_caption_label(text: object) -> bool:
    """The label of a caption written in two cells ("Imprimé le :", "Édité par :"): never a patient's name."""
    if not isinstance(text, str) or not text.rstrip().endswith(":"):
        return False
    words = tokens(text)
    return any(words[: len(opener)] == opener for opener in CAPTION_OPENERS)


def is_totals(cells: Sequence[object]) -> bool:
    """A closing totals line: its first filled text (after any counts) starts with Total / Totaal / Totaux /
    Nombre ... or with a count of rows ("2 rendez-vous"), or its only filled cell is a bare count."""
    filled = [cell for cell in cells if is_filled(cell)]
    if len(filled) == 1 and isinstance(filled[0], (int, float)) and not isinstance(filled[0], bool):
        return True
    words = tokens(next((cell for cell in filled if isinstance(cell, str)), ""))
    if len(words) >= 2 and words[0].isdigit() and words[1] in COUNTED_WORDS:
        return True
    return bool(TOTAL_WORDS.intersection(words[:2]))
