"""Which state store a ledger's database has (``projections.state_store`` says what one is)."""

from __future__ import annotations

from ledger.recorder import SideTables

from .state_postgres import PostgresStateStore
from .state_sqlite import SQLiteStateStore
from .state_store import StateStore


def store_for(side: SideTables | None) -> StateStore | None:
    """The state store of a ledger's side tables, or None (no store for that database)."""
    if side is None:
        return None
    if side.dialect == "sqlite":
        return SQLiteStateStore(side)
    if side.dialect == "postgresql":
        return PostgresStateStore(side)
    return None
