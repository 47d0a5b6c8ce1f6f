"""Build a synthetic task-graph store for benchmarks: by default 100,000 documents and
1,000,000 tasks, shaped like the real thing (63 provinces with their departments, districts and
communes; a Prime Minister's decision implemented by province plans, department plans and
district plans; 1-3 agencies per task; a tenth of the tasks recurring).

    .venv/bin/python bench/make_synthetic_store.py [--db bench/results/synthetic.sqlite3]
        [--documents 100000] [--tasks-per-document 10] [--seed 7] [--if-empty]

Rows go in through SQLAlchemy Core executemany in large batches, so the same script fills a
PostgreSQL database given a URL.
"""
from __future__ import annotations

import argparse
import random
import sys
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from task_graph import recurrence as rec  # noqa: E402
from task_graph.schema import (agencies, agency_aliases, citations, documents,  # noqa: E402
                               files, task_agencies, tasks)
from task_graph.store import open_store  # noqa: E402
from task_graph.text import (document_search_key, fold, name_key, number_key,  # noqa: E402
                             search_key)

DEPARTMENTS = ["Sở Nông nghiệp và Phát triển nông thôn", "Sở Công Thương", "Sở Tài chính",
               "Sở Kế hoạch và Đầu tư", "Sở Khoa học và Công nghệ", "Sở Y tế",
               "Sở Văn hóa, Thể thao và Du lịch", "Sở Thông tin và Truyền thông",
               "Sở Tài nguyên và Môi trường", "Sở Lao động - Thương binh và Xã hội",
               "Sở Giao thông vận tải", "Sở Xây dựng", "Sở Nội vụ", "Sở Tư pháp",
               "Sở Giáo dục và Đào tạo", "Sở Ngoại vụ", "Văn phòng Điều phối nông thôn mới",
               "Chi cục Phát triển nông thôn", "Liên minh Hợp tác xã", "Ban Dân tộc"]
DISTRICT_OFFICES = ["Phòng Nông nghiệp và Phát triển nông thôn", "Phòng Tài chính - Kế hoạch",
                    "Phòng Kinh tế - Hạ tầng", "Phòng Văn hóa và Thông tin",
                    "Trung tâm Dịch vụ nông nghiệp", "Phòng Tài nguyên và Môi trường"]
GROUPS = ["Các sở, ban, ngành", "Ủy ban nhân dân các huyện, thành phố",
          "Các cơ quan, đơn vị liên quan"]
RECURRENCES = ["annual"] * 6 + ["quarterly"] * 3 + ["monthly"]
BATCH = 20_000


