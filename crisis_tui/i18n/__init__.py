"""The FR/EN catalog: every label, status name and message template, from the *.toml files beside this one.

Each file holds keys (dotted tables) whose leaves are `{fr = "...", en = "..."}`. French is the default.
"""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

LANGUAGES = ("fr", "en")
_HERE = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def _entries() -> dict[str, dict[str, str]]:
    entries: dict[str, dict[str, str]] = {}
    for path in sorted(_HERE.glob("*.toml")):
        with path.open("rb") as handle:
            _flatten(tomllib.load(handle), "", entries, path.name)
    return entries


def _flatten(table: dict, prefix: str, out: dict[str, dict[str, str]], source: str) -> None:
    for name, value in table.items():
        dotted = f"{prefix}{name}"
        if isinstance(value, dict) and set(value) == set(LANGUAGES) and all(isinstance(v, str) for v in value.values()):
            if dotted in out:
                raise ValueError(f"{source}: key {dotted} is defined twice")
            out[dotted] = value
        elif isinstance(value, dict):
            _flatten(value, dotted + ".", out, source)
        else:
            raise ValueError(f"{source}: {dotted} needs both fr and en")


class Catalog:
    """`Catalog("en").t("status.cancelled")`; unknown keys raise KeyError (a missing label is a bug)."""

    def __init__(self, lang: str = "fr") -> None:
        if lang not in LANGUAGES:
            raise ValueError(f"--lang must be one of {', '.join(LANGUAGES)}, not {lang!r}")
        self.lang = lang

    def t(self, key: str, /, **values: object) -> str:
        text = _entries()[key][self.lang]
        return text.format(**values) if values else text

    def has(self, key: str) -> bool:
        return key in _entries()


class Message(str):
    """A line for people, kept with its catalog key and values: str() (and so equality, JSON, logs) is the English
    line; `said(catalog)` says it in the reader's language (values that are Messages too are said the same way)."""

    key: str
    values: dict[str, object]

    def __new__(cls, key: str, /, **values: object) -> "Message":
        message = super().__new__(cls, Catalog("en").t(key, **values))
        message.key, message.values = key, values
        return message

    def said(self, catalog: Catalog) -> str:
        values = {name: value.said(catalog) if isinstance(value, Message) else value
                  for name, value in self.values.items()}
        return catalog.t(self.key, **values)


def all_keys() -> dict[str, dict[str, str]]:
    return dict(_entries())
