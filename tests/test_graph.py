"""Implements vs cites, the implements chain, and the networkx graph export."""
from __future__ import annotations

import io
import json
from pathlib import Path

import networkx as nx
import pytest
import sqlalchemy as sa

from task_graph import queries as q
from task_graph import relations
from task_graph.graph import build_graph, export_graph
from task_graph.ingest import ingest_paths
from task_graph.schema import citations, documents
from task_graph.store import open_store

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"
GOLD = ROOT / "corpus" / "gold"


@pytest.fixture(scope="module")
def store(module_db_url):
    s = open_store(module_db_url)
    assert not ingest_paths(s, [SEEDS], extraction_dir=GOLD, progress=False).failures
    return s


def relations_by_number(store):
    with store.connect() as conn:
        src = documents.alias("src")
        stmt = (sa.select(src.c.number, citations.c.number, citations.c.relation)
                .select_from(citations.join(src, src.c.id == citations.c.document_id)))
        return {(a, b): r for a, b, r in conn.execute(stmt)}


def test_cover_letter_implements_the_plan_it_forwards(store):
    rels = relations_by_number(store)
    assert rels[("7590/UBND-KT", "5077/KH-SNN")] == "implements"
    with store.connect() as conn:
        target = conn.execute(sa.select(documents.c.number).select_from(
            citations.join(documents, documents.c.id == citations.c.target_document_id))
            .where(citations.c.number == "5077/KH-SNN")).scalar()
    assert target == "5077/KH-SNN"


def test_legal_basis_is_only_cited(store):
    rels = relations_by_number(store)
    assert rels[("5077/KH-SNN", "46-CT/TU")] == "cites"           # "Căn cứ Chỉ thị số ..."
    assert rels[("5077/KH-SNN", "1698/QĐ-UBND")] == "cites"
    assert rels[("125/KH-UBND", "01/QĐ-BCĐTW")] == "cites"
    assert sum(r == "implements" for r in rels.values()) == 1


@pytest.mark.parametrize("text, relation", [
    ("Trên cơ sở Kế hoạch số 5077/KH-SNN ngày 13/12/2019", "implements"),
    ("Thực hiện Quyết định số 490/QĐ-TTg ngày 07/5/2018 của Thủ tướng", "implements"),
    ("Triển khai Kế hoạch số 10877/KH-UBND, UBND huyện", "implements"),
    ("Căn cứ Quyết định số 490/QĐ-TTg ngày 07/5/2018", "cites"),
    ("Căn cứ Quyết định số 1698/QĐ-UBND; Kế hoạch số 10877/KH-UBND", "cites"),
    ("Tổ chức thực hiện các nội dung của Chương trình theo nhiều hình thức, bám sát "
     "hướng dẫn tại Quyết định số 490/QĐ-TTg", "cites"),
])
def test_relation_from_the_words_before_the_number(text, relation):
    number = text.split("số ")[-1].split()[0].rstrip(",;")
    assert relations.classify(text, number)[0] == relation


def test_chain_up_and_down(store):
    down = q.chain(store, "5077/KH-SNN")["documents"][0]
    assert [d["number"] for d in down["down"]] == ["7590/UBND-KT"]
    up = q.chain(store, "7590/UBND-KT")["documents"][0]
    assert [d["number"] for d in up["up"]] == ["5077/KH-SNN"]
    assert up["up"][0]["stored"] and up["up"][0]["tasks"] > 0


def test_graph_has_every_kind_of_edge(store):
    g = build_graph(store)
    kinds = {k for _u, _v, k in g.edges(data="kind")}
    assert kinds == {"issued_by", "cites", "implements", "assigns", "lead", "support"}
    letter = next(n for n, d in g.nodes(data=True) if d.get("number") == "7590/UBND-KT")
    plan = next(n for n, d in g.nodes(data=True) if d.get("number") == "5077/KH-SNN")
    assert any(d["kind"] == "implements" for d in g.get_edge_data(letter, plan).values())


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "json"])
def test_export_round_trips(store, fmt, tmp_path):
    g = build_graph(store)
    out = tmp_path / f"g.{fmt}"
    export_graph(g, fmt, out)
    if fmt == "graphml":
        back = nx.read_graphml(out)
    elif fmt == "gexf":
        back = nx.read_gexf(out)
    else:
        back = nx.node_link_graph(json.loads(out.read_text(encoding="utf-8")), edges="links")
    assert back.number_of_nodes() == g.number_of_nodes()
    assert back.number_of_edges() == g.number_of_edges()
    assert isinstance(io.StringIO(export_graph(g, fmt)).read(), str)
