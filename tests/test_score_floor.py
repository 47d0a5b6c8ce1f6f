"""Regression floor: the evaluation sets of corpus/sets.yaml score at or above the figures
recorded in tests/score_floors.yaml (full-task F1, detection F1, citations F1, each document
field accuracy, ...: any key of score.py's totals may be given a floor).

The slow sets (scans, OCR) are not run here. A floor entry records how many gold files it was
measured on (`files`); when a set has grown since, its floors are skipped until re-measured.

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

_measured: dict[str, report.SetReport] = {}


def measure(name: str) -> report.SetReport:
    if name not in _measured:
        _measured[name] = report.evaluate_set(SETS[name])
    return _measured[name]


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
    if floors.get("files") not in (None, len(gold_files)):
        pytest.skip(f"{name}: floors were measured on {floors['files']} gold files, the set "
                    f"now has {len(gold_files)}: re-measure (python {Path(__file__).name})")
    result = measure(name)
    below = {key: (result.totals[key], floor) for key, floor in floors.items()
             if key != "files" and result.totals[key] < floor - 1e-9}
    assert not below, f"{name}: below the floor (measured, floor): {below}"


@pytest.mark.slow
@pytest.mark.parametrize("name", FAST)
def test_grouped_misses_agree_with_the_scorer(name):
    """report.py's misses by kind tell the same story as the scorer's own counts."""
    if not SETS[name].gold_files():
        pytest.skip(f"{name}: no gold files yet")
    result = measure(name)
    assert {f.source: f.disagreements for f in result.files if f.disagreements} == {}


def test_floor_file_names_known_sets_and_keys():
    for name, floors in FLOORS.items():
        assert name in SETS, name
        for key, value in floors.items():
            assert key == "files" or key in report.HEADLINE or key.startswith("tasks."), key
            assert isinstance(value, (int, float))


if __name__ == "__main__":
    names = sys.argv[1:] or [n for n in FAST if SETS[n].gold_files()]
    for name in names:
        result = measure(name)
        print(f"{name}:")
        print(f"  files: {len(result.files)}")
        for key in FLOOR_KEYS:
            print(f"  {key}: {round_down(result.totals[key]):.2f}")
