"""Copy a whole store to another database (`ocop-docs db migrate-to URL`): SQLite to
PostgreSQL when an office outgrows one machine, or back.

Every table of the source is copied — the store's (task_graph.schema), the web application's
(accounts, uploads, corrections, audit), and any other table found there — keeping the ids.
Tables go in foreign-key order, rows in primary-key order, in batches; each batch is inserted
in one transaction together with its checkpoint (table `store_copy_progress` in the target),
so an interrupted copy run again goes on where it stopped. At the end each table's row count
and checksum (an order-independent sum of row hashes over the columns both sides have) are
compared; PostgreSQL sequences are moved past the copied ids.
"""
from __future__ import annotations

import hashlib
import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa

from task_graph.errors import safe_url
from task_graph.migrations import fts_table_names
from task_graph.store import StoreError, open_store

PROGRESS_TABLE = "store_copy_progress"
SKIPPED = {"schema_version", PROGRESS_TABLE}     # the target's own migrations make the first
# SQLite's word indexes (migration 7) are built by the target from the rows it receives
SKIPPED |= fts_table_names()
# modules whose tables are part of a store (imported when present)
TABLE_MODULES = ("task_graph.schema", "ocop_docs.web.db", "ocop_docs.web.units",
                 "ocop_docs.web.audit", "ocop_docs.web.register", "ocop_docs.office.feeds",
                 "ocop_docs.jobs.state")
DEFAULT_BATCH = 2000

progress_table = sa.Table(
    PROGRESS_TABLE, sa.MetaData(),
    sa.Column("table_name", sa.String(200), primary_key=True),
    sa.Column("source", sa.Text, nullable=False),
    sa.Column("last_key", sa.Text),                     # JSON list: primary key of the last row
    sa.Column("copied", sa.Integer, nullable=False),
    sa.Column("done", sa.Boolean, nullable=False),
)


@dataclass
class TableReport:
    name: str
    source_rows: int
    target_rows: int
    source_sum: str
    target_sum: str
    copied_now: int = 0

    @property
    def ok(self) -> bool:
        return self.source_rows == self.target_rows and self.source_sum == self.target_sum


@dataclass
class CopyReport:
    tables: list[TableReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(t.ok for t in self.tables)

    def to_json(self) -> dict:
        return {"ok": self.ok, "tables": [
            {"table": t.name, "source_rows": t.source_rows, "target_rows": t.target_rows,
             "copied_now": t.copied_now, "checksum": t.source_sum,
             "checksum_matches": t.source_sum == t.target_sum} for t in self.tables]}


def known_tables() -> dict[str, sa.Table]:
    """Table definitions of every module that keeps tables in the store, by name."""
    out: dict[str, sa.Table] = {}
    for module in TABLE_MODULES:
        try:
            mod = importlib.import_module(module)
        except ImportError:
            continue
        for value in vars(mod).values():
            if isinstance(value, sa.MetaData):
                out.update(value.tables)
    return out


def _canonical(value) -> str:
    if value is None:
        return "\u2205"
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value).hex()
    if isinstance(value, (float, Decimal)):
        return repr(float(value))
    return str(value)


def _row_hash(row, columns: list[str]) -> int:
    text = "\x1f".join(f"{c}={_canonical(row[c])}" for c in columns)
    return int.from_bytes(hashlib.sha256(text.encode("utf-8")).digest()[:8], "big")


def table_checksum(conn, table: sa.Table, columns: list[str],
                   batch: int = DEFAULT_BATCH) -> tuple[int, str]:
    """(rows, checksum) of `table` over `columns`: independent of row order and of the
    database's collation."""
    total, rows = 0, 0
    result = conn.execution_options(yield_per=batch).execute(
        sa.select(*[table.c[c] for c in columns]))
    for row in result.mappings():
        total = (total + _row_hash(row, columns)) % (1 << 64)
        rows += 1
    return rows, f"{total:016x}"


def _pk(table: sa.Table) -> list[sa.Column]:
    cols = list(table.primary_key.columns)
    return cols or list(table.columns)


def _after(table: sa.Table, last: list | None):
    cols = _pk(table)
    if last is None:
        return sa.true()
    if len(cols) == 1:
        return cols[0] > last[0]
    return sa.tuple_(*cols) > sa.tuple_(*[sa.literal(v) for v in last])


def _plan(source: sa.Engine) -> list[tuple[sa.Table, sa.Table]]:
    """(source table, target table) for every table to copy, parents first."""
    names = [n for n in sa.inspect(source).get_table_names() if n not in SKIPPED]
    known = known_tables()
    reflected = sa.MetaData()
    combined = sa.MetaData()
    for name in names:
        if name not in known:
            table = sa.Table(name, reflected, autoload_with=source)
            for col in table.columns:          # SQLite's DATETIME -> the generic DateTime
                try:
                    col.type = col.type.as_generic()
                except NotImplementedError:
                    pass
    for name in names:
        definition = known.get(name) if name in known else reflected.tables[name]
        definition.to_metadata(combined)
    src_meta = sa.MetaData()
    plan = []
    for target_table in combined.sorted_tables:
        if target_table.name not in names:
            continue                                    # a referenced table the source lacks
        src = sa.Table(target_table.name, src_meta, autoload_with=source)
        plan.append((src, target_table))
    return plan


def _typed_source(src: sa.Table, target_table: sa.Table, columns: list[str]) -> sa.Table:
    """The source table read with the target definition's column types (so a SQLite
    boolean or date comes back as one), restricted to `columns`."""
    meta = sa.MetaData()
    cols = []
    for c in columns:
        col_type = target_table.c[c].type if c in target_table.c else src.c[c].type
        cols.append(sa.Column(c, col_type, primary_key=src.c[c].primary_key))
    return sa.Table(src.name, meta, *cols)


