"""Access to the data files in the repository's `models/` folder (gazetteers, abbreviation
tables, time expressions, trained pipelines). Data lives there as data, never as Python literals."""
from __future__ import annotations

import csv
import os
from functools import lru_cache
from pathlib import Path

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent


def models_dir() -> Path:
    """The folder of data files: $OCOP_DOCS_MODELS, or `models/` at the repository root."""
    return Path(os.environ.get("OCOP_DOCS_MODELS") or REPO_ROOT / "models")


def templates_dir() -> Path:
    return Path(os.environ.get("OCOP_DOCS_TEMPLATES") or REPO_ROOT / "templates")


def model_path(name: str) -> Path:
    path = models_dir() / name
    if not path.exists():
        raise FileNotFoundError(f"data file {name!r} not found in {models_dir()}")
    return path


@lru_cache(maxsize=None)
def load_tsv(name: str) -> tuple[dict[str, str], ...]:
    """Rows of a tab-separated file with a header line; lines starting with '#' are comments."""
    with model_path(name).open(encoding="utf-8", newline="") as fh:
        lines = [line for line in fh if line.strip() and not line.lstrip().startswith("#")]
    reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
    return tuple({k: (v or "").strip() for k, v in row.items()} for row in reader)


@lru_cache(maxsize=None)
def load_yaml(name: str):
    with model_path(name).open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)
