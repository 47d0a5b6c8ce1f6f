"""The one data-access layer of the task graph.

`open_store()` connects to the database (SQLite file by default, any SQLAlchemy URL such as
postgresql+psycopg://... otherwise), applies pending migrations and returns a `Store`. Every
write method runs in exactly one transaction: a failure anywhere inside leaves nothing behind.

Several processes may write at once (two ingests, the web and its workers). On SQLite a write
transaction takes the database's write lock from its start (BEGIN IMMEDIATE: the others wait);
on PostgreSQL two transactions creating the same agency, place or file meet on a unique key,
and the one that loses is retried whole (`Store._write`), finding the other's rows.
Text reaching the database is cleaned of NUL characters (PostgreSQL refuses them).
"""
from __future__ import annotations

import getpass
import json
import os
import random
import time
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from task_graph import agencies as ag
from task_graph import organs
from task_graph import recurrence as rec
from task_graph import relations
from task_graph.migrations import migrate, write_transaction
from task_graph.schema import (agencies, agency_aliases, agency_merges, citations, documents,
                               files, places, reminder_letter_tasks, status_history,
                               task_agencies, task_status, tasks)
from task_graph.text import (document_search_key, fold, name_key, number_key, search_key,
                             text_identity)

ENV_DB = "OCOP_DOCS_DB"
DEFAULT_DB_PATH = Path("var") / "ocop-docs.sqlite3"
STATUSES = ("open", "done")


class StoreError(Exception):
    """A request the store cannot satisfy (unknown task, bad period, ...); str() is for users."""


class VersionConflict(StoreError):
    """A change made on an older version of a record than the stored one (someone else saved
    in between); `current` is the stored version."""

    def __init__(self, document_id: int, expected: int, current: int):
        super().__init__(f"văn bản số {document_id} đã được người khác sửa (phiên bản "
                         f"{current}, bản đang sửa là {expected}); thay đổi chưa được lưu")
        self.document_id, self.expected, self.current = document_id, expected, current


def default_db_url(db: str | None = None) -> str:
    """`db` (URL or file path), else $OCOP_DOCS_DB, else var/ocop-docs.sqlite3 under the
    current directory."""
    value = db or os.environ.get(ENV_DB) or str(DEFAULT_DB_PATH)
    if "://" in value:
        return value
    path = Path(value).expanduser().resolve()
    path.parent.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{path}"


SQLITE_BUSY_TIMEOUT_S = 60          # a writer waits this long for another's transaction
WRITE_ATTEMPTS = 8                   # a PostgreSQL write that lost a race is retried


def _sqlite_pragmas(dbapi_conn, _record):
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def open_store(db: str | None = None, *, echo: bool = False) -> "Store":
    """Connect and migrate. Any failure (bad URL, missing driver, refused connection,
    read-only or not a database, ...) is a StoreError with one Vietnamese line."""
    from task_graph.errors import database_message

    url = db or os.environ.get(ENV_DB) or str(DEFAULT_DB_PATH)
    try:
        url = default_db_url(db)
        try:
            sa.engine.make_url(url)
        except ValueError as exc:               # a port that is not a number, ...
            raise sa.exc.ArgumentError(str(exc)) from None
        connect_args = {"timeout": SQLITE_BUSY_TIMEOUT_S} if url.startswith("sqlite") else {}
        engine = sa.create_engine(url, echo=echo, connect_args=connect_args)
        if engine.dialect.name == "sqlite":
            sa.event.listen(engine, "connect", _sqlite_pragmas)
        migrate(engine)
    except (sa.exc.SQLAlchemyError, ImportError, OSError) as exc:
        message = database_message(exc, url)
        if message is None:
            raise
        raise StoreError(message) from None
    return Store(engine)