def copy_store(source_db: str | None, target_db: str, *, batch: int = DEFAULT_BATCH,
               log: Callable[[str], None] | None = None) -> CopyReport:
    """Copy every table of `source_db` into `target_db` (see the module's notes)."""
    log = log or (lambda _m: None)
    source_store = open_store(source_db)
    target_store = open_store(target_db)
    source, target = source_store.engine, target_store.engine
    if source.url.render_as_string(hide_password=False) == \
            target.url.render_as_string(hide_password=False):
        raise StoreError("cơ sở dữ liệu nguồn và đích là một")
    source_name = safe_url(source.url.render_as_string(hide_password=False))
    report = CopyReport()
    try:
        plan = _plan(source)
        with target.begin() as conn:
            for _src, table in plan:
                table.create(conn, checkfirst=True)
            progress_table.create(conn, checkfirst=True)
        for src, table in plan:
            copied = _copy_table(source, target, src, table, source_name, batch, log)
            report.tables.append(_verify(source, target, src, table, copied))
        _reset_sequences(target, [t for _s, t in plan])
    finally:
        source_store.close()
        target_store.close()
    return report


def _copy_table(source, target, src: sa.Table, table: sa.Table, source_name: str,
                batch: int, log) -> int:
    with target.connect() as conn:
        state = conn.execute(sa.select(progress_table)
                             .where(progress_table.c.table_name == table.name)).first()
        existing = conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()
    if state is not None and state.source != source_name:
        raise StoreError(f"cơ sở dữ liệu đích đang nhận bản chép từ {state.source}, không "
                         f"phải từ {source_name}")
    if state is None and existing:
        raise StoreError(f"cơ sở dữ liệu đích đã có dữ liệu (bảng {table.name}: {existing} "
                         f"dòng); hãy chép vào một cơ sở dữ liệu trống")
    if state is not None and state.done:
        log(f"bảng {table.name}: đã chép xong trước đó ({state.copied} dòng)")
        return 0
    columns = [c.name for c in src.columns if c.name in table.c]
    typed = _typed_source(src, table, columns)
    self_refs = [fk.parent.name for fk in table.foreign_keys
                 if fk.column.table.name == table.name and fk.parent.name in columns]
    pk_names = [c.name for c in _pk(typed)]
    last = json.loads(state.last_key) if state is not None and state.last_key else None
    copied_before = state.copied if state is not None else 0
    copied = 0
    while True:
        with source.connect() as sconn:
            rows = [dict(r._mapping) for r in sconn.execute(
                sa.select(typed).where(_after(typed, last))
                .order_by(*_pk(typed)).limit(batch))]
        with target.begin() as tconn:
            if rows:
                inserted = rows
                if self_refs:       # rows may point at later rows: links set after the insert
                    inserted = [dict(r, **{c: None for c in self_refs}) for r in rows]
                tconn.execute(table.insert(), inserted)
                last = [rows[-1][c] for c in pk_names]
                copied += len(rows)
            values = dict(source=source_name, copied=copied_before + copied,
                          last_key=json.dumps(last, default=_canonical),
                          done=len(rows) < batch)
            updated = tconn.execute(progress_table.update().where(
                progress_table.c.table_name == table.name).values(**values)).rowcount
            if not updated:
                tconn.execute(progress_table.insert().values(table_name=table.name, **values))
        if len(rows) < batch:
            break
    if self_refs:
        _copy_self_links(source, target, typed, table, self_refs, pk_names, batch)
    log(f"bảng {table.name}: chép {copied} dòng (tổng {copied_before + copied})")
    return copied


def _copy_self_links(source, target, typed, table, self_refs, pk_names, batch) -> None:
    cond = sa.or_(*[typed.c[c].isnot(None) for c in self_refs])
    with source.connect() as sconn:
        rows = [dict(r._mapping) for r in sconn.execute(
            sa.select(*[typed.c[c] for c in pk_names + self_refs]).where(cond))]
    with target.begin() as tconn:
        for r in rows:
            key = sa.and_(*[table.c[c] == r[c] for c in pk_names])
            tconn.execute(table.update().where(key).values({c: r[c] for c in self_refs}))


def _verify(source, target, src: sa.Table, table: sa.Table, copied: int) -> TableReport:
    columns = sorted(c.name for c in src.columns if c.name in table.c)
    typed = _typed_source(src, table, columns)
    with source.connect() as conn:
        s_rows, s_sum = table_checksum(conn, typed, columns)
    with target.connect() as conn:
        t_rows, t_sum = table_checksum(conn, table, columns)
    return TableReport(table.name, s_rows, t_rows, s_sum, t_sum, copied)


def _reset_sequences(target: sa.Engine, tables: list[sa.Table]) -> None:
    if target.dialect.name != "postgresql":
        return
    with target.begin() as conn:
        for table in tables:
            pk = list(table.primary_key.columns)
            if len(pk) != 1 or not isinstance(pk[0].type, sa.Integer):
                continue
            seq = conn.execute(sa.select(sa.func.pg_get_serial_sequence(
                table.name, pk[0].name))).scalar()
            if seq:
                conn.execute(sa.text(
                    f'SELECT setval(:seq, COALESCE((SELECT MAX("{pk[0].name}") FROM '
                    f'"{table.name}"), 0) + 1, false)'), {"seq": seq})
