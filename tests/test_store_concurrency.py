"""Several writers on one store, and what the store accepts: real `ocop-docs ingest`
processes at once on a fresh and on an existing database (SQLite and PostgreSQL); NUL
characters; the same text in other bytes (CRLF, BOM, TCVN3) is one file."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import sqlalchemy as sa

from ocop_docs.ingest.legacy import encode_legacy
from task_graph.ingest import ingest_paths
from task_graph.schema import agencies, files
from task_graph.store import open_store

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "corpus" / "seeds"
GOLD = ROOT / "corpus" / "gold"
SEED_FILES = sorted(SEEDS.glob("*.txt"))


def gold_counts() -> tuple[int, int]:
    docs = n_tasks = 0
    for f in GOLD.glob("*.gold.json"):
        data = json.loads(f.read_text(encoding="utf-8"))
        docs += len(data["documents"])
        n_tasks += sum(len(d["tasks"]) for d in data["documents"])
    return docs, n_tasks


def start_ingest(db_url: str, paths: list[Path]) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=str(ROOT), OCOP_DOCS_DB=db_url)
    return subprocess.Popen([sys.executable, "-m", "ocop_docs", "ingest", *map(str, paths),
                             "--extractions", str(GOLD)],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def run_together(db_url: str, orders: list[list[Path]]) -> None:
    procs = [start_ingest(db_url, paths) for paths in orders]
    for p in procs:
        out, err = p.communicate(timeout=600)
        assert p.returncode == 0, (out, err)
        assert "Traceback" not in err and "lỗi 0" in out, (out, err)


def assert_stored_once(db_url: str) -> None:
    store = open_store(db_url)
    docs, n_tasks = gold_counts()
    counts = store.counts()
    assert (counts["files"], counts["documents"], counts["tasks"]) == (5, docs, n_tasks)
    with store.connect() as conn:
        keys = list(conn.execute(sa.select(agencies.c.key)).scalars())
    assert len(keys) == len(set(keys))
    store.close()


def test_three_ingests_at_once_on_a_fresh_store(db_url):
    """Each process ingests every seed (in its own order) on a database nobody created:
    the schema, the files and the agencies they all race for are made once; all exit 0."""
    run_together(db_url, [SEED_FILES, SEED_FILES[::-1], SEED_FILES[2:] + SEED_FILES[:2]])
    assert_stored_once(db_url)


def test_two_ingests_at_once_on_an_existing_store(db_url):
    store = open_store(db_url)
    assert not ingest_paths(store, SEED_FILES[:1], extraction_dir=GOLD,
                            progress=False).failures
    store.close()
    run_together(db_url, [SEED_FILES[1:], SEED_FILES[:0:-1]])
    assert_stored_once(db_url)


# ----------------------------------------------------------------------------- content

def test_nul_characters_are_stored_without_failing(db_url):
    store = open_store(db_url)
    text = "KẾ HOẠCH\x00 số 1/KH-UBND\n" + "Giao Sở Y tế\x00 thực hiện. " * 3
    extraction = {"schema": "ocop-docs.extraction/1", "source": "nul.txt", "documents": [{
        "doc_type": "Kế hoạch", "number": "1/KH-UBND", "issued_date": "2020-01-02",
        "issuer": "Ủy ban nhân dân tỉnh Hòa Bình\x00", "citations": [],
        "tasks": [{"action": "Giao Sở Y tế\x00 thực hiện.", "lead": ["Sở Y tế\x00"],
                   "support": [], "due": "2020-03-01"}]}]}
    stored = store.store_extraction(extraction, source_path="nul\x00.txt", sha256="a" * 64,
                                    text=text)
    assert stored.tasks == 1
    with store.connect() as conn:
        kept = conn.execute(sa.select(files.c.text)).scalar()
    assert "\x00" not in kept and len(kept) == len(text)       # spans into the text hold
    store.close()


def test_same_text_in_other_bytes_is_the_same_file(db_url, tmp_path):
    """5077/KH-SNN saved with CRLF endings, with a BOM, and in TCVN3 bytes is stored once."""
    seed = SEED_FILES[0]
    text = seed.read_text(encoding="utf-8")
    variants = {"crlf.txt": text.replace("\n", "\r\n").encode("utf-8"),
                "bom.txt": b"\xef\xbb\xbf" + text.encode("utf-8"),
                "spaces.txt": text.replace("\n", "  \n").encode("utf-8")}
    variants["tcvn3.txt"] = encode_legacy(text, "tcvn3")
    folder = tmp_path / "variants"
    folder.mkdir()
    for name, data in variants.items():
        (folder / name).write_bytes(data)
    store = open_store(db_url)
    first = ingest_paths(store, [seed], extraction_dir=GOLD, progress=False)
    assert first.stored == 1
    report = ingest_paths(store, [folder], extractor=_no_extractor, progress=False)
    assert not report.failures, report.failures
    assert report.stored == 0 and report.already_present == len(variants)
    assert store.counts()["files"] == 1
    store.close()


def _no_extractor(text, source):
    raise AssertionError(f"{source} was extracted again")
