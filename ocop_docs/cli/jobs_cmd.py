"""`ocop-docs worker`: process queued files; `ocop-docs jobs`: what is queued, running, failed
and done, with each worker's throughput; `ingest --queue URL` (in graph_cmds) enqueues."""
from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

EXIT_OK, EXIT_FAILURE, EXIT_USAGE = 0, 1, 2
STATUS_VI = {"queued": "đang chờ", "running": "đang xử lý", "done": "xong",
             "duplicate": "đã có", "failed": "lỗi"}


def _err(message: str) -> None:
    print(f"ocop-docs: lỗi: {message}", file=sys.stderr)


def _db_arg(p) -> None:
    p.add_argument("--db", metavar="URL|PATH",
                   help="cơ sở dữ liệu (mặc định $OCOP_DOCS_DB hoặc var/ocop-docs.sqlite3)")


def _queue_arg(p, required: str) -> None:
    p.add_argument("--queue", metavar="URL",
                   help=f"hàng đợi, vd. redis://127.0.0.1:6379/0 (mặc định $OCOP_DOCS_QUEUE){required}")


def register(sub) -> None:
    p = sub.add_parser("worker", help="xử lý các tệp trong hàng đợi (OCR, trích xuất, lưu)",
                       description="Nhận việc từ hàng đợi và xử lý: đọc (OCR), trích xuất, lưu "
                                   "vào cơ sở dữ liệu. Chạy trên bao nhiêu máy cũng được, cùng "
                                   "một hàng đợi và một cơ sở dữ liệu; tệp phải đọc được ở cùng "
                                   "đường dẫn (thư mục dùng chung). Dừng bằng SIGTERM/Ctrl-C: "
                                   "việc đang làm xong rồi mới thoát; tiến trình bị giết giữa "
                                   "chừng thì việc được giao lại cho tiến trình khác.")
    _queue_arg(p, "")
    _db_arg(p)
    p.add_argument("--concurrency", type=int, metavar="N",
                   help="số tiến trình xử lý (mặc định: số lõi CPU; mỗi tiến trình một "
                        "tesseract đơn luồng)")
    p.add_argument("--name", metavar="NAME", help="tên tiến trình (mặc định celery@<máy>)")
    p.set_defaults(func=run_worker)

    p = sub.add_parser("jobs", help="việc trong hàng đợi: đang chờ, đang xử lý, lỗi, xong",
                       description="Số việc theo trạng thái, năng suất từng tiến trình xử lý "
                                   "(trang/phút) và danh sách việc (mới nhất trước).")
    p.add_argument("--status", choices=sorted(STATUS_VI), help="chỉ việc ở trạng thái này")
    p.add_argument("--limit", type=int, default=30, metavar="N", help="số việc liệt kê (30)")
    p.add_argument("--format", choices=("table", "json"), default="table")
    p.add_argument("--requeue", action="store_true",
                   help="gửi lại vào hàng đợi các việc đang chờ và việc mà tiến trình xử lý đã "
                        "ngừng báo (sau khi mất hàng đợi)")
    _queue_arg(p, "")
    _db_arg(p)
    p.set_defaults(func=run_jobs)


def run_worker(args) -> int:
    from ocop_docs.jobs.queue import QueueError, queue_url, worker

    url = queue_url(args.queue)
    if not url:
        _err("cần --queue URL hoặc $OCOP_DOCS_QUEUE (vd. redis://127.0.0.1:6379/0)")
        return EXIT_USAGE
    if args.db:
        os.environ["OCOP_DOCS_DB"] = args.db
    try:
        from task_graph import open_store
        from ocop_docs.jobs import state

        store = open_store(args.db)
        state.ensure_tables(store.engine)
        store.close()
        return worker(url, concurrency=args.concurrency, name=args.name)
    except QueueError as exc:
        _err(str(exc))
        return EXIT_FAILURE


