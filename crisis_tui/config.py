"""The home (where the database, the inbox and the outputs live), the language, and the database URL."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from crisis_tui.i18n import Message

BUNDLED_DATA = Path(__file__).resolve().parent / "data"
LANGUAGES = ("fr", "en")


@dataclass(frozen=True)
class Home:
    """A working folder: `data/crisis.db`, `data/inbox/`, `exports/`."""

    root: Path
    db_override: str | None = None
    option: str = field(default="--home", compare=False)  # where the user named it, for the line saying it is unusable
    db_option: str = field(default="--db", compare=False)  # where the user named db_override (--db, CRISIS_TUI_DB)

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
            try:
                return db_url_from(self.db_override)
            except ValueError as exc:
                raise self.unusable_database(exc) from None
        return "sqlite:///" + str(self.data_dir / "crisis.db")

    def unusable_database(self, exc: ValueError) -> ValueError:
        """Why the database URL or path is unusable (`exc`'s line), said after the option that named it."""
        option = self.db_option if self.db_override else self.option
        return ValueError(Message("error.option_reason", option=option, reason=exc.args[0]))

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
        """The home's folders, made when missing; ValueError (its line) when the home is no folder or cannot be made."""
        try:
            self.inbox.mkdir(parents=True, exist_ok=True)
            self.exports.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise _unusable(self.option, self.root, exc) from None
        return self


def db_url_from(value: str) -> str:
    """An SQLAlchemy URL as given, or a file path turned into an SQLite URL."""
    if "://" in value:
        return value
    try:
        return "sqlite:///" + str(Path(value).expanduser().resolve())
    except (OSError, RuntimeError) as exc:  # a symbolic link loop, no home directory for ~
        raise ValueError(Message("error.database", url=value, reason=exc)) from None


def resolve_home(home: str | None = None, db: str | None = None) -> Home:
    """The home the options name (--home, else $CRISIS_TUI_HOME, else the current folder); ValueError (its line) when
    that path cannot be followed."""
    from_environment = os.environ.get("CRISIS_TUI_HOME") if not home else None
    option = "CRISIS_TUI_HOME" if from_environment else "--home"
    given = home or from_environment
    db_option = "--db" if db else "CRISIS_TUI_DB"
    db = db or os.environ.get("CRISIS_TUI_DB") or None
    try:
        return Home(Path(given or os.getcwd()).expanduser().resolve(), db, option, db_option)
    except (OSError, RuntimeError) as exc:  # a symbolic link loop, a current folder removed, no home directory for ~
        raise _unusable(option, given or ".", exc) from None


def _unusable(option: str, path: Path | str, exc: Exception) -> ValueError:
    reason = getattr(exc, "strerror", None) or str(exc)  # "Not a directory", "Symlink loop from '...'"
    return ValueError(Message("error.bad_home", option=option, path=path, reason=reason))
