"""Latency of the task-graph queries on a large store (median of repeated runs).

    bash bench/bench_store_both.sh            # SQLite and PostgreSQL, one command (see there)
    .venv/bin/python bench/make_synthetic_store.py            # once: 100k documents, 1M tasks
    .venv/bin/python bench/bench_store.py [--db bench/results/synthetic.sqlite3] [--repeat 15]
        [--only SUBSTRING]
    .venv/bin/python bench/bench_store.py --summary A.json B.json   # side by side, vs 200 ms

The same two commands with `--db postgresql+psycopg://USER@HOST:PORT/DB` (an empty database)
measure PostgreSQL. Calls the same functions the CLI and the web UI use (task_graph.queries)
and prints, per query, the median (p50) and 95th-percentile wall time in milliseconds and the
size of the answer; the figures are also written to bench/results/bench_store_<backend>.json.
Deep pages are measured both ways: with an offset, and with the keyset cursor (`after`) of
the page before, walked to beforehand.
"""
from __future__ import annotations

import argparse
import functools
import json
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import sqlalchemy as sa  # noqa: E402

from task_graph import queries as q  # noqa: E402
from task_graph.schema import citations, documents, tasks  # noqa: E402
from task_graph.store import open_store  # noqa: E402

AS_OF = "2022-06-30"
TARGET_P50_MS = 200          # issue 10: every query under 200 ms p50 at 1M tasks


def pick_numbers(store) -> dict[str, str]:
    """A central decision, a province plan and a district plan that sit on implements chains."""
    with store.connect() as conn:
        central = conn.execute(sa.select(documents.c.number).where(
            documents.c.number.like("%/QĐ-TTg")).order_by(documents.c.id).limit(1)).scalar()
        mid = conn.execute(sa.select(documents.c.number).select_from(
            citations.join(documents, documents.c.id == citations.c.target_document_id))
            .where(citations.c.relation == "implements", documents.c.number.like("%/KH-UBND"))
            .order_by(citations.c.id).limit(1)).scalar()
        leaf = conn.execute(sa.select(documents.c.number).select_from(
            citations.join(documents, documents.c.id == citations.c.document_id))
            .where(citations.c.relation == "implements")
            .order_by(citations.c.id.desc()).limit(1)).scalar()
    return {"central": central, "province": mid, "leaf": leaf}


def cursor_at(page, pages: int) -> str | None:
    """The `next` cursor after `pages` pages (walked once, not timed)."""
    after = None
    for _ in range(pages):
        result = page(after)
        if not result.get("next"):
            break
        after = result["next"]
    return after


def timed(fn, repeat: int) -> tuple[list[float], object]:
    out = None
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t) * 1000)
    return times, out


