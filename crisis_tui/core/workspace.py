"""A workspace: the home, its database engine and the reference data, opened once per process."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Engine

from crisis_tui.config import Home
from crisis_tui.core.db import create_schema, make_engine, session_scope
from crisis_tui.core.ingest.parts import remove_stale_parts
from crisis_tui.core.reference import Reference, load_reference, reference_stored, sync_reference


@dataclass
class Workspace:
    home: Home
    engine: Engine
    reference: Reference

    @classmethod
    def open(cls, home: Home) -> "Workspace":
        home.ensure()
        remove_stale_parts(home.data_dir)
        try:
            engine = make_engine(home.db_url)
        except ValueError as exc:
            raise home.unusable_database(exc) from None
        create_schema(engine)
        reference = load_reference(home)
        with session_scope(engine, readonly=True) as session:  # a writing session would wait for another's
            stored = reference_stored(session, reference)
        if not stored:
            with session_scope(engine) as session:
                sync_reference(session, reference)
        return cls(home, engine, reference)

    def session(self, *, readonly: bool = False):
        """A transaction: `with workspace.session() as s: ...`; `readonly=True` never waits for a writer."""
        return session_scope(self.engine, readonly=readonly)

    def close(self) -> None:
        self.engine.dispose()
