"""Sites and activities from the reference CSVs, the alias matcher, and their copy in the database."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session, SQLModel, select

from crisis_tui.config import Home
from crisis_tui.core.errors import UsageError
from crisis_tui.core.models import Activity, Site
from crisis_tui.core.text import place_tokens
from crisis_tui.i18n import Message

SITE_KINDS = ("hospital", "rest_home", "sampling_centre")
# words that join names in a title ("Radiologie – Hôpital de Bastogne", "Agenda du site de Bastogne", "Liste des
# rendez-vous - Radiologie"), as `place_tokens` gives them
TITLE_WORDS = frozenset(
    "a au aux d de du des en et l la le les the of and at in op te van het voor for par pour "
    "agenda planning liste lijst list programme programma schedule rendez vou rdv afspraak afspraken appointment "
    "patient patienten site campus service dienst department jour journee dag day semaine week".split()
)
CHANNELS = ("sms", "call")


class Ambiguous(ValueError):
    """A value that names two different codes."""


@dataclass(frozen=True)
class Matcher:
    """Finds the one code a free-text value names: exact alias first, else aliases contained as whole words, a name
    found inside a longer one found at the same place not counting ("PET CT thorax" is PET CT, not also CT)."""

    names: dict[str, tuple[str, ...]]  # code -> its code, name and aliases, as typed
    _exact: dict[str, str] = field(init=False, repr=False)
    _phrases: tuple[tuple[tuple[str, ...], str], ...] = field(init=False, repr=False)
    words: frozenset[str] = field(init=False, repr=False)  # every word of every name
    shared: frozenset[str] = field(init=False, repr=False)  # the words of names of two codes or more ("vivalia")

    def __post_init__(self) -> None:
        exact: dict[str, str] = {}
        phrases: list[tuple[tuple[str, ...], str]] = []
        for code, names in self.names.items():
            for name in names:
                words = place_tokens(name)
                if not words:
                    continue
                exact.setdefault(" ".join(words), code)
                phrases.append((words, code))
        object.__setattr__(self, "_exact", exact)
        object.__setattr__(self, "_phrases", tuple(phrases))
        object.__setattr__(self, "words", frozenset(word for words, _ in phrases for word in words))
        codes_of: dict[str, set[str]] = {}
        for words, code in phrases:
            for word in words:
                codes_of.setdefault(word, set()).add(code)
        object.__setattr__(self, "shared", frozenset(word for word, codes in codes_of.items() if len(codes) > 1))

    def vague(self, value: object) -> bool:
        """Whether `value` names none in particular, only with words their names share or titles use: the group's
        name ("Vivalia"), "Hôpital"; not a place of its own ("Clinique Saint-Luc", "Namur")."""
        words = place_tokens(value)
        return bool(words) and all(word in self.shared or word in TITLE_WORDS for word in words)

    def exact(self, value: object) -> str | None:
        """The code one of whose names `value` is, word for word (case, accents, punctuation ignored), else None."""
        return self._exact.get(" ".join(place_tokens(value)))

    def find(self, value: object) -> str | None:
        """The code named by `value`, None when none is; raises Ambiguous when two are."""
        words = place_tokens(value)
        if not words:
            return None
        exact = self._exact.get(" ".join(words))
        if exact:
            return exact
        spans = [(start, start + len(phrase), code) for phrase, code in self._phrases
                 for start in _places(words, phrase)]
        found = {code for start, end, code in spans
                 if not any(s <= start and end <= e and e - s > end - start for s, e, _ in spans)}
        if len(found) > 1:
            raise Ambiguous(", ".join(sorted(found)))
        return found.pop() if found else None


def _places(words: tuple[str, ...], phrase: tuple[str, ...]) -> list[int]:
    """Where `phrase` starts among `words`, word for word."""
    n = len(phrase)
    return [i for i in range(len(words) - n + 1) if words[i : i + n] == phrase]


@dataclass(frozen=True)
class Reference:
    sites: tuple[Site, ...]
    activities: tuple[Activity, ...]
    site_matcher: Matcher
    activity_matcher: Matcher

    def only_names(self, value: object) -> bool:
        """Whether every word of `value` is a word of a site's or an activity's names (or of titles), as a
        title's are: "Radiologie – Hôpital de Bastogne" and "Vivalia – Princesse Paola" are, "Bastogne Marie" (a
        patient) is not."""
        words = place_tokens(value)
        return bool(words) and all(word in self.site_matcher.words or word in self.activity_matcher.words
                                   or word in TITLE_WORDS for word in words)

    def site(self, code: str) -> Site:
        return next(s for s in self.sites if s.code == code)

    def activity(self, code: str) -> Activity:
        return next(a for a in self.activities if a.code == code)

    def find_site(self, value: object) -> str | None:
        return self.site_matcher.find(value)

    def find_activity(self, value: object) -> str | None:
        return self.activity_matcher.find(value)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [{k.strip(): (v or "").strip() for k, v in row.items() if k} for row in csv.DictReader(handle)]


def _aliases(row: dict[str, str]) -> list[str]:
    return [a.strip() for a in row.get("aliases", "").split("|") if a.strip()]


def load_reference(home: Home) -> Reference:
    """Read sites.csv and activities.csv (the home's copy first); raise ValueError naming a bad line."""
    sites, activities = [], []
    site_names: dict[str, tuple[str, ...]] = {}
    activity_names: dict[str, tuple[str, ...]] = {}
    sites_path = home.reference_file("sites.csv")
    for line, row in enumerate(_rows(sites_path), start=2):
        if row.get("kind") not in SITE_KINDS:
            raise ValueError(Message("error.bad_site_kind", file=sites_path, line=line, kinds=", ".join(SITE_KINDS)))
        code = row["code"].upper()
        sites.append(
            Site(code=code, name=row["name"], kind=row["kind"], callback_phone=row.get("callback_phone", ""),
                 order=int(row.get("order") or line))
        )
        site_names[code] = (code, row["name"], *_aliases(row))
    activities_path = home.reference_file("activities.csv")
    for line, row in enumerate(_rows(activities_path), start=2):
        if row.get("channel") not in CHANNELS:
            raise ValueError(Message("error.bad_channel", file=activities_path, line=line))
        code = row["code"]
        activities.append(
            Activity(code=code, label_fr=row["label_fr"], label_en=row["label_en"], channel=row["channel"],
                     patient_level=row.get("patient_level", "").lower() in ("true", "1", "yes", "oui"),
                     order=int(row.get("order") or line))
        )
        activity_names[code] = (code, row["label_fr"], row["label_en"], *_aliases(row))
    sites.sort(key=lambda s: (SITE_KINDS.index(s.kind), s.order))
    activities.sort(key=lambda a: a.order)
    return Reference(tuple(sites), tuple(activities), Matcher(site_names), Matcher(activity_names))


def _unstored(session: Session, reference: Reference) -> list[tuple[type[SQLModel], SQLModel, SQLModel | None]]:
    """Each site and activity the database lacks (with None) or holds otherwise (with the stored row)."""
    found = []
    for model, rows in ((Site, reference.sites), (Activity, reference.activities)):
        existing = {row.code: row for row in session.exec(select(model))}
        for row in rows:
            stored = existing.get(row.code)
            if stored is None or stored.model_dump() != row.model_dump():
                found.append((model, row, stored))
    return found


def reference_stored(session: Session, reference: Reference) -> bool:
    """Whether the database holds the sites and activities as they are: then `sync_reference` has nothing to do,
    and a read-only session can tell (no wait for another workstation's writing transaction)."""
    return not _unstored(session, reference)


def sync_reference(session: Session, reference: Reference) -> None:
    """Insert or update sites and activities in the database (codes are never deleted: history refers to them)."""
    for model, row, stored in _unstored(session, reference):
        if stored is None:
            session.add(model.model_validate(row.model_dump()))
        else:
            for name, value in row.model_dump().items():
                setattr(stored, name, value)
    session.flush()


def resolve_code(value: str, matcher: Matcher, what: str) -> str:
    """A code from a CLI option value (code, name or alias); UsageError with a one-line reason otherwise."""
    try:
        code = matcher.find(value)
    except Ambiguous as exc:
        raise UsageError(Message("error.ambiguous_code", what=what, value=value, codes=str(exc))) from exc
    if code is None:
        raise UsageError(Message("error.unknown_code", what=what, value=value))
    return code