def chunks(rows, size=BATCH):
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def build(db: str, n_docs: int, per_doc: int, seed: int, if_empty: bool = False) -> dict:
    rnd = random.Random(seed)
    store = open_store(db)
    engine = store.engine
    t0 = time.perf_counter()
    if if_empty:
        with engine.connect() as conn:
            held = conn.execute(sa.select(sa.func.count()).select_from(documents)).scalar()
            held_tasks = conn.execute(sa.select(sa.func.count()).select_from(tasks)).scalar()
        if held:
            return {"db": str(engine.url), "kept": True, "documents": held, "tasks": held_tasks}
    if engine.dialect.name == "sqlite":          # bulk load: no fsync per commit
        engine.dispose()
        sa.event.listen(engine, "connect",
                        lambda dbapi, _rec: dbapi.execute("PRAGMA synchronous=OFF"))
    with engine.begin() as conn:
        if conn.execute(sa.select(sa.func.count()).select_from(documents)).scalar():
            raise SystemExit(f"{db} already holds documents; give a new --db")

    # ------------------------------------------------------------------ agencies
    agency_rows, by_province, district_offices, groups = [], {}, {}, {}
    next_id = 1

    def add(name, kind, level, base, scope, province=None, district=None):
        nonlocal next_id
        agency_rows.append(dict(id=next_id, key=f"{fold(base)}|{scope}", name=name, kind=kind,
                                level=level, base_key=fold(base), scope_key=scope,
                                province=province, district=district))
        next_id += 1
        return next_id - 1

    pm = add("Thủ tướng Chính phủ", "agency", "central", "Thủ tướng Chính phủ", "")
    provinces = [f"Tỉnh {i:02d}" for i in range(1, 64)]
    districts = {}
    for p in provinces:
        scope = f"tinh:{fold(p)}"
        ubnd = add(f"Ủy ban nhân dân tỉnh {p}", "agency", "province", "Ủy ban nhân dân", scope, p)
        deps = [add(f"{d} tỉnh {p}", "agency", "province", d, scope, p) for d in DEPARTMENTS]
        by_province[p] = (ubnd, deps)
        groups[p] = [add(f"{g} (tỉnh {p})", "group", None, g, scope, p) for g in GROUPS]
        districts[p] = []
        for k in range(1, 11):
            dname = f"{p} huyện {k:02d}"
            dscope = f"huyen:{fold(dname)}"
            dubnd = add(f"Ủy ban nhân dân huyện {dname}", "agency", "district",
                        "Ủy ban nhân dân", dscope, p, dname)
            offices = [add(f"{o} huyện {dname}", "agency", "district", o, dscope, p, dname)
                       for o in DISTRICT_OFFICES]
            districts[p].append((dubnd, offices))
            district_offices[dubnd] = offices
    with engine.begin() as conn:
        for c in chunks(agency_rows):
            conn.execute(agencies.insert(), c)
        aliases = [dict(agency_id=a["id"], alias=a["name"], alias_key=name_key(a["name"]))
                   for a in agency_rows]
        for c in chunks(aliases):
            conn.execute(agency_aliases.insert(), c)

    # ------------------------------------------------------------------ documents
    now = datetime(2024, 1, 1)
    with engine.begin() as conn:
        file_id = conn.execute(files.insert().values(
            sha256="0" * 64, source_path="synthetic", size=0, text="",
            extraction_json="{}", extractor="synthetic", ingested_at=now)).inserted_primary_key[0]
    doc_rows, cit_rows = [], []
    central = []           # (id, date)
    province_docs = {p: [] for p in provinces}
    dept_docs = {p: [] for p in provinces}
    doc_meta = []          # (id, date, issuer level, province, district index)
    start = date(2018, 1, 1)
    for i in range(1, n_docs + 1):
        issued = start + timedelta(days=rnd.randrange(0, 6 * 365))
        r = rnd.random()
        p = rnd.choice(provinces)
        if i <= 20:
            kind, issuer, dtype, suffix = "central", pm, "Quyết định", "QĐ-TTg"
        elif r < 0.15:
            kind, issuer, dtype, suffix = "province", by_province[p][0], "Kế hoạch", "KH-UBND"
        elif r < 0.45:
            kind, issuer, dtype, suffix = "dept", rnd.choice(by_province[p][1]), "Kế hoạch", \
                "KH-SNN"
        else:
            kind, dtype, suffix = "district", "Kế hoạch", "KH-UBND"
            issuer = rnd.choice(districts[p])[0]
        number = f"{rnd.randrange(1, 3000)}/{suffix}" if i > 20 else f"{i * 100 + 90}/QĐ-TTg"
        doc_rows.append(dict(id=i, file_id=file_id, ordinal=i, doc_type=dtype, number=number,
                             number_key=number_key(number), issued_date=issued,
                             issuer=None, issuer_agency_id=issuer,
                             province=None if kind == "central" else p, subject=f"Văn bản {i}",
                             extraction_json="{}",
                             search_key=document_search_key(dtype, number, f"Văn bản {i}",
                                                            None)))
        # what it implements: one parent a level up, plus a couple of plain citations
        parent = None
        if kind == "province" and central:
            parent = rnd.choice(central)
        elif kind == "dept" and province_docs[p]:
            parent = rnd.choice(province_docs[p][-50:])
        elif kind == "district" and (dept_docs[p] or province_docs[p]):
            pool = (dept_docs[p] or province_docs[p])[-50:]
            parent = rnd.choice(pool)
        if parent:
            cit_rows.append(dict(document_id=i, doc_type="Kế hoạch", number=doc_rows[parent - 1]
                                 ["number"], number_key=doc_rows[parent - 1]["number_key"],
                                 relation="implements", target_document_id=parent,
                                 context="Thực hiện Kế hoạch số"))
        for _ in range(2):
            if central:
                c = rnd.choice(central)
                cit_rows.append(dict(document_id=i, doc_type="Quyết định",
                                     number=doc_rows[c - 1]["number"],
                                     number_key=doc_rows[c - 1]["number_key"],
                                     relation="cites", target_document_id=c,
                                     context="Căn cứ Quyết định số"))
        if kind == "central":
            central.append(i)
        elif kind == "province":
            province_docs[p].append(i)
        elif kind == "dept":
            dept_docs[p].append(i)
        doc_meta.append((i, issued, kind, p, issuer))
    with engine.begin() as conn:
        for c in chunks(doc_rows):
            conn.execute(documents.insert(), c)
        for c in chunks(cit_rows):
            conn.execute(citations.insert(), c)

    # ------------------------------------------------------------------ tasks
    task_id = 0
    n_tasks = n_links = 0
    t_rows, ta_rows = [], []

    def flush(conn):
        nonlocal t_rows, ta_rows
        if t_rows:
            conn.execute(tasks.insert(), t_rows)
        if ta_rows:
            conn.execute(task_agencies.insert(), ta_rows)
        t_rows, ta_rows = [], []

    with engine.begin() as conn:
        for doc_id, issued, kind, p, issuer in doc_meta:
            if kind == "district":
                pool = district_offices[issuer] + [rnd.choice(districts[p])[0]]
                group_pool = groups[p][2:]
            else:
                pool = by_province[p][1] + [d[0] for d in districts[p]]
                group_pool = groups[p]
            for k in range(per_doc):
                task_id += 1
                recurrence = rnd.choice(RECURRENCES) if rnd.random() < 0.1 else None
                due = None
                if recurrence is None and rnd.random() < 0.7:
                    due = issued + timedelta(days=rnd.randrange(30, 720))
                next_due = rec.first_open_due(recurrence, issued, due, set())
                action = (f"Nhiệm vụ {k + 1} của văn bản {doc_id}: triển khai, "
                          f"báo cáo kết quả thực hiện Chương trình OCOP.")
                t_rows.append(dict(id=task_id, document_id=doc_id, ordinal=k,
                                   action=action, search_key=search_key(action),
                                   section=f"V.{k + 1}", due=due, deadline_text=None,
                                   recurrence=recurrence, optional=False, implied_lead=False,
                                   doc_date=issued, status="open", next_due=next_due))
                lead = rnd.choice(group_pool) if rnd.random() < 0.05 else rnd.choice(pool)
                ta_rows.append(dict(task_id=task_id, agency_id=lead, role="lead", position=0))
                for pos, sup in enumerate({rnd.choice(pool) for _ in range(rnd.randrange(0, 3))}
                                          - {lead}):
                    ta_rows.append(dict(task_id=task_id, agency_id=sup, role="support",
                                        position=pos))
                n_tasks += 1
            if len(t_rows) >= BATCH:
                n_links += len(ta_rows)
                flush(conn)
        n_links += len(ta_rows)
        flush(conn)
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            conn.exec_driver_sql("ANALYZE")
    elif engine.dialect.name == "postgresql":      # ids were given explicitly: move sequences
        with engine.begin() as conn:
            for table in ("agencies", "documents", "tasks"):
                conn.exec_driver_sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                     f"(SELECT MAX(id) FROM {table}))")
            conn.exec_driver_sql("ANALYZE")
    return {"db": str(engine.url), "agencies": len(agency_rows), "documents": len(doc_rows),
            "citations": len(cit_rows), "tasks": n_tasks, "task_agencies": n_links,
            "seconds": round(time.perf_counter() - t0, 1)}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default="bench/results/synthetic.sqlite3")
    ap.add_argument("--documents", type=int, default=100_000)
    ap.add_argument("--tasks-per-document", type=int, default=10)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--if-empty", action="store_true",
                    help="a store that already holds documents is kept as it is (no error)")
    args = ap.parse_args(argv)
    if "://" not in args.db:
        Path(args.db).parent.mkdir(parents=True, exist_ok=True)
    print(build(args.db, args.documents, args.tasks_per_document, args.seed,
                args.if_empty))
    return 0


if __name__ == "__main__":
    sys.exit(main())
