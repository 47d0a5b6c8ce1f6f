"""Jobs: files to read, extract and store, kept in the store's `jobs` table whatever runs them.

* `state`  — the jobs table: enqueue (idempotent by content hash), claim, heartbeat, finish,
  fail, listing and per-worker throughput;
* `runner` — one job from claim to finish (`run_job`), the same code in-process and in a worker;
* `queue`  — the distributed engine (Celery with a Redis broker): `send`, the task, `worker`.

Without a queue URL everything runs in-process; with one (`--queue URL` or $OCOP_DOCS_QUEUE)
files are enqueued and `ocop-docs worker` processes on any number of machines do the work.
"""
ENV_QUEUE = "OCOP_DOCS_QUEUE"
