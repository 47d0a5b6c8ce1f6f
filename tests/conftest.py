"""Shared test fixtures: the seed documents, and OCR availability / rendered scans (cached)."""
from __future__ import annotations

import importlib.util
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEEDS_DIR = REPO / "corpus" / "seeds"
SEED_PATHS = sorted(SEEDS_DIR.glob("*.txt"))


@pytest.fixture(scope="session")
def seed_paths() -> list[Path]:
    return SEED_PATHS


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    """Seed file name → its text."""
    return {p.name: p.read_text(encoding="utf-8") for p in SEED_PATHS}


def ocr_available() -> bool:
    if shutil.which("tesseract") is None:
        return False
    try:
        out = subprocess.run(["tesseract", "--list-langs"], capture_output=True, text=True,
                             timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return False
    return "vie" in out.split()


@pytest.fixture(scope="session")
def require_ocr() -> None:
    if not ocr_available():
        pytest.skip("needs tesseract with the Vietnamese language data (tesseract-ocr-vie)")


def _render_module():
    spec = importlib.util.spec_from_file_location("render_scans", REPO / "scripts" / "render_scans.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def render_scans():
    """The scripts/render_scans.py module (render_text, save, render_file)."""
    return _render_module()


@pytest.fixture(scope="session")
def scanned_seed_000(tmp_path_factory, render_scans) -> list[Path]:
    """Seed 000 rendered as two scanned pages (PNG, with the red seal on page 2), cached for
    the session: page 1 holds the header, page 2 the signature block."""
    out = tmp_path_factory.mktemp("scans")
    return render_scans.render_file(SEEDS_DIR / "000_d12cc8faf554fa00.txt", out, ["png"],
                                    max_pages=2)


# ----------------------------------------------------------------------------- databases
# `db_url`: an empty database on each back end (tests/backends.py); `module_db_url`: one per
# test module and back end, for modules that load the corpus once and only read.

@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    from tests.backends import dispose_engines, new_db_url

    url, cleanup = new_db_url(request.param, tmp_path)
    yield url
    if request.param != "sqlite":
        dispose_engines()
    cleanup()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def module_db_url(request, tmp_path_factory):
    from tests.backends import dispose_engines, new_db_url

    url, cleanup = new_db_url(request.param, tmp_path_factory.mktemp("db"))
    yield url
    if request.param != "sqlite":
        dispose_engines()
    cleanup()


@pytest.fixture
def seeded_store(db_url):
    """A store on each back end holding the five seeds, with their gold extractions."""
    from task_graph import open_store
    from task_graph.ingest import ingest_paths

    s = open_store(db_url)
    assert not ingest_paths(s, [SEEDS_DIR], extraction_dir=REPO / "corpus" / "gold",
                            progress=False).failures
    yield s
    s.close()