def size(result) -> str:
    if isinstance(result, dict) and "agencies" in result:
        return (f"{result['rows']} rows / {len(result['agencies'])} agencies"
                + (" (more pages)" if result.get("truncated") else ""))
    if isinstance(result, dict) and "words" in result:
        return (f"{len(result['documents'])} docs, {len(result['tasks'])} tasks"
                + (" (more)" if result.get("truncated") else ""))
    if isinstance(result, dict) and "documents" in result:
        def count(nodes, key):
            return sum(1 + count(n.get(key) or [], key) for n in nodes)
        docs = result["documents"]
        return (f"{len(docs)} docs, {sum(count(d['up'], 'up') for d in docs)} up, "
                f"{sum(count(d['down'], 'down') for d in docs)} down"
                + (" (truncated)" if result.get("truncated") else ""))
    return "?"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default="bench/results/synthetic.sqlite3")
    ap.add_argument("--repeat", type=int, default=15)
    ap.add_argument("--out", default=None,
                    help="default bench/results/bench_store_<sqlite|postgresql>.json")
    ap.add_argument("--only", default=None,
                    help="run only the queries whose name contains this text")
    ap.add_argument("--summary", nargs="+", metavar="JSON",
                    help="print the results files given side by side and exit")
    args = ap.parse_args(argv)
    if args.summary:
        return summary(args.summary)
    store = open_store(args.db)
    backend = store.engine.dialect.name
    args.out = args.out or f"bench/results/bench_store_{backend}.json"
    with store.connect() as conn:
        n_tasks = conn.execute(sa.select(sa.func.count()).select_from(tasks)).scalar()
        n_docs = conn.execute(sa.select(sa.func.count()).select_from(documents)).scalar()
    numbers = pick_numbers(store)
    one = "Sở Công Thương tỉnh Tỉnh 07"
    # keyset cursors of the deep pages, walked once when first needed (not timed)
    deep_all = functools.cache(
        lambda: cursor_at(lambda after: q.owes(store, as_of=AS_OF, after=after), 250))
    deep_overdue = functools.cache(
        lambda: cursor_at(lambda after: q.overdue(store, AS_OF, after=after), 100))
    cases = {
        "owes AGENCY (one agency)": lambda: q.owes(store, one, as_of=AS_OF),
        "owes AGENCY --overdue": lambda: q.owes(store, one, as_of=AS_OF, overdue=True),
        "owes 'Sở Công Thương' (63 provinces)": lambda: q.owes(store, "Sở Công Thương",
                                                              as_of=AS_OF),
        "owes (all agencies, first page)": lambda: q.owes(store, as_of=AS_OF),
        "owes (all agencies, page 251, offset)": lambda: q.owes(store, as_of=AS_OF,
                                                               offset=50_000),
        "owes (all agencies, page 251, keyset)": lambda: q.owes(store, as_of=AS_OF,
                                                               after=deep_all()),
        "overdue (all agencies, page 101, keyset)": lambda: q.overdue(store, AS_OF,
                                                                      after=deep_overdue()),
        "owes --due-before (all agencies)": lambda: q.owes(store, as_of=AS_OF,
                                                           due_before="2021-01-31"),
        "overdue --as-of (all agencies)": lambda: q.overdue(store, AS_OF),
        "overdue AGENCY --as-of": lambda: q.overdue(store, AS_OF, one),
        "upcoming --days 30 (all agencies)": lambda: q.upcoming(store, 30, as_of=AS_OF),
        "search 'bao cao ocop' (documents and tasks)": lambda: q.search(
            store, "bao cao ocop", limit=50),
        "search 'van ban 4242' (rare words)": lambda: q.search(store, "van ban 4242", limit=50),
        "chain (district plan, up)": lambda: q.chain(store, numbers["leaf"]),
        "chain (province plan, up and down)": lambda: q.chain(store, numbers["province"]),
        "chain (PM decision, down; node budget)": lambda: q.chain(store, numbers["central"]),
    }
    if args.only:
        cases = {k: v for k, v in cases.items() if args.only.lower() in k.lower()}
    load_before = os.getloadavg()
    print(f"store: {n_docs:,} documents, {n_tasks:,} tasks ({store.engine.url}); "
          f"as of {AS_OF}; {args.repeat} runs each; load average {load_before[0]:.2f}")
    report = {"backend": backend, "documents": n_docs, "tasks": n_tasks, "as_of": AS_OF,
              "repeat": args.repeat, "numbers": numbers, "results": {},
              "load_average_before": round(load_before[0], 2)}
    for name, fn in cases.items():
        fn()                                    # warm the page cache once
        times, result = timed(fn, args.repeat)
        med = statistics.median(times)
        p95 = sorted(times)[round(0.95 * (len(times) - 1))]
        report["results"][name] = {"p50_ms": round(med, 1), "p95_ms": round(p95, 1),
                                   "answer": size(result)}
        print(f"{name:<42} p50 {med:7.1f} ms   p95 {p95:7.1f} ms   {size(result)}")
    report["load_average_after"] = round(os.getloadavg()[0], 2)
    print(f"load average after: {report['load_average_after']:.2f}")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


def summary(paths: list[str]) -> int:
    """Results files side by side: p50 / p95 per back end, and which p50 miss the target."""
    reports = [json.loads(Path(p).read_text(encoding="utf-8")) for p in paths]
    names = list(dict.fromkeys(n for r in reports for n in r["results"]))
    head = "".join(f"{r['backend'] + ' p50 / p95 ms':>26}" for r in reports)
    print(f"{'query':<44}{head}")
    misses = []
    for name in names:
        cells = ""
        for r in reports:
            res = r["results"].get(name)
            if res is None:
                cells += f"{'-':>26}"
                continue
            over = res["p50_ms"] >= TARGET_P50_MS
            if over:
                misses.append(f"{r['backend']}: {name} ({res['p50_ms']} ms)")
            cells += f"{res['p50_ms']:>14.1f} / {res['p95_ms']:>7.1f}{' *' if over else '  '}"
        print(f"{name:<44}{cells}")
    print("stores: " + ", ".join(f"{r['backend']} {r['documents']:,} documents / "
                                 f"{r['tasks']:,} tasks, {r['repeat']} runs" for r in reports))
    print("load average (before, after): " + ", ".join(
        f"{r['backend']} {r.get('load_average_before')}, {r.get('load_average_after')}"
        for r in reports))
    print(f"* p50 at or over {TARGET_P50_MS} ms: " + ("; ".join(misses) if misses else "none"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
