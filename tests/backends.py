"""Database back ends for the store tests: SQLite always; PostgreSQL when
$OCOP_DOCS_TEST_PG_URL names a server (scripts/run-tests.sh starts a throw-away one through
scripts/services.sh). Each test gets an empty database of its own: a fresh SQLite file, or a
fresh PostgreSQL schema (dropped afterwards) named in the URL's search_path."""
from __future__ import annotations

import os
import uuid
from urllib.parse import quote

import pytest
import sqlalchemy as sa

PG_ENV = "OCOP_DOCS_TEST_PG_URL"
BACKENDS = ("sqlite", "postgresql")


def pg_url() -> str | None:
    return os.environ.get(PG_ENV) or None


def new_db_url(backend: str, folder) -> tuple[str, object]:
    """(URL or path of an empty database, cleanup callable)."""
    if backend == "sqlite":
        return str(folder / f"store-{uuid.uuid4().hex[:8]}.sqlite3"), lambda: None
    base = pg_url()
    if not base:
        pytest.skip(f"PostgreSQL: set {PG_ENV} (scripts/run-tests.sh starts a server)")
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(base, poolclass=sa.pool.NullPool)
    with admin.begin() as conn:
        conn.exec_driver_sql(f"CREATE SCHEMA {name}")
    admin.dispose()
    sep = "&" if "?" in base else "?"
    url = f"{base}{sep}options={quote(f'-csearch_path={name}')}"

    def drop():
        eng = sa.create_engine(base, poolclass=sa.pool.NullPool)
        with eng.begin() as conn:
            conn.exec_driver_sql(f"DROP SCHEMA IF EXISTS {name} CASCADE")
        eng.dispose()
    return url, drop


def dispose_engines() -> None:
    """Close pooled connections of stores a test opened (a schema cannot be dropped while
    a connection holds a lock in it)."""
    import gc

    for obj in gc.get_objects():
        if isinstance(obj, sa.Engine):
            obj.dispose()
