"""Regression floor: the evaluation sets of corpus/sets.yaml score at or above the figures
recorded in tests/score_floors.yaml (full-task F1, detection F1, citations F1, each document
field accuracy, ...: any key of score.py's totals may be given a floor).

The slow sets (scans, OCR) are not run here. A floor entry lists the gold files it was measured
on (`files`) and the test scores those files only, so a set that grows (own) keeps its floors;
re-measure to take the new files in.

Print today's figures, rounded down, in the form of score_floors.yaml:
    .venv/bin/python tests/test_score_floor.py [SET ...]
"""
from __future__ import annotations

import math
import sys
from pathlib import Path

import pytest
import yaml

from ocop_docs.evaluation import report

FLOORS_FILE = Path(__file__).with_name("score_floors.yaml")
FLOOR_KEYS = ("tasks.full.f1", "tasks.detection.f1", "citations.f1",
              *(f"field.{f}" for f in ("doc_type", "number", "issued_date", "issuer", "signer",
                                       "place")))

SETS = report.load_sets()
FAST = [name for name, spec in SETS.items() if not spec.slow]
FLOORS = yaml.safe_load(FLOORS_FILE.read_text(encoding="utf-8")) or {}

_measured: dict[tuple, report.SetReport] = {}


def measure(name: str, files: list[str] | None = None) -> report.SetReport:
    key = (name, tuple(files) if files is not None else None)
    if key not in _measured:
        _measured[key] = report.evaluate_set(SETS[name], only=files)
    return _measured[key]


def floor_files(name: str) -> list[str] | None:
    return (FLOORS.get(name) or {}).get("files")


def round_down(value: float) -> float:
    return math.floor(round(value * 100, 6)) / 100


@pytest.mark.slow
@pytest.mark.parametrize("name", FAST)
def test_set_scores_at_or_above_floor(name):
    spec = SETS[name]
    gold_files = spec.gold_files()
    if not gold_files:
        pytest.skip(f"{name}: no gold files yet")
    floors = FLOORS.get(name)
    if not floors:
        pytest.skip(f"{name}: no floors recorded in {FLOORS_FILE.name}")
    files = floors.get("files")
    if files is not None:
        have = {report.read_gold(p)[0] for p in gold_files}
        gone = [f for f in files if f not in have]
        assert not gone, f"{name}: gold files gone since the floors were measured: {gone}"
    result = measure(name, files)
    below = {key: (result.totals[key], floor) for key, floor in floors.items()
             if key != "files" and result.totals[key] < floor - 1e-9}
    assert not below, f"{name}: below the floor (measured, floor): {below}"


@pytest.mark.slow
@pytest.mark.parametrize("name", FAST)
def test_grouped_misses_agree_with_the_scorer(name):
    """report.py's misses by kind tell the same story as the scorer's own counts."""
    if not SETS[name].gold_files():
        pytest.skip(f"{name}: no gold files yet")
    result = measure(name, floor_files(name))
    assert {f.source: f.disagreements for f in result.files if f.disagreements} == {}


def test_floor_file_names_known_sets_and_keys():
    for name, floors in FLOORS.items():
        assert name in SETS, name
        for key, value in floors.items():
            if key == "files":
                assert isinstance(value, list) and value, name
                continue
            assert key in report.HEADLINE or key.startswith("tasks."), key
            assert isinstance(value, (int, float))


if __name__ == "__main__":
    names = sys.argv[1:] or [n for n in FAST if SETS[n].gold_files()]
    for name in names:
        result = measure(name)
        print(f"{name}:")
        print(f"  files: [{', '.join(f.source for f in result.files)}]")
        for key in FLOOR_KEYS:
            print(f"  {key}: {round_down(result.totals[key]):.2f}")
