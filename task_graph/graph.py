"""The task graph as a networkx MultiDiGraph, built from the store.

Nodes: `doc:<id>` (stored documents), `ext:<number key>` (cited documents not in the store),
`task:<id>`, `agency:<id>`. Edges (attribute `kind`): issued_by (doc -> agency), cites and
implements (doc -> doc), assigns (doc -> task), lead and support (task -> agency).
"""
from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import sqlalchemy as sa

from task_graph.schema import agencies, citations, documents, task_agencies, tasks
from task_graph.store import Store

FORMATS = ("graphml", "gexf", "json")


def _clean(attrs: dict) -> dict:
    """GraphML/GEXF take scalars only: drop None, dates as ISO strings."""
    out = {}
    for k, v in attrs.items():
        if v is None:
            continue
        out[k] = v.isoformat() if hasattr(v, "isoformat") else v
    return out


def build_graph(store: Store, *, include_tasks: bool = True) -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    with store.connect() as conn:
        for a in conn.execute(sa.select(agencies).where(agencies.c.merged_into.is_(None))):
            g.add_node(f"agency:{a.id}", **_clean({"type": "agency", "label": a.name,
                                                   "kind": a.kind, "level": a.level}))
        for d in conn.execute(sa.select(documents.c.id, documents.c.number, documents.c.doc_type,
                                        documents.c.issued_date, documents.c.issuer_agency_id,
                                        documents.c.subject)):
            node = f"doc:{d.id}"
            g.add_node(node, **_clean({"type": "document", "label": d.number or d.subject,
                                       "number": d.number, "doc_type": d.doc_type,
                                       "issued_date": d.issued_date}))
            if d.issuer_agency_id:
                g.add_edge(node, f"agency:{d.issuer_agency_id}", kind="issued_by")
        for c in conn.execute(sa.select(citations)):
            if c.target_document_id:
                target = f"doc:{c.target_document_id}"
            elif c.number_key:
                target = f"ext:{c.number_key}"
                if target not in g:
                    g.add_node(target, **_clean({"type": "external_document", "label": c.number,
                                                 "number": c.number, "doc_type": c.doc_type,
                                                 "issued_date": c.cited_date}))
            else:
                continue
            g.add_edge(f"doc:{c.document_id}", target, kind=c.relation)
        if include_tasks:
            for t in conn.execute(sa.select(tasks.c.id, tasks.c.document_id, tasks.c.action,
                                            tasks.c.due, tasks.c.recurrence, tasks.c.status,
                                            tasks.c.section)):
                node = f"task:{t.id}"
                g.add_node(node, **_clean({"type": "task", "label": t.action[:80],
                                           "action": t.action, "due": t.due,
                                           "recurrence": t.recurrence, "status": t.status,
                                           "section": t.section}))
                g.add_edge(f"doc:{t.document_id}", node, kind="assigns")
            for ta in conn.execute(sa.select(task_agencies.c.task_id, task_agencies.c.agency_id,
                                             task_agencies.c.role)):
                g.add_edge(f"task:{ta.task_id}", f"agency:{ta.agency_id}", kind=ta.role)
    return g


def export_graph(graph: nx.MultiDiGraph, fmt: str, out: str | Path | None = None) -> str | None:
    """Write the graph as graphml, gexf or json (node-link) to `out`, or return it as text."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    if fmt == "json":
        text = json.dumps(nx.node_link_data(graph, edges="links"), ensure_ascii=False,
                          indent=1)
    elif fmt == "graphml":
        text = "\n".join(nx.generate_graphml(graph))
    else:
        text = "\n".join(nx.generate_gexf(graph))
    if out is None:
        return text
    Path(out).write_text(text, encoding="utf-8")
    return None
