"""The one engine factory and the sessions. Every dialect-specific statement of the app lives in this file.

Supported: SQLite (one laptop) and PostgreSQL (several workstations on one database), through their URL.
The same rule on both: one writing transaction at a time, readers never wait.
- SQLite: WAL, foreign keys, a busy timeout; a session's transaction starts with BEGIN IMMEDIATE (the write lock
  is taken before the first read, so what a transaction reads cannot be changed by another before it writes).
- PostgreSQL: a session's transaction first takes a transaction-level advisory lock (the "writer lock"),
  released at commit or rollback; lock waits give up after a while instead of hanging, and so does connecting to a
  server that accepts the connection but never answers; TCP keepalives notice a server gone mid-session.
A read-only session (`session_scope(engine, readonly=True)`, e.g. the board's refresh) takes no lock: it reads one
consistent snapshot and may not write. Never keep a session open while waiting for the user.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Iterable, Iterator

from sqlalchemy import Table, event, text
from sqlalchemy.engine import URL, Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, DatabaseError, DBAPIError, NoSuchModuleError, OperationalError
from sqlmodel import Session, create_engine

from crisis_tui.core.errors import UsageError
from crisis_tui.core.schema import is_current, upgrade
from crisis_tui.i18n import Message

SQLITE_BUSY_TIMEOUT_MS = 30_000
PG_LOCK_TIMEOUT = "30s"
PG_IDLE_IN_TRANSACTION_TIMEOUT = "5min"  # a frozen workstation cannot hold the writer lock for ever
PG_CONNECT_TIMEOUT = 10  # seconds; a server stopped or frozen after accepting the connection is said, not waited for
# a server whose host or network went away mid-session: the connection is given up after about a minute (libpq
# parameters; any of these, or connect_timeout, given in the URL wins)
PG_KEEPALIVES = {"keepalives": 1, "keepalives_idle": 30, "keepalives_interval": 10, "keepalives_count": 3,
                 "tcp_user_timeout": 60_000}
PG_DRIVER = "postgresql+psycopg"  # psycopg 3, the driver crisis-tui ships (the `postgres` extra)
WRITER_LOCK = 0x43524953_54554901  # PostgreSQL advisory lock key: "CRISTUI" + 1
READONLY = "crisis_tui_readonly"  # execution option read by the begin hooks
PG_LOCK_NOT_AVAILABLE = "55P03"
SQLITE_READONLY = 8  # SQLite result codes (the low byte of an extended one, as sqlite3 gives it)
SQLITE_DAMAGED = (11, 26)  # SQLITE_CORRUPT (a damaged or cut-short file), SQLITE_NOTADB (another kind of file)


class DatabaseBusy(UsageError):
    """Another workstation held the write lock for too long; nothing was changed."""


def make_engine(url: str) -> Engine:
    """An engine for an SQLite or PostgreSQL URL. Every PostgreSQL URL (`postgresql://`, `postgres://`, or one naming
    another driver: `+psycopg2`, `+asyncpg`, `+pg8000`) goes through psycopg (3), the driver crisis-tui ships.
    ValueError (its line, without the password): not a URL, a port that is no number, another database, a driver
    that cannot be loaded."""
    try:
        parsed = make_url(url)
        if parsed.port is not None and not 0 < parsed.port < 65536:
            raise ValueError(parsed.port)
    except ArgumentError:
        raise ValueError(Message("error.not_a_url")) from None
    except ValueError:  # a port out of range, or that make_url's int() could not read
        raise ValueError(Message("error.bad_port")) from None
    backend = parsed.get_backend_name()
    if backend in ("postgresql", "postgres"):
        parsed = parsed.set(drivername=PG_DRIVER)
    shown = parsed.render_as_string(hide_password=True)
    try:
        if backend == "sqlite":
            return _sqlite_engine(parsed)
        if backend in ("postgresql", "postgres"):
            return _pg_engine(parsed)
    except (ImportError, NoSuchModuleError) as exc:
        raise ValueError(Message("error.database_driver", url=shown, driver=parsed.get_driver_name(),
                                 reason=exc)) from None
    raise ValueError(Message("error.unsupported_database", url=shown))


def _sqlite_engine(parsed: URL) -> Engine:
    engine = create_engine(parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
    path = parsed.database or ""
    if path and path != ":memory:" and not path.startswith("file:"):
        try:
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ValueError(Message("error.database_folder", url=path, reason=exc.strerror or exc)) from None
    event.listen(engine, "connect", _sqlite_connect)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _pg_engine(parsed: URL) -> Engine:
    connect_args = {"connect_timeout": PG_CONNECT_TIMEOUT, **PG_KEEPALIVES}
    engine = create_engine(parsed, pool_pre_ping=True,
                           connect_args={k: v for k, v in connect_args.items() if k not in parsed.query})
    event.listen(engine, "connect", _pg_connect)
    event.listen(engine, "begin", _pg_begin)
    return engine


SQLITE_CACHE_KIB = 65536  # index pages kept in memory: an import's inserts land all over the indexes
SQLITE_PAGE_SIZE = 8192  # for a new database: fewer page splits when an import fills the indexes (~15% faster)


def _sqlite_connect(dbapi_connection, _record) -> None:
    dbapi_connection.isolation_level = None  # the begin hook emits BEGIN itself
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA page_size={SQLITE_PAGE_SIZE}")  # no effect once the database has tables, or in WAL
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA cache_size=-{SQLITE_CACHE_KIB}")
    cursor.close()


def _sqlite_begin(conn: Connection) -> None:
    conn.exec_driver_sql("BEGIN" if conn.get_execution_options().get(READONLY) else "BEGIN IMMEDIATE")


def _pg_connect(dbapi_connection, _record) -> None:
    with dbapi_connection.cursor() as cursor:
        cursor.execute(f"SET lock_timeout = '{PG_LOCK_TIMEOUT}'")
        cursor.execute(f"SET idle_in_transaction_session_timeout = '{PG_IDLE_IN_TRANSACTION_TIMEOUT}'")
    dbapi_connection.commit()


def _pg_begin(conn: Connection) -> None:
    if not conn.get_execution_options().get(READONLY):
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({WRITER_LOCK})")


def lock_writes(session: Session) -> None:
    """Make sure this session's transaction holds the writer lock (a no-op when it already does, as sessions
    from `session_scope` do; SQLite never lets two transactions write at once)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"SELECT pg_advisory_xact_lock({WRITER_LOCK})"))


