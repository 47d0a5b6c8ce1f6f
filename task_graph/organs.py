"""Organ identifiers (mã định danh, as the edXML exchange gives them in From/To `OrganId`)
kept on agencies, so the same organ is one agency across packages however its name is
written. An identifier is kept as an alias of the agency, "Mã định danh: 000.00.00.H12"
(shown with the other names; no schema change), and looked up by its key."""
from __future__ import annotations

import sqlalchemy as sa

from task_graph.schema import agencies, agency_aliases
from task_graph.text import name_key

PREFIX = "Mã định danh: "


def organ_alias(organ_id: str) -> str:
    return PREFIX + " ".join(organ_id.split())


def agency_by_organ(conn: sa.Connection, organ_id: str | None) -> int | None:
    """The live agency that carries this organ id, or None."""
    if not organ_id or not organ_id.strip():
        return None
    row = conn.execute(sa.select(agencies.c.id, agencies.c.merged_into)
                       .select_from(agency_aliases.join(
                           agencies, agencies.c.id == agency_aliases.c.agency_id))
                       .where(agency_aliases.c.alias_key == name_key(organ_alias(organ_id)))
                       .order_by(agencies.c.id)).first()
    seen = set()
    while row is not None and row.merged_into is not None and row.id not in seen:
        seen.add(row.id)
        row = conn.execute(sa.select(agencies.c.id, agencies.c.merged_into)
                           .where(agencies.c.id == row.merged_into)).first()
    return row.id if row else None


def organ_ids(conn: sa.Connection, agency_id: int) -> list[str]:
    """The organ ids known for an agency."""
    rows = conn.execute(sa.select(agency_aliases.c.alias).where(
        agency_aliases.c.agency_id == agency_id,
        agency_aliases.c.alias.like(PREFIX + "%"))).scalars()
    return [r[len(PREFIX):] for r in rows]
