"""Versioned schema migrations.

`schema_version` holds one row per applied step. `MIGRATIONS` is the ordered list of steps;
`migrate(engine)` applies the missing ones, each in its own transaction. A new schema change is
a new step appended here (and the matching change in task_graph.schema); steps already
released are never edited.
"""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

import sqlalchemy as sa

from task_graph import schema

V1_TABLES = ("files", "agencies", "agency_aliases", "agency_merges", "places", "documents",
             "citations", "tasks", "task_agencies", "task_status", "status_history")


V2_TABLES = ("reminder_letters", "reminder_letter_tasks")


def _v1_initial(conn: sa.Connection) -> None:
    schema.metadata.create_all(conn, tables=[schema.metadata.tables[n] for n in V1_TABLES])


def _v2_reminders(conn: sa.Connection) -> None:
    # checkfirst: databases where ocop_docs.letters.ledger already created them keep their rows
    schema.metadata.create_all(conn, tables=[schema.metadata.tables[n] for n in V2_TABLES],
                               checkfirst=True)


def _v3_versions(conn: sa.Connection) -> None:
    # a database made by step 1 of this code already has the columns (create_all)
    for table in ("documents", "tasks"):
        if "version" not in {c["name"] for c in sa.inspect(conn).get_columns(table)}:
            conn.execute(sa.text(f"ALTER TABLE {table} "
                                 "ADD COLUMN version INTEGER NOT NULL DEFAULT 1"))


MIGRATIONS: list[tuple[int, str, Callable[[sa.Connection], None]]] = [
    (1, "initial schema: files, documents, agencies, tasks, citations, statuses", _v1_initial),
    (2, "reminder letters: reminder_letters, reminder_letter_tasks", _v2_reminders),
    (3, "record versions: documents.version, tasks.version", _v3_versions),
]
LATEST = MIGRATIONS[-1][0]


def current_version(conn: sa.Connection) -> int:
    if not sa.inspect(conn).has_table("schema_version"):
        return 0
    return conn.execute(sa.select(sa.func.max(schema.schema_version.c.version))).scalar() or 0


def migrate(engine: sa.Engine) -> list[int]:
    """Apply every pending step; returns the versions applied."""
    with engine.begin() as conn:
        schema.schema_version.create(conn, checkfirst=True)
    applied = []
    for version, description, step in MIGRATIONS:
        with engine.begin() as conn:
            if current_version(conn) >= version:
                continue
            step(conn)
            conn.execute(schema.schema_version.insert().values(
                version=version, description=description,
                applied_at=datetime.now(timezone.utc).replace(tzinfo=None)))
            applied.append(version)
    return applied
