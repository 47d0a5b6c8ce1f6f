"""The database schema (SQLAlchemy Core), portable across SQLite and PostgreSQL.

Names, numbers and other text taken from documents are `Text` (no length limit for PostgreSQL
to enforce); only short codes (status, role, kind, level, period, hash) are `String(n)`.

`metadata` describes the current schema; `task_graph.migrations` brings a database to it step
by step. Dates are `Date` columns (ISO strings in SQLite), timestamps are UTC `DateTime`s.
"""
from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

schema_version = sa.Table(
    "schema_version", metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("description", sa.String(200), nullable=False),
    sa.Column("applied_at", sa.DateTime, nullable=False),
)

# One ingested file: its bytes' hash makes ingest idempotent; its text is kept whole.
files = sa.Table(
    "files", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sha256", sa.String(64), nullable=False, unique=True),
    sa.Column("source_path", sa.Text, nullable=False),
    sa.Column("size", sa.Integer),
    sa.Column("text", sa.Text),
    sa.Column("extraction_json", sa.Text, nullable=False),
    sa.Column("extractor", sa.Text),
    sa.Column("ingested_at", sa.DateTime, nullable=False),
    # identity of the text as well as of the bytes (step 4): the same letter saved with CRLF
    # endings, a BOM or in TCVN3 bytes is one file (task_graph.text.text_identity)
    sa.Column("text_sha256", sa.String(64)),
    sa.Index("ix_files_text_sha256", "text_sha256"),
)

agencies = sa.Table(
    "agencies", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("key", sa.Text, nullable=False, unique=True),
    sa.Column("name", sa.Text, nullable=False),
    sa.Column("kind", sa.String(10), nullable=False),          # agency | group
    sa.Column("level", sa.String(10)),                         # central|province|district|commune
    sa.Column("base_key", sa.Text, nullable=False),
    sa.Column("scope_key", sa.Text, nullable=False),
    sa.Column("province", sa.Text),
    sa.Column("district", sa.Text),
    sa.Column("merged_into", sa.Integer, sa.ForeignKey("agencies.id")),
    sa.Index("ix_agencies_base_key", "base_key"),
    sa.Index("ix_agencies_name", "name"),
)

agency_aliases = sa.Table(
    "agency_aliases", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("agency_id", sa.Integer, sa.ForeignKey("agencies.id"), nullable=False),
    sa.Column("alias", sa.Text, nullable=False),        # as written in a document
    sa.Column("alias_key", sa.Text, nullable=False),    # task_graph.text.name_key
    sa.UniqueConstraint("agency_id", "alias", name="uq_agency_alias"),
    sa.Index("ix_agency_aliases_key", "alias_key"),
)

# A manual fix of a wrong split: every identity key in `from_key` resolves to `into_key`.
agency_merges = sa.Table(
    "agency_merges", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("from_key", sa.Text, nullable=False),
    sa.Column("into_key", sa.Text, nullable=False),
    sa.Column("merged_by", sa.Text),
    sa.Column("merged_at", sa.DateTime, nullable=False),
    sa.Index("ix_agency_merges_from", "from_key"),
)

# District -> province facts learned from documents (a district plan forwarding a province's).
places = sa.Table(
    "places", metadata,
    sa.Column("district_key", sa.Text, primary_key=True),
    sa.Column("district", sa.Text, nullable=False),
    sa.Column("province", sa.Text, nullable=False),
)

documents = sa.Table(
    "documents", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("file_id", sa.Integer, sa.ForeignKey("files.id"), nullable=False),
    sa.Column("ordinal", sa.Integer, nullable=False),          # position in the file
    sa.Column("doc_type", sa.Text),
    sa.Column("number", sa.Text),
    sa.Column("number_key", sa.Text),
    sa.Column("issued_date", sa.Date),
    sa.Column("place", sa.Text),
    sa.Column("issuer", sa.Text),
    sa.Column("issuer_agency_id", sa.Integer, sa.ForeignKey("agencies.id")),
    sa.Column("province", sa.Text),
    sa.Column("district", sa.Text),
    sa.Column("subject", sa.Text),
    sa.Column("signer", sa.Text),
    sa.Column("text_start", sa.Integer),                       # span in files.text
    sa.Column("text_end", sa.Integer),
    sa.Column("extraction_json", sa.Text, nullable=False),     # this document's record
    # folded type, number, subject and issuer for full-text search (step 5; on PostgreSQL a
    # GIN index over its words, task_graph.migrations)
    sa.Column("search_key", sa.Text),
    # +1 on every change (Store.update_document): a save made on an older version is refused
    sa.Column("version", sa.Integer, nullable=False, default=1, server_default="1"),
    sa.Index("ix_documents_number_key", "number_key"),
    sa.Index("ix_documents_file", "file_id", "ordinal"),
    sa.Index("ix_documents_issuer", "issuer_agency_id"),
)

citations = sa.Table(
    "citations", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id"), nullable=False),
    sa.Column("doc_type", sa.Text),
    sa.Column("number", sa.Text),
    sa.Column("number_key", sa.Text),
    sa.Column("cited_date", sa.Date),
    sa.Column("issuer", sa.Text),
    sa.Column("relation", sa.String(12), nullable=False),      # implements | cites
    sa.Column("context", sa.Text),                             # the words before the number
    sa.Column("target_document_id", sa.Integer, sa.ForeignKey("documents.id")),
    sa.Index("ix_citations_document", "document_id"),
    sa.Index("ix_citations_target", "target_document_id", "relation"),
    sa.Index("ix_citations_number_key", "number_key"),
)

