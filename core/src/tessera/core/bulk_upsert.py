"""Upsert many records by key in a few statements, and count what changed.

Existing rows are loaded in chunks of keys, new records inserted in one
statement and changed ones updated in one statement; a record equal to its row
is left alone. Columns a record does not name keep their values.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, RowMapping, Table, bindparam, insert, select, text, update

Record = dict[str, Any]
"""Column values of one row, ``key`` included."""

_LOOKUP_CHUNK = 500  # keys per ``IN (...)`` when loading existing rows


@dataclass(frozen=True)
class EntityCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged


def upsert_by_key(connection: Connection, table: Table, records: list[Record]) -> EntityCounts:
    """Insert the records whose key is new and update those that differ from their row."""
    existing = _existing_rows(connection, table, [r["key"] for r in records])
    created = [r for r in records if r["key"] not in existing]
    changed = [r for r in records if r["key"] in existing and _differs(existing[r["key"]], r)]
    if created:
        connection.execute(insert(table), created)
        _refresh_statistics(connection, table)
    if changed:
        by_key = update(table).where(table.c["key"] == bindparam("match_key"))
        connection.execute(by_key, [{"match_key": r["key"]} | _without_key(r) for r in changed])
    return EntityCounts(len(created), len(changed), len(records) - len(created) - len(changed))


def _existing_rows(connection: Connection, table: Table, keys: list[str]) -> dict[str, RowMapping]:
    found: dict[str, RowMapping] = {}
    for start in range(0, len(keys), _LOOKUP_CHUNK):
        query = select(table).where(table.c["key"].in_(keys[start : start + _LOOKUP_CHUNK]))
        found.update((row["key"], row) for row in connection.execute(query).mappings())
    return found


def _differs(row: RowMapping, record: Record) -> bool:
    return any(row[column] != value for column, value in record.items())


def _refresh_statistics(connection: Connection, table: Table) -> None:
    """Let PostgreSQL's planner see the new rows, or it plans the next upsert's key lookups
    as if the table were empty, scanning it whole once per chunk of keys."""
    if connection.dialect.name == "postgresql":
        connection.execute(text(f"ANALYZE {connection.dialect.identifier_preparer.format_table(table)}"))


def _without_key(record: Record) -> Record:
    return {column: value for column, value in record.items() if column != "key"}
