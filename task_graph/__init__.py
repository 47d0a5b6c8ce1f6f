"""The task graph: a database of every ingested document and the obligations it carries, the
agencies they bind, and the questions coordinators ask of it (who owes what by when).

Public API:
- `open_store(url_or_path)` -> `Store` (task_graph.store): the one data-access layer;
- `ingest_paths(store, paths)` (task_graph.ingest): extract and store files and folders;
- `task_graph.queries`: owes, overdue, upcoming, task_detail, chain (plain data for CLI and web);
- `build_graph(store)` / `export_graph(...)` (task_graph.graph): the networkx view.
"""
from task_graph.store import Store, default_db_url, open_store

__all__ = ["Store", "default_db_url", "open_store"]