def _utcnow() -> datetime:
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _date(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def clean_text(value: Any) -> Any:
    """`value` with NUL characters replaced by U+FFFD (same length: spans into a text stay
    right), through dicts and lists; PostgreSQL refuses NUL in text."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd") if "\x00" in value else value
    if isinstance(value, dict):
        return {k: clean_text(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_text(v) for v in value]
    return value


def _retryable(exc: Exception) -> bool:
    """A write that lost a race with another process's transaction (PostgreSQL: unique
    violation, deadlock, serialization failure; SQLite: still locked after the timeout)."""
    code = getattr(getattr(exc, "orig", None), "sqlstate", None)
    if code in ("23505", "40P01", "40001"):
        return True
    return isinstance(exc, sa.exc.OperationalError) and "database is locked" in str(exc)


def _insert_new(conn, table: sa.Table, values: dict, key: list[str]) -> None:
    """INSERT that leaves an existing row with the same `key` alone (ON CONFLICT DO
    NOTHING): a row another process created meanwhile is simply there."""
    if conn.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    elif conn.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    else:
        conn.execute(table.insert().values(**values))
        return
    conn.execute(insert(table).values(**values).on_conflict_do_nothing(index_elements=key))


def _action_key(action: Any) -> str:
    """An action text compared across corrections: spacing and case aside."""
    return " ".join(str(action or "").split()).casefold()


@dataclass
class StoredFile:
    file_id: int
    documents: int
    tasks: int
    already_present: bool = False


class Store:
    def __init__(self, engine: sa.Engine):
        self.engine = engine

    # ------------------------------------------------------------------ connections
    def connect(self) -> sa.Connection:
        """A read connection (queries use it; close it or use `with`)."""
        return self.engine.connect()

    def close(self) -> None:
        self.engine.dispose()

    def _write(self, work, *, attempts: int = WRITE_ATTEMPTS):
        """Run `work(conn)` in one write transaction; retried whole when it lost a race
        with another writer (see the module's notes)."""
        for attempt in range(1, attempts + 1):
            try:
                with write_transaction(self.engine) as conn:
                    return work(conn)
            except (sa.exc.IntegrityError, sa.exc.OperationalError) as exc:
                if attempt == attempts or not _retryable(exc):
                    raise
                time.sleep(random.uniform(0.01, 0.05) * attempt)
        raise AssertionError("unreachable")

    # ------------------------------------------------------------------ files
    def file_by_hash(self, sha256: str) -> dict | None:
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(files.c.id, files.c.source_path)
                               .where(files.c.sha256 == sha256)).first()
        return dict(row._mapping) if row else None

    def file_by_text(self, text: str | None) -> dict | None:
        """The stored file with the same text (task_graph.text.identity_text), if any."""
        digest = text_identity(text)
        if digest is None:
            return None
        with self.engine.connect() as conn:
            row = conn.execute(sa.select(files.c.id, files.c.source_path)
                               .where(files.c.text_sha256 == digest)
                               .order_by(files.c.id)).first()
        return dict(row._mapping) if row else None

    def store_extraction(self, extraction: dict, *, source_path: str, sha256: str,
                         text: str | None, size: int | None = None,
                         extractor: str | None = None) -> StoredFile:
        """Store one file's extraction (the ocop-docs.extraction/1 dict) with its text, in one
        transaction. A file whose bytes' hash, or whose text (CRLF, BOM, encoding aside), is
        already stored is left as it is."""
        extraction, text, source_path = (clean_text(extraction), clean_text(text),
                                         clean_text(source_path))
        text_sha = text_identity(text)
        return self._write(lambda conn: self._store_extraction(
            conn, extraction, source_path, sha256, text, text_sha, size, extractor))

    def _store_extraction(self, conn, extraction, source_path, sha256, text, text_sha, size,
                          extractor) -> StoredFile:
        if conn.dialect.name == "postgresql" and text_sha:
            # same text in two files ingested at once: one waits for the other's commit
            conn.execute(sa.select(sa.func.pg_advisory_xact_lock(
                int(text_sha[:15], 16))))
        same = files.c.sha256 == sha256
        if text_sha:
            same = sa.or_(same, files.c.text_sha256 == text_sha)
        row = conn.execute(sa.select(files.c.id).where(same).order_by(files.c.id)).first()
        if row:
            return StoredFile(row.id, 0, 0, already_present=True)
        file_id = conn.execute(files.insert().values(
            sha256=sha256, source_path=source_path, size=size, text=text,
            extraction_json=json.dumps(extraction, ensure_ascii=False),
            extractor=extractor, ingested_at=_utcnow(),
            text_sha256=text_sha)).inserted_primary_key[0]
        docs = list(extraction.get("documents") or [])
        regions = relations.document_regions(text or "", docs)
        juris = self._file_jurisdictions(conn, docs)
        n_tasks = 0
        for ordinal, (doc, region, ctx) in enumerate(zip(docs, regions, juris)):
            doc_id = self._insert_document(conn, file_id, ordinal, doc, region, ctx)
            self._insert_citations(conn, doc_id, doc, (text or "")[region[0]:region[1]],
                                   docs)
            for t_ord, task in enumerate(doc.get("tasks") or []):
                self._insert_task(conn, doc_id, t_ord, task, doc, ctx)
                n_tasks += 1
        return StoredFile(file_id, len(docs), n_tasks)

    # ------------------------------------------------------------------ jurisdiction
    def _file_jurisdictions(self, conn, docs: list[dict]) -> list[ag.Jurisdiction]:
        out = [ag.parse_jurisdiction(d.get("issuer"), d.get("parent_issuer"), d.get("place"))
               for d in docs]
        provinces = [j.province for j in out if j.province and not j.district]
        for i, (doc, j) in enumerate(zip(docs, out)):
            if j.province or not j.district:
                continue
            province = provinces[0] if provinces else None
            if province is None:            # the province of a cited document's issuer
                for c in doc.get("citations") or []:
                    cj = ag.parse_jurisdiction(c.get("issuer"))
                    if cj.province and not cj.district:
                        province = cj.province
                        break
            dkey = fold(j.district)
            if province is None:
                province = conn.execute(sa.select(places.c.province)
                                        .where(places.c.district_key == dkey)).scalar()
            elif conn.execute(sa.select(places.c.district_key)
                              .where(places.c.district_key == dkey)).first() is None:
                _insert_new(conn, places, dict(district_key=dkey, district=j.district,
                                               province=province), ["district_key"])
            if province:
                out[i] = ag.Jurisdiction(province, j.district, j.district_unit, j.commune,
                                         j.commune_unit)
        return out

    # ------------------------------------------------------------------ agencies
    def _agency_id(self, conn, ref: ag.AgencyRef, written: str | None = None) -> int:
        key = ref.key
        seen = set()
        while key not in seen:                      # recorded merges: from_key -> into_key
            seen.add(key)
            into = conn.execute(sa.select(agency_merges.c.into_key)
                                .where(agency_merges.c.from_key == key)
                                .order_by(agency_merges.c.id.desc())).scalar()
            if into is None:
                break
            key = into
        row = conn.execute(sa.select(agencies.c.id, agencies.c.merged_into)
                           .where(agencies.c.key == key)).first()
        if row is None:
            _insert_new(conn, agencies, dict(
                key=ref.key, name=ref.name, kind=ref.kind, level=ref.level,
                base_key=ref.base_key, scope_key=ref.scope_key, province=ref.province,
                district=ref.district), ["key"])
            agency_id = conn.execute(sa.select(agencies.c.id)
                                     .where(agencies.c.key == ref.key)).scalar_one()
            self._add_alias(conn, agency_id, ref.name)
        else:
            agency_id = row.id
            while row is not None and row.merged_into is not None:
                agency_id = row.merged_into
                row = conn.execute(sa.select(agencies.c.id, agencies.c.merged_into)
                                   .where(agencies.c.id == agency_id)).first()
        if written:
            self._add_alias(conn, agency_id, written)
        return agency_id

    def _add_alias(self, conn, agency_id: int, alias: str) -> None:
        exists = conn.execute(sa.select(agency_aliases.c.id).where(
            agency_aliases.c.agency_id == agency_id, agency_aliases.c.alias == alias)).first()
        if not exists:
            _insert_new(conn, agency_aliases, dict(agency_id=agency_id, alias=alias,
                                                   alias_key=name_key(alias)),
                        ["agency_id", "alias"])

    # ------------------------------------------------------------------ documents
    def _insert_document(self, conn, file_id: int, ordinal: int, doc: dict,
                         region: tuple[int, int], ctx: ag.Jurisdiction) -> int:
        issuer_id = None
        package = doc.get("package") or {}
        if package.get("issuer_organ_id"):                 # an edXML header's From organ
            issuer_id = organs.agency_by_organ(conn, package["issuer_organ_id"])
            if issuer_id is not None and doc.get("issuer"):
                self._add_alias(conn, issuer_id, doc["issuer"])
        if issuer_id is None and doc.get("issuer"):
            ref = ag.resolve(doc["issuer"], ctx)
            issuer_id = self._agency_id(conn, ref, doc["issuer"])
        self._remember_organs(conn, package, issuer_id, ctx)
        key = number_key(doc.get("number"))
        issued = _date(doc.get("issued_date"))
        doc_id = conn.execute(documents.insert().values(
            file_id=file_id, ordinal=ordinal, doc_type=doc.get("doc_type"),
            number=doc.get("number"), number_key=key, issued_date=issued,
            place=doc.get("place"), issuer=doc.get("issuer"), issuer_agency_id=issuer_id,
            province=ctx.province, district=ctx.district, subject=doc.get("subject"),
            signer=doc.get("signer"), text_start=region[0], text_end=region[1],
            search_key=document_search_key(doc.get("doc_type"), doc.get("number"),
                                           doc.get("subject"), doc.get("issuer")),
            extraction_json=json.dumps(doc, ensure_ascii=False))).inserted_primary_key[0]
        self._link_pending_citations(conn, doc_id, key, issued)
        return doc_id

    def _remember_organs(self, conn, package: dict, issuer_id: int | None,
                         ctx: ag.Jurisdiction) -> None:
        """Organ ids of a package's From and To organs kept on their agencies."""
        if package.get("issuer_organ_id") and issuer_id is not None:
            self._add_alias(conn, issuer_id, organs.organ_alias(package["issuer_organ_id"]))
        for organ in package.get("recipient_organs") or []:
            if not organ.get("organ_id") or not organ.get("name"):
                continue
            agency_id = organs.agency_by_organ(conn, organ["organ_id"])
            if agency_id is None:
                agency_id = self._agency_id(conn, ag.resolve(organ["name"], ctx), organ["name"])
                self._add_alias(conn, agency_id, organs.organ_alias(organ["organ_id"]))
            else:
                self._add_alias(conn, agency_id, organ["name"])

    @staticmethod
    def _link_pending_citations(conn, doc_id: int, key: str | None, issued: date | None) -> None:
        """Earlier citations of this number (not yet resolved) now point at `doc_id`."""
        if not key:
            return
        pending = conn.execute(sa.select(citations.c.id, citations.c.cited_date).where(
            citations.c.number_key == key, citations.c.target_document_id.is_(None),
            citations.c.document_id != doc_id)).all()
        ids = [r.id for r in pending
               if r.cited_date is None or issued is None or r.cited_date == issued]
        if ids:
            conn.execute(citations.update().where(citations.c.id.in_(ids))
                         .values(target_document_id=doc_id))

    def _insert_citations(self, conn, doc_id: int, doc: dict, region_text: str,
                          file_docs: list[dict]) -> None:
        own = number_key(doc.get("number"))
        for c in doc.get("citations") or []:
            key = number_key(c.get("number"))
            if key and key == own:
                continue
            relation, context = relations.classify(region_text, c.get("number"))
            if relations.forwards(doc, key, file_docs):
                relation = "implements"
            cited_date = _date(c.get("date"))
            target = self._find_document(conn, key, cited_date, exclude=doc_id)
            conn.execute(citations.insert().values(
                document_id=doc_id, doc_type=c.get("doc_type"), number=c.get("number"),
                number_key=key, cited_date=cited_date, issuer=c.get("issuer"),
                relation=relation, context=context, target_document_id=target))

    def _find_document(self, conn, key: str | None, cited_date: date | None,
                       exclude: int | None = None) -> int | None:
        if not key:
            return None
        rows = conn.execute(sa.select(documents.c.id, documents.c.issued_date)
                            .where(documents.c.number_key == key)
                            .order_by(documents.c.id)).all()
        rows = [r for r in rows if r.id != exclude]
        if cited_date is not None:
            same = [r for r in rows if r.issued_date == cited_date]
            if same:
                return same[0].id
            rows = [r for r in rows if r.issued_date is None]
        return rows[0].id if rows else None

    def document_ids_by_number(self, conn, number: str) -> list[int]:
        key = number_key(number)
        if not key:
            return []
        return list(conn.execute(sa.select(documents.c.id).where(documents.c.number_key == key)
                                 .order_by(documents.c.issued_date, documents.c.id)).scalars())

    # ------------------------------------------------------------------ tasks
    def _insert_task(self, conn, doc_id: int, ordinal: int, task: dict, doc: dict,
                     ctx: ag.Jurisdiction) -> int:
        due = _date(task.get("due"))
        doc_date = _date(doc.get("issued_date"))
        recurrence = task.get("recurrence")
        start = doc_date or due
        next_due = rec.first_open_due(recurrence, start, due, set())
        task_id = conn.execute(tasks.insert().values(
            document_id=doc_id, ordinal=ordinal, action=task.get("action") or "",
            section=task.get("section"), due=due, deadline_text=task.get("deadline_text"),
            recurrence=recurrence, optional=bool(task.get("optional")),
            implied_lead=bool(task.get("implied_lead")), doc_date=doc_date, status="open",
            next_due=next_due, search_key=search_key(task.get("action")))
        ).inserted_primary_key[0]
        rows = self._task_agency_rows(conn, task_id, task, doc, ctx)
        if rows:
            conn.execute(task_agencies.insert(), rows)
        return task_id

    def _task_agency_rows(self, conn, task_id: int, task: dict, doc: dict,
                          ctx: ag.Jurisdiction) -> list[dict]:
        rows, seen = [], set()
        for role in ("lead", "support"):
            for pos, name in enumerate(task.get(role) or []):
                if not name or not name.strip():
                    continue
                agency_id = self._agency_id(conn, self._resolve_named(name, doc, ctx), name)
                if (agency_id, role) in seen:
                    continue
                seen.add((agency_id, role))
                rows.append(dict(task_id=task_id, agency_id=agency_id, role=role,
                                 position=pos, written=name))
        return rows

    def _delete_tasks(self, conn, task_ids: list[int]) -> None:
        """Remove tasks with every row that references them."""
        if not task_ids:
            return
        for table in (reminder_letter_tasks, task_agencies, task_status, status_history):
            conn.execute(table.delete().where(table.c.task_id.in_(task_ids)))
        conn.execute(tasks.delete().where(tasks.c.id.in_(task_ids)))

    @staticmethod
    def _resolve_named(name: str, doc: dict, ctx: ag.Jurisdiction) -> ag.AgencyRef:
        """A bare type word ("Sở", "Phòng", "Chi cục") stands for the issuing body when the
        issuer is of that type ("Tham mưu Giám đốc Sở ..." in a Sở's plan)."""
        issuer = doc.get("issuer")
        key = name_key(name)
        if issuer and key and len(key.split()) <= 2 and ag.level_of(key) is not None:
            if name_key(issuer).startswith(key + " "):
                return ag.resolve(issuer, ctx)
        return ag.resolve(name, ctx)

    # ------------------------------------------------------------------ corrections
    def update_document(self, document_id: int, record: dict, *,
                        conn: sa.Connection | None = None,
                        expected_version: int | None = None) -> dict:
        """Replace one document's metadata and tasks with a corrected record (a document
        record of the ocop-docs.extraction/1 contract), in one transaction — or inside the
        caller's transaction when `conn` is given (the caller commits).

        A record task keeps the id, statuses and history of the stored task it matches:
        the stored task its `"id"` names (a task of this document), else one with the same
        action text (case and spacing aside), else — only when no record task carries an
        `"id"` — the stored task at the same position. Other record tasks are added; stored
        tasks left unmatched are removed with everything that references them (agencies,
        statuses, history, reminder-letter links). `citations`, when the record has the key,
        replace the document's citations. `documents.extraction_json` becomes the record
        merged over the stored one (`files.extraction_json` keeps the extractor's output).

        `documents.version` goes up by one (and `tasks.version` of each updated task); with
        `expected_version`, a document whose stored version differs is left alone and
        VersionConflict is raised (the check and the increment are one UPDATE, so of two
        saves made on the same version exactly one wins).

        Returns {"updated", "added", "removed", "task_ids", "version"} (task_ids in record
        order, version the document's new version)."""
        record = clean_text(record)
        if conn is None:
            return self._write(lambda own: self._update_document(own, document_id, record,
                                                                 expected_version))
        return self._update_document(conn, document_id, record, expected_version)

    def _update_document(self, conn, document_id: int, record: dict,
                         expected_version: int | None = None) -> dict:
        bump = documents.update().where(documents.c.id == document_id)
        if expected_version is not None:
            bump = bump.where(documents.c.version == expected_version)
        if conn.execute(bump.values(version=documents.c.version + 1)).rowcount == 0:
            current = conn.execute(sa.select(documents.c.version)
                                   .where(documents.c.id == document_id)).scalar()
            if current is None:
                raise StoreError(f"không có văn bản số {document_id}")
            raise VersionConflict(document_id, expected_version, current)
        doc = conn.execute(sa.select(documents).where(documents.c.id == document_id)).first()
        new_tasks = [dict(t) for t in record.get("tasks") or []]
        clean = {k: v for k, v in record.items() if k != "tasks"}
        clean["tasks"] = [{k: v for k, v in t.items() if k != "id"} for t in new_tasks]
        stored_record = json.loads(doc.extraction_json or "{}")
        merged = {**stored_record, **clean}

        # the issuing body's place: the record's, else what the store knew of the document
        ctx = self._file_jurisdictions(conn, [merged])[0]
        if not ctx.province and doc.province:
            ctx = ag.Jurisdiction(doc.province, ctx.district or doc.district,
                                  ctx.district_unit, ctx.commune, ctx.commune_unit)
        issuer_id = None
        if merged.get("issuer"):
            issuer_id = self._agency_id(conn, ag.resolve(merged["issuer"], ctx),
                                        merged["issuer"])
        key = number_key(merged.get("number"))
        issued = _date(merged.get("issued_date"))
        conn.execute(documents.update().where(documents.c.id == document_id).values(
            doc_type=merged.get("doc_type"), number=merged.get("number"), number_key=key,
            issued_date=issued, place=merged.get("place"), issuer=merged.get("issuer"),
            issuer_agency_id=issuer_id, province=ctx.province, district=ctx.district,
            subject=merged.get("subject"), signer=merged.get("signer"),
            search_key=document_search_key(merged.get("doc_type"), merged.get("number"),
                                           merged.get("subject"), merged.get("issuer")),
            extraction_json=json.dumps(merged, ensure_ascii=False)))

        # citations of other documents that pointed here by the old number
        if key != doc.number_key or issued != doc.issued_date:
            for c in conn.execute(sa.select(citations.c.id, citations.c.number_key,
                                            citations.c.cited_date).where(
                    citations.c.target_document_id == document_id)).all():
                if c.number_key == key and (c.cited_date is None or issued is None
                                            or c.cited_date == issued):
                    continue
                conn.execute(citations.update().where(citations.c.id == c.id).values(
                    target_document_id=self._find_document(conn, c.number_key, c.cited_date,
                                                           exclude=document_id)))
            self._link_pending_citations(conn, document_id, key, issued)
        if "citations" in record:
            conn.execute(citations.delete().where(citations.c.document_id == document_id))
            text = conn.execute(sa.select(files.c.text).where(files.c.id == doc.file_id)
                                ).scalar() or ""
            siblings = [merged if r.id == document_id else json.loads(r.extraction_json or "{}")
                        for r in conn.execute(sa.select(documents.c.id,
                                                        documents.c.extraction_json)
                                              .where(documents.c.file_id == doc.file_id)
                                              .order_by(documents.c.ordinal))]
            region = text[doc.text_start or 0:doc.text_end if doc.text_end else len(text)]
            self._insert_citations(conn, document_id, merged, region, siblings)

        # tasks: match, update the survivors, add the new ones, remove the rest
        existing = conn.execute(sa.select(tasks).where(tasks.c.document_id == document_id)
                                .order_by(tasks.c.ordinal, tasks.c.id)).all()
        by_id = {r.id: r for r in existing}
        match: dict[int, int] = {}                      # record position -> task id
        for i, t in enumerate(new_tasks):
            tid = t.get("id")
            if isinstance(tid, int) and tid in by_id and tid not in match.values():
                match[i] = tid
        taken = set(match.values())
        by_text: dict[str, list[int]] = {}
        for r in existing:
            if r.id not in taken:
                by_text.setdefault(_action_key(r.action), []).append(r.id)
        for i, t in enumerate(new_tasks):
            if i in match:
                continue
            ids = [x for x in by_text.get(_action_key(t.get("action")), []) if x not in taken]
            if ids:
                match[i] = ids[0]
                taken.add(ids[0])
        if not any(t.get("id") is not None for t in new_tasks):
            for i, _t in enumerate(new_tasks):
                if i not in match and i < len(existing) and existing[i].id not in taken:
                    match[i] = existing[i].id
                    taken.add(existing[i].id)

        task_ids, added = [], 0
        for ordinal, (t, body) in enumerate(zip(new_tasks, clean["tasks"])):
            tid = match.get(ordinal)
            if tid is None:
                task_ids.append(self._insert_task(conn, document_id, ordinal, body, merged, ctx))
                added += 1
                continue
            task_ids.append(tid)
            due = _date(body.get("due"))
            recurrence = body.get("recurrence") or None
            done = set(conn.execute(sa.select(task_status.c.period).where(
                task_status.c.task_id == tid, task_status.c.status == "done")).scalars())
            if rec.is_recurring(recurrence) and (issued or due):
                status = "open"
                next_due = rec.first_open_due(recurrence, issued or due, due, done)
            else:
                status = "done" if rec.ONE_OFF in done else "open"
                next_due = due if status == "open" else None
            conn.execute(tasks.update().where(tasks.c.id == tid).values(
                ordinal=ordinal, action=body.get("action") or "", section=body.get("section"),
                search_key=search_key(body.get("action")),
                due=due, deadline_text=body.get("deadline_text"), recurrence=recurrence,
                optional=bool(body.get("optional", by_id[tid].optional)),
                implied_lead=bool(body.get("implied_lead", by_id[tid].implied_lead)),
                doc_date=issued, status=status,
                next_due=next_due, version=tasks.c.version + 1))
            conn.execute(task_agencies.delete().where(task_agencies.c.task_id == tid))
            rows = self._task_agency_rows(conn, tid, body, merged, ctx)
            if rows:
                conn.execute(task_agencies.insert(), rows)
        removed = [r.id for r in existing if r.id not in taken]
        self._delete_tasks(conn, removed)
        return {"updated": len(taken), "added": added, "removed": len(removed),
                "task_ids": task_ids, "version": doc.version}

    # ------------------------------------------------------------------ statuses
    def set_status(self, task_id: int, status: str, *, period: str | None = None,
                   by: str | None = None, evidence: str | None = None,
                   note: str | None = None, as_of: date | None = None,
                   conn: sa.Connection | None = None) -> dict:
        """Mark one occurrence of a task done or open again; history keeps who and when.
        With `conn` (a write transaction), it is part of that transaction (several statuses
        applied together, e.g. a follow-up sheet's)."""
        if status not in STATUSES:
            raise StoreError(f"trạng thái không hợp lệ: {status}")
        by = by or getpass.getuser()
        with (nullcontext(conn) if conn is not None else write_transaction(self.engine)) as conn:
            task = conn.execute(sa.select(tasks).where(tasks.c.id == task_id)).first()
            if task is None:
                raise StoreError(f"không có nhiệm vụ số {task_id}")
            recurring = rec.is_recurring(task.recurrence) and (task.doc_date or task.due)
            if recurring:
                start = task.doc_date or task.due
                if period is None:
                    done = set(conn.execute(sa.select(task_status.c.period).where(
                        task_status.c.task_id == task_id, task_status.c.status == "done"))
                        .scalars())
                    if status == "done":
                        period = next(lbl for lbl, _f, _l in rec.periods(task.recurrence, start)
                                      if lbl not in done)
                    elif done:
                        period = max(done)
                    else:
                        raise StoreError(f"nhiệm vụ {task_id} chưa có kỳ nào hoàn thành")
                if not rec.valid_period(task.recurrence, period):
                    raise StoreError(f"kỳ '{period}' không hợp lệ cho nhiệm vụ định kỳ "
                                     f"({task.recurrence})")
            else:
                if period not in (None, rec.ONE_OFF):
                    raise StoreError(f"nhiệm vụ {task_id} không định kỳ; không dùng --period")
                period = rec.ONE_OFF
            evidence_id = None
            if evidence:
                ids = self.document_ids_by_number(conn, evidence)
                evidence_id = ids[0] if ids else None
            now = _utcnow()
            conn.execute(status_history.insert().values(
                task_id=task_id, period=period, status=status, changed_at=now, changed_by=by,
                evidence_number=evidence, evidence_document_id=evidence_id, note=note))
            current = conn.execute(sa.select(task_status.c.status).where(
                task_status.c.task_id == task_id, task_status.c.period == period)).first()
            if current is None:
                conn.execute(task_status.insert().values(task_id=task_id, period=period,
                                                         status=status, changed_at=now,
                                                         changed_by=by))
            else:
                conn.execute(task_status.update().where(
                    task_status.c.task_id == task_id, task_status.c.period == period)
                    .values(status=status, changed_at=now, changed_by=by))
            done = set(conn.execute(sa.select(task_status.c.period).where(
                task_status.c.task_id == task_id, task_status.c.status == "done")).scalars())
            if recurring:
                new_status = "open"
                next_due = rec.first_open_due(task.recurrence, task.doc_date or task.due,
                                              task.due, done)
            else:
                new_status = "done" if rec.ONE_OFF in done else "open"
                next_due = task.due if new_status == "open" else None
            conn.execute(tasks.update().where(tasks.c.id == task_id)
                         .values(status=new_status, next_due=next_due,
                                 version=tasks.c.version + 1))
            return {"task_id": task_id, "period": period, "status": status, "by": by,
                    "at": now.isoformat(timespec="seconds"), "evidence": evidence,
                    "evidence_document_id": evidence_id, "note": note}

    # ------------------------------------------------------------------ agency maintenance
    def merge_agencies(self, from_id: int, into_id: int, *, by: str | None = None) -> dict:
        """Fold agency `from_id` into `into_id`: its tasks, documents and aliases move, and
        the merge is recorded so later ingests resolve the old identity to the new one."""
        if from_id == into_id:
            raise StoreError("hai cơ quan là một")
        with write_transaction(self.engine) as conn:
            a = conn.execute(sa.select(agencies).where(agencies.c.id == from_id)).first()
            b = conn.execute(sa.select(agencies).where(agencies.c.id == into_id)).first()
            if a is None or b is None:
                raise StoreError("không tìm thấy cơ quan cần gộp")
            conn.execute(agency_merges.insert().values(
                from_key=a.key, into_key=b.key, merged_by=by or getpass.getuser(),
                merged_at=_utcnow()))
            existing = {(r.task_id, r.role) for r in conn.execute(
                sa.select(task_agencies.c.task_id, task_agencies.c.role)
                .where(task_agencies.c.agency_id == into_id))}
            for r in conn.execute(sa.select(task_agencies.c.task_id, task_agencies.c.role)
                                  .where(task_agencies.c.agency_id == from_id)).all():
                cond = sa.and_(task_agencies.c.task_id == r.task_id,
                               task_agencies.c.role == r.role,
                               task_agencies.c.agency_id == from_id)
                if (r.task_id, r.role) in existing:
                    conn.execute(task_agencies.delete().where(cond))
                else:
                    conn.execute(task_agencies.update().where(cond).values(agency_id=into_id))
            conn.execute(documents.update().where(documents.c.issuer_agency_id == from_id)
                         .values(issuer_agency_id=into_id))
            aliases_b = set(conn.execute(sa.select(agency_aliases.c.alias)
                                         .where(agency_aliases.c.agency_id == into_id)).scalars())
            for al in conn.execute(sa.select(agency_aliases)
                                   .where(agency_aliases.c.agency_id == from_id)).all():
                if al.alias in aliases_b:
                    conn.execute(agency_aliases.delete().where(agency_aliases.c.id == al.id))
                else:
                    conn.execute(agency_aliases.update().where(agency_aliases.c.id == al.id)
                                 .values(agency_id=into_id))
            conn.execute(agencies.update().where(agencies.c.merged_into == from_id)
                         .values(merged_into=into_id))
            conn.execute(agencies.update().where(agencies.c.id == from_id)
                         .values(merged_into=into_id))
            return {"from": {"id": a.id, "name": a.name}, "into": {"id": b.id, "name": b.name}}

    # ------------------------------------------------------------------ counts
    def counts(self) -> dict[str, int]:
        with self.engine.connect() as conn:
            return {name: conn.execute(sa.select(sa.func.count()).select_from(t)).scalar()
                    for name, t in (("files", files), ("documents", documents),
                                    ("tasks", tasks), ("agencies", agencies),
                                    ("citations", citations), ("task_agencies", task_agencies),
                                    ("aliases", agency_aliases),
                                    ("status_history", status_history))}
