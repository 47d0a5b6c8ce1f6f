"""Versioned schema migrations.

`schema_version` holds one row per applied step. `MIGRATIONS` is the ordered list of steps;
`migrate(engine)` applies the missing ones, each in its own transaction. A new schema change is
a new step appended here (and the matching change in task_graph.schema); steps already
released are never edited.

Several processes may open a fresh database at once (two ingests, a web server and its
workers): a store that is up to date is only read; otherwise the steps run under the
database's write lock (`schema_lock`: SQLite's BEGIN IMMEDIATE, a PostgreSQL advisory lock),
so one process applies them and the others find them applied.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timezone

import sqlalchemy as sa

from task_graph import schema

V1_TABLES = ("files", "agencies", "agency_aliases", "agency_merges", "places", "documents",
             "citations", "tasks", "task_agencies", "task_status", "status_history")


V2_TABLES = ("reminder_letters", "reminder_letter_tasks")
SCHEMA_LOCK_ID = 0x0C0B_D0C5          # pg_advisory_xact_lock key of schema changes


@contextmanager
def write_transaction(engine: sa.Engine, *, lock_id: int | None = None
                      ) -> Iterator[sa.Connection]:
    """A transaction that holds the database's write lock from its first statement, so a
    check-then-write inside it cannot race another process: SQLite `BEGIN IMMEDIATE` (others
    wait, up to the busy timeout); on PostgreSQL, with `lock_id`, a transaction-scoped
    advisory lock on that number (row writes need none: unique violations are retried)."""
    with engine.begin() as conn:
        if conn.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        elif lock_id is not None and conn.dialect.name == "postgresql":
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(lock_id)))
        yield conn


@contextmanager
def schema_lock(engine: sa.Engine) -> Iterator[sa.Connection]:
    """The transaction schema changes run in (migrations, the web's own tables)."""
    with write_transaction(engine, lock_id=SCHEMA_LOCK_ID) as conn:
        yield conn


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


def _v4_text_identity(conn: sa.Connection) -> None:
    from task_graph.text import text_identity

    files = schema.files
    if "text_sha256" not in {c["name"] for c in sa.inspect(conn).get_columns("files")}:
        conn.exec_driver_sql("ALTER TABLE files ADD COLUMN text_sha256 VARCHAR(64)")
    for index in files.indexes:
        if index.name == "ix_files_text_sha256":
            index.create(conn, checkfirst=True)
    rows = conn.execute(sa.select(files.c.id, files.c.text)
                        .where(files.c.text_sha256.is_(None))).all()
    for row in rows:
        digest = text_identity(row.text)
        if digest:
            conn.execute(files.update().where(files.c.id == row.id)
                         .values(text_sha256=digest))


SEARCH_INDEXES = {"documents": "ix_documents_search", "tasks": "ix_tasks_search"}


def _v5_search(conn: sa.Connection) -> None:
    """Folded text to search in; on PostgreSQL a GIN index over its words
    (to_tsvector('simple', search_key): no stemming, no accents)."""
    from task_graph.text import document_search_key, search_key

    for name in ("documents", "tasks"):
        if "search_key" not in {c["name"] for c in sa.inspect(conn).get_columns(name)}:
            conn.exec_driver_sql(f"ALTER TABLE {name} ADD COLUMN search_key TEXT")
        if conn.dialect.name == "postgresql":
            conn.exec_driver_sql(f"CREATE INDEX IF NOT EXISTS {SEARCH_INDEXES[name]} ON {name} "
                                 f"USING gin (to_tsvector('simple', coalesce(search_key, '')))")
    docs, tasks = schema.documents, schema.tasks
    _backfill(conn, docs, [docs.c.doc_type, docs.c.number, docs.c.subject, docs.c.issuer],
              lambda r: document_search_key(r.doc_type, r.number, r.subject, r.issuer))
    _backfill(conn, tasks, [tasks.c.action], lambda r: search_key(r.action))


def _backfill(conn, table: sa.Table, columns, compute, batch: int = 20_000) -> None:
    """Fill table.search_key where it is NULL, by id ranges, one executemany per batch."""
    last = 0
    update = (table.update().where(table.c.id == sa.bindparam("row_id"))
              .values(search_key=sa.bindparam("key")))
    while True:
        rows = conn.execute(sa.select(table.c.id, *columns)
                            .where(table.c.id > last, table.c.search_key.is_(None))
                            .order_by(table.c.id).limit(batch)).all()
        if not rows:
            return
        conn.execute(update, [{"row_id": r.id, "key": compute(r)} for r in rows])
        last = rows[-1].id


# Step 6: task_agencies keeps a copy of its task's status, next_due and doc_date, so the
# tasks a set of agencies owes are read in due order from one index (ix_task_agencies_open_due)
# instead of by looking up every task given to them, and every agency's open tasks are paged
# (even by offset) from ix_task_agencies_role_agency_open without reading a task row. Triggers keep the copy: a link takes its
# task's values when inserted, and a change of a task's values reaches all its links.
COPIED_TASK_COLUMNS = ("status", "next_due", "doc_date")
TASK_COPY_TRIGGERS = {
    "sqlite": [
        """CREATE TRIGGER IF NOT EXISTS tr_task_agencies_copy_task AFTER INSERT ON task_agencies
        BEGIN
            UPDATE task_agencies SET (status, next_due, doc_date) =
                (SELECT t.status, t.next_due, t.doc_date FROM tasks t WHERE t.id = NEW.task_id)
            WHERE task_id = NEW.task_id AND agency_id = NEW.agency_id AND role = NEW.role;
        END""",
        """CREATE TRIGGER IF NOT EXISTS tr_task_agencies_moved AFTER UPDATE OF task_id
        ON task_agencies
        BEGIN
            UPDATE task_agencies SET (status, next_due, doc_date) =
                (SELECT t.status, t.next_due, t.doc_date FROM tasks t WHERE t.id = NEW.task_id)
            WHERE task_id = NEW.task_id AND agency_id = NEW.agency_id AND role = NEW.role;
        END""",
        """CREATE TRIGGER IF NOT EXISTS tr_tasks_copy_to_agencies
        AFTER UPDATE OF status, next_due, doc_date ON tasks
        BEGIN
            UPDATE task_agencies SET status = NEW.status, next_due = NEW.next_due,
                doc_date = NEW.doc_date
            WHERE task_id = NEW.id;
        END""",
    ],
    "postgresql": [
        """CREATE OR REPLACE FUNCTION task_agencies_copy_task() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            SELECT t.status, t.next_due, t.doc_date INTO NEW.status, NEW.next_due, NEW.doc_date
            FROM tasks t WHERE t.id = NEW.task_id;
            RETURN NEW;
        END $$""",
        "DROP TRIGGER IF EXISTS tr_task_agencies_copy_task ON task_agencies",
        """CREATE TRIGGER tr_task_agencies_copy_task
        BEFORE INSERT OR UPDATE OF task_id ON task_agencies
        FOR EACH ROW EXECUTE FUNCTION task_agencies_copy_task()""",
        """CREATE OR REPLACE FUNCTION tasks_copy_to_agencies() RETURNS trigger
        LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE task_agencies SET status = NEW.status, next_due = NEW.next_due,
                doc_date = NEW.doc_date
            WHERE task_id = NEW.id;
            RETURN NULL;
        END $$""",
        "DROP TRIGGER IF EXISTS tr_tasks_copy_to_agencies ON tasks",
        """CREATE TRIGGER tr_tasks_copy_to_agencies
        AFTER UPDATE OF status, next_due, doc_date ON tasks FOR EACH ROW
        WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.next_due IS DISTINCT FROM NEW.next_due
              OR OLD.doc_date IS DISTINCT FROM NEW.doc_date)
        EXECUTE FUNCTION tasks_copy_to_agencies()""",
    ],
}


def _v6_task_copy(conn: sa.Connection) -> None:
    dialect = conn.dialect.name
    if dialect not in TASK_COPY_TRIGGERS:
        raise NotImplementedError(f"task_agencies' copy of task values: no triggers for "
                                  f"{dialect}")
    have = {c["name"] for c in sa.inspect(conn).get_columns("task_agencies")}
    types = {"status": "VARCHAR(10)", "next_due": "DATE", "doc_date": "DATE"}
    for name in COPIED_TASK_COLUMNS:
        if name not in have:
            conn.exec_driver_sql(f"ALTER TABLE task_agencies ADD COLUMN {name} {types[name]}")
    if dialect == "postgresql":
        conn.exec_driver_sql("UPDATE task_agencies ta SET status = t.status, "
                             "next_due = t.next_due, doc_date = t.doc_date "
                             "FROM tasks t WHERE t.id = ta.task_id")
    else:
        conn.exec_driver_sql("UPDATE task_agencies SET (status, next_due, doc_date) = "
                             "(SELECT t.status, t.next_due, t.doc_date FROM tasks t "
                             "WHERE t.id = task_agencies.task_id)")
    for index in schema.task_agencies.indexes:
        if index.name in ("ix_task_agencies_open_due", "ix_task_agencies_role_agency_open"):
            index.create(conn, checkfirst=True)
    # (role, agency, task) of step 1, now with the copied values: the longer index replaces it
    conn.exec_driver_sql("DROP INDEX IF EXISTS ix_task_agencies_role_agency")
    for statement in TASK_COPY_TRIGGERS[dialect]:
        conn.exec_driver_sql(statement)
    # fresh statistics for the new indexes where the database keeps statistics (SQLite: only
    # once someone ran ANALYZE; half of them would mislead its planner)
    if dialect == "postgresql" or sa.inspect(conn).has_table("sqlite_stat1"):
        conn.exec_driver_sql("ANALYZE task_agencies")


# Step 7: SQLite's word index (FTS5) over search_key, the counterpart of PostgreSQL's GIN
# index of step 5: an external-content table per searched table (no copy of the text; tokens
# only, `detail=none`: search asks for words, never phrases), kept by triggers.
SEARCH_FTS = {"documents": "documents_fts", "tasks": "tasks_fts"}


def fts_table_names() -> set[str]:
    """The FTS5 tables and their shadow tables (not data of their own: never copied)."""
    shadows = ("data", "idx", "docsize", "config", "content")
    return {n for fts in SEARCH_FTS.values() for n in (fts, *(f"{fts}_{s}" for s in shadows))}


def _fts_statements(table: str, fts: str) -> list[str]:
    remove = (f"INSERT INTO {fts}({fts}, rowid, search_key) "
              f"VALUES ('delete', OLD.id, OLD.search_key)")
    add = f"INSERT INTO {fts}(rowid, search_key) VALUES (NEW.id, NEW.search_key)"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {fts} USING fts5(search_key, content='{table}', "
        f"content_rowid='id', tokenize='unicode61', detail='none')",
        f"CREATE TRIGGER IF NOT EXISTS tr_{fts}_insert AFTER INSERT ON {table} BEGIN {add}; END",
        f"CREATE TRIGGER IF NOT EXISTS tr_{fts}_delete AFTER DELETE ON {table} "
        f"BEGIN {remove}; END",
        f"CREATE TRIGGER IF NOT EXISTS tr_{fts}_update AFTER UPDATE OF search_key ON {table} "
        f"BEGIN {remove}; {add}; END",
        f"INSERT INTO {fts}({fts}) VALUES ('rebuild')",
    ]


def sqlite_has_fts5(conn: sa.Connection) -> bool:
    return bool(conn.exec_driver_sql("SELECT 1 FROM pragma_compile_options "
                                     "WHERE compile_options = 'ENABLE_FTS5'").first())


def _v7_sqlite_word_index(conn: sa.Connection) -> None:
    """SQLite: FTS5 word indexes over documents.search_key and tasks.search_key (built from
    the stored rows). Elsewhere nothing: PostgreSQL has its GIN indexes (step 5); an SQLite
    built without FTS5 keeps scanning."""
    if conn.dialect.name != "sqlite" or not sqlite_has_fts5(conn):
        return
    for table, fts in SEARCH_FTS.items():
        for statement in _fts_statements(table, fts):
            conn.exec_driver_sql(statement)


MIGRATIONS: list[tuple[int, str, Callable[[sa.Connection], None]]] = [
    (1, "initial schema: files, documents, agencies, tasks, citations, statuses", _v1_initial),
    (2, "reminder letters: reminder_letters, reminder_letter_tasks", _v2_reminders),
    (3, "record versions: documents.version, tasks.version", _v3_versions),
    (4, "identity of a file's text: files.text_sha256", _v4_text_identity),
    (5, "full-text search: documents.search_key, tasks.search_key", _v5_search),
    (6, "task values on task_agencies (status, next_due, doc_date) kept by triggers",
     _v6_task_copy),
    (7, "SQLite word index: documents_fts, tasks_fts (FTS5 over search_key)",
     _v7_sqlite_word_index),
]
LATEST = MIGRATIONS[-1][0]


def current_version(conn: sa.Connection) -> int:
    if not sa.inspect(conn).has_table("schema_version"):
        return 0
    return conn.execute(sa.select(sa.func.max(schema.schema_version.c.version))).scalar() or 0


def migrate(engine: sa.Engine) -> list[int]:
    """Apply every pending step; returns the versions applied. An up-to-date store is only
    read (a read-only copy opens); pending steps run under `schema_lock`, each step in its
    own transaction."""
    with engine.connect() as conn:
        if current_version(conn) >= LATEST:
            return []
    with schema_lock(engine) as conn:
        schema.schema_version.create(conn, checkfirst=True)
    applied = []
    for version, description, step in MIGRATIONS:
        with schema_lock(engine) as conn:
            if current_version(conn) >= version:
                continue
            step(conn)
            conn.execute(schema.schema_version.insert().values(
                version=version, description=description,
                applied_at=datetime.now(timezone.utc).replace(tzinfo=None)))
            applied.append(version)
    return applied
