"""The home (where the database, the inbox and the outputs live), the language, and the database URL."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

BUNDLED_DATA = Path(__file__).resolve().parent / "data"
LANGUAGES = ("fr", "en")


@dataclass(frozen=True)
class Home:
    """A working folder: `data/crisis.db`, `data/inbox/`, `exports/`."""

    root: Path
    db_override: str | None = None

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def inbox(self) -> Path:
        return self.data_dir / "inbox"

    @property
    def exports(self) -> Path:
        return self.root / "exports"

    @property
    def rejects(self) -> Path:
        return self.exports / "rejects"

    @property
    def db_url(self) -> str:
        if self.db_override:
            return db_url_from(self.db_override)
        return "sqlite:///" + str(self.data_dir / "crisis.db")

    @property
    def sqlite_file(self) -> Path | None:
        """The SQLite database file, None when the database is elsewhere (a server)."""
        url = self.db_url
        return Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None

    def reference_file(self, name: str) -> Path:
        """A reference CSV: the home's own copy when the cell edited one, else the bundled one."""
        own = self.data_dir / name
        return own if own.is_file() else BUNDLED_DATA / name

    def ensure(self) -> "Home":
        self.inbox.mkdir(parents=True, exist_ok=True)
        self.exports.mkdir(parents=True, exist_ok=True)
        return self


def db_url_from(value: str) -> str:
    """An SQLAlchemy URL as given, or a file path turned into an SQLite URL."""
    if "://" in value:
        return value
    return "sqlite:///" + str(Path(value).expanduser().resolve())


def resolve_home(home: str | None = None, db: str | None = None) -> Home:
    root = home or os.environ.get("CRISIS_TUI_HOME") or os.getcwd()
    db = db or os.environ.get("CRISIS_TUI_DB") or None
    return Home(Path(root).expanduser().resolve(), db)