def reset_sequences(connection: Connection, tables: Iterable[Table]) -> None:
    """After rows were inserted with their ids: the next id of each table follows its largest (PostgreSQL)."""
    if connection.dialect.name != "postgresql":
        return
    quote = connection.dialect.identifier_preparer.quote
    for table in tables:
        column = table.autoincrement_column
        if column is None:
            continue
        name, col = quote(table.name), quote(column.name)
        connection.execute(text(
            f"SELECT setval(pg_get_serial_sequence(:table, :column), COALESCE(MAX({col}), 1), MAX({col}) IS NOT NULL)"
            f" FROM {name}"
        ), {"table": name, "column": column.name})


def readonly_bind(engine: Engine) -> Engine:
    """The engine as read-only sessions use it: no writer lock, one snapshot (PostgreSQL: repeatable read)."""
    if engine.dialect.name == "postgresql":
        return engine.execution_options(**{READONLY: True}, isolation_level="REPEATABLE READ", postgresql_readonly=True)
    return engine.execution_options(**{READONLY: True})


def create_schema(engine: Engine) -> None:
    """Create or upgrade the schema (see `crisis_tui.core.schema`) when it is not current. The first contact with
    the database: a server that does not answer, a wrong password, a missing database, or a connection option the
    driver refuses (another driver's, e.g. asyncpg's `ssl`) is said here, in one line."""
    with _unreachable_in_one_line(engine, DBAPIError):
        connection = readonly_bind(engine).connect()
    with _unreachable_in_one_line(engine, OperationalError):
        with connection:  # read-only: opening a database another workstation is writing to does not wait for it
            current = is_current(connection)
        if not current:
            upgrade(engine)


@contextmanager
def _unreachable_in_one_line(engine: Engine, errors: type[DBAPIError]) -> Iterator[None]:
    try:
        with _said_in_one_line(engine):
            yield
    except errors as exc:
        reason = str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc.orig).__name__
        raise UsageError(Message("error.database", url=engine.url.render_as_string(hide_password=True),
                                 reason=reason)) from exc


@contextmanager
def _said_in_one_line(engine: Engine) -> Iterator[None]:
    """What the user can act on becomes one line (a UsageError; the transaction was rolled back): a wait for the
    writer lock that timed out (DatabaseBusy), an SQLite file that cannot be written, or that is damaged or no
    database at all."""
    try:
        yield
    except DatabaseError as exc:
        if "database is locked" in str(exc.orig) or getattr(exc.orig, "sqlstate", None) == PG_LOCK_NOT_AVAILABLE:
            raise DatabaseBusy(Message("error.database_busy")) from exc
        code = getattr(exc.orig, "sqlite_errorcode", 0) & 0xFF
        if code == SQLITE_READONLY:
            raise UsageError(Message("error.readonly_database", path=engine.url.database)) from exc
        if code in SQLITE_DAMAGED:
            raise UsageError(Message("error.damaged_database", path=engine.url.database)) from exc
        raise


def _refuse_writes(session, _context, _instances) -> None:
    raise RuntimeError("a read-only session cannot write: use session_scope(engine) for changes")


@contextmanager
def session_scope(engine: Engine, *, readonly: bool = False) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back on any exception. A writing transaction
    waits for the one in progress on another workstation; `readonly` ones never wait and cannot write."""
    bind = readonly_bind(engine) if readonly else engine
    with _said_in_one_line(engine), Session(bind, expire_on_commit=False) as session:
        if readonly:
            event.listen(session, "before_flush", _refuse_writes)
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