tasks = sa.Table(
    "tasks", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("document_id", sa.Integer, sa.ForeignKey("documents.id"), nullable=False),
    sa.Column("ordinal", sa.Integer, nullable=False),
    sa.Column("action", sa.Text, nullable=False),
    sa.Column("section", sa.Text),
    sa.Column("due", sa.Date),
    sa.Column("deadline_text", sa.Text),
    sa.Column("recurrence", sa.Text),
    sa.Column("optional", sa.Boolean, nullable=False, default=False),
    sa.Column("implied_lead", sa.Boolean, nullable=False, default=False),
    sa.Column("doc_date", sa.Date),                            # copy of the document's date
    # Current state, kept by the store: "open" or "done" (a recurring task stays "open" and
    # keeps per-period statuses in task_status); next_due = due of the first open occurrence.
    sa.Column("status", sa.String(10), nullable=False, default="open"),
    sa.Column("next_due", sa.Date),
    sa.Column("search_key", sa.Text),                          # folded action (step 5)
    # +1 on every change of the task's text, agencies or statuses
    sa.Column("version", sa.Integer, nullable=False, default=1, server_default="1"),
    sa.Index("ix_tasks_document", "document_id", "ordinal"),
    sa.Index("ix_tasks_status_next_due", "status", "next_due"),
    sa.Index("ix_tasks_recurrence", "recurrence", "doc_date"),
)

task_agencies = sa.Table(
    "task_agencies", metadata,
    sa.Column("task_id", sa.Integer, sa.ForeignKey("tasks.id"), primary_key=True,
              autoincrement=False),
    sa.Column("agency_id", sa.Integer, sa.ForeignKey("agencies.id"), primary_key=True,
              autoincrement=False),
    sa.Column("role", sa.String(8), primary_key=True),         # lead | support
    sa.Column("position", sa.Integer, nullable=False, default=0),
    sa.Column("written", sa.Text),                      # the name as the task wrote it
    # Copies of the task's status, next_due and doc_date (step 6), kept by database triggers
    # (task_graph.migrations): "what does this set of agencies owe, earliest first" then
    # reads one index range per agency instead of looking up every task it was given.
    sa.Column("status", sa.String(10)),
    sa.Column("next_due", sa.Date),
    sa.Column("doc_date", sa.Date),
    sa.Index("ix_task_agencies_agency", "agency_id", "role", "task_id"),
    # every agency's tasks, page by page (the filters on the copied values read no task row)
    sa.Index("ix_task_agencies_role_agency_open", "role", "agency_id", "task_id", "status",
             "doc_date"),
    sa.Index("ix_task_agencies_open_due", "agency_id", "role", "status", "next_due", "task_id",
             "doc_date"),
)

# Current status of one occurrence of a task (period "" for a one-off task).
task_status = sa.Table(
    "task_status", metadata,
    sa.Column("task_id", sa.Integer, sa.ForeignKey("tasks.id"), primary_key=True,
              autoincrement=False),
    sa.Column("period", sa.String(12), primary_key=True),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("changed_at", sa.DateTime, nullable=False),
    sa.Column("changed_by", sa.Text),
)

status_history = sa.Table(
    "status_history", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("task_id", sa.Integer, sa.ForeignKey("tasks.id"), nullable=False),
    sa.Column("period", sa.String(12), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("changed_at", sa.DateTime, nullable=False),
    sa.Column("changed_by", sa.Text),
    sa.Column("evidence_number", sa.Text),
    sa.Column("evidence_document_id", sa.Integer, sa.ForeignKey("documents.id")),
    sa.Column("note", sa.Text),
    sa.Index("ix_status_history_task", "task_id", "period"),
)

# Follow-up letters (công văn đôn đốc) drafted by ocop_docs.letters and the tasks each chases
# (migration step 2; the same shapes ocop_docs.letters.ledger created before the step existed).
reminder_letters = sa.Table(
    "reminder_letters", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("issuer", sa.Text, nullable=False),
    sa.Column("recipient", sa.Text, nullable=False),           # "Kính gửi", as printed
    sa.Column("recipient_key", sa.Text, nullable=False),       # casefolded, for look-ups
    sa.Column("kind", sa.String(10), nullable=False),          # overdue | upcoming
    sa.Column("ordinal", sa.Integer, nullable=False),          # 1st, 2nd ... reminder
    sa.Column("number", sa.Text),                              # register number, once issued
    sa.Column("symbol", sa.Text, nullable=False),              # "UBND-KT"
    sa.Column("letter_date", sa.Date, nullable=False),
    sa.Column("as_of", sa.Date, nullable=False),
    sa.Column("reply_by", sa.Date),
    sa.Column("file_path", sa.Text),
    sa.Column("created_at", sa.DateTime, nullable=False),
    sa.Column("created_by", sa.Text),
    sa.Index("ix_reminder_letters_recipient", "recipient_key", "letter_date"),
)

reminder_letter_tasks = sa.Table(
    "reminder_letter_tasks", metadata,
    sa.Column("letter_id", sa.Integer, sa.ForeignKey("reminder_letters.id"), primary_key=True,
              autoincrement=False),
    sa.Column("task_id", sa.Integer, sa.ForeignKey("tasks.id"), primary_key=True,
              autoincrement=False),
    sa.Column("days_overdue", sa.Integer),
    sa.Index("ix_reminder_letter_tasks_task", "task_id"),
)