def run_jobs(args) -> int:
    from ocop_docs.jobs import state
    from task_graph import open_store

    store = open_store(args.db)
    engine = store.engine
    resent = []
    if args.requeue:
        from ocop_docs.jobs.queue import QueueError, queue_url, send

        url = queue_url(args.queue)
        if not url:
            _err("--requeue cần --queue URL hoặc $OCOP_DOCS_QUEUE")
            return EXIT_USAGE
        try:
            for job in state.stale(engine):
                send(url, job["id"])
                resent.append(job["id"])
        except QueueError as exc:
            _err(str(exc))
            return EXIT_FAILURE
    summary = state.summary(engine)
    rows = state.listing(engine, status=args.status, limit=args.limit)
    if args.format == "json":
        out = dict(summary, jobs=[{k: (v.isoformat() if hasattr(v, "isoformat") else v)
                                   for k, v in r.items()} for r in rows], requeued=resent)
        print(json.dumps(out, ensure_ascii=False, indent=2))
        return EXIT_OK
    c = summary["counts"]
    print("Việc: " + ", ".join(f"{STATUS_VI[s]} {c[s]}" for s in state.STATUSES))
    if resent:
        print(f"Đã gửi lại {len(resent)} việc vào hàng đợi.")
    if summary["workers"]:
        print("\nTiến trình xử lý           tệp   trang   giây bận   trang/phút   tệp/giờ")
        for w in summary["workers"]:
            ppm = "" if w["pages_per_minute"] is None else w["pages_per_minute"]
            fph = "" if w["files_per_hour"] is None else w["files_per_hour"]
            print(f"{w['worker'][:26]:<26} {w['files']:>5} {w['pages']:>7} "
                  f"{w['busy_seconds']:>10} {ppm:>12} {fph:>9}")
    if rows:
        print("\n   mã  trạng thái   lần  tiến trình               tệp")
        for r in rows:
            print(f"{r['id']:>5}  {STATUS_VI[r['status']]:<11} {r['attempts']:>3}/"
                  f"{r['max_attempts']:<2} {(r['worker'] or '-')[:24]:<24} {r['source']}")
            if r["error"] and r["status"] in ("failed", "queued"):
                print(f"       {r['error']}")
    return EXIT_OK


def ingest_via_queue(args, url: str) -> int:
    """`ingest PATH... --queue URL`: one job per file (the same bytes: the same job), sent to
    the workers; with --wait, the summary of `ingest` once they have all finished."""
    import hashlib

    from ocop_docs.jobs import state
    from ocop_docs.jobs.queue import QueueError, send
    from task_graph import open_store
    from ocop_docs.ingest import IngestError
    from ocop_docs.ingest.gate import regular_file
    from task_graph.ingest import collect_files

    store = open_store(args.db)
    engine = store.engine
    state.ensure_tables(engine)
    failures: list[tuple[str, str]] = []
    job_ids: dict[int, str] = {}
    already = sent = 0
    try:
        for path in collect_files(args.paths):
            try:
                regular_file(path)        # a FIFO or a device is never opened
            except IngestError as exc:
                failures.append((str(path), str(exc)))
                _err(str(exc))
                continue
            try:
                data = path.read_bytes()
            except OSError as exc:
                failures.append((str(path), f"{path}: không đọc được tệp "
                                            f"({exc.strerror or exc})"))
                _err(failures[-1][1])
                continue
            sha = hashlib.sha256(data).hexdigest()
            if store.file_by_hash(sha):
                already += 1
                continue
            job_id, fresh = state.enqueue(engine, kind="ingest", path=str(path.resolve()),
                                          source=str(path), sha256=sha, size=len(data))
            job_ids[job_id] = str(path)
            if fresh:
                send(url, job_id)
                sent += 1
    except QueueError as exc:
        _err(str(exc))
        return EXIT_FAILURE
    if not args.wait:
        print(f"Đã xếp hàng {len(job_ids)} tệp ({sent} việc mới gửi đi), đã có sẵn {already}, "
              f"lỗi {len(failures)}. Xem tiến độ: ocop-docs jobs")
        return EXIT_FAILURE if failures else EXIT_OK
    rows = _wait(engine, list(job_ids))
    stored = sum(1 for r in rows if r["status"] == "done")
    dup = sum(1 for r in rows if r["status"] == "duplicate")
    for r in rows:
        if r["status"] == "failed":
            failures.append((job_ids[r["id"]], r["error"] or "lỗi"))
            _err(r["error"] or job_ids[r["id"]])
    report = {"files": len(job_ids) + already + sum(1 for f in failures if f[0] not in
                                                     job_ids.values()),
              "stored": stored, "already_present": already + dup,
              "failures": [{"path": p, "error": e} for p, e in failures]}
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(f"Đã xử lý {report['files']} tệp qua hàng đợi: lưu mới {stored} tệp, "
              f"đã có sẵn {report['already_present']}, lỗi {len(failures)}.")
        for p, _ in failures:
            print(f"  lỗi: {p}")
    return EXIT_FAILURE if failures else EXIT_OK


def _wait(engine, job_ids: list[int], poll: float = 0.5) -> list[dict]:
    from ocop_docs.jobs import state

    show = sys.stderr.isatty()
    while True:
        rows = [state.row(engine, j) for j in job_ids]
        left = sum(1 for r in rows if r["status"] not in state.FINISHED)
        if show:
            print(f"\rcòn {left}/{len(rows)} việc", end="", file=sys.stderr)
        if not left:
            if show:
                print(file=sys.stderr)
            return rows
        time.sleep(poll)


