"""Letters straight from extraction records (e.g. the bundled corpus's gold files), without a
store: the job that drafts a letter for every agency with overdue tasks as of a fixed date."""
from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import date
from pathlib import Path

from ocop_docs.letters.compose import LetterSettings, draft_letters, tasks_from_extraction
from ocop_docs.letters.model import AssignedTask, ReminderLetter
from ocop_docs.letters.render import write_letter
from ocop_docs.resources import REPO_ROOT

GOLD_DIR = REPO_ROOT / "corpus" / "gold"


def extraction_files(paths: Iterable[str | Path]) -> list[Path]:
    """The `*.json` extraction records among `paths` (directories are searched, sorted)."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found += sorted(p for p in path.rglob("*.json") if p.is_file())
        elif path.is_file():
            found.append(path)
        else:
            raise FileNotFoundError(f"no such file or directory: {path}")
    return found


def load_tasks(paths: Iterable[str | Path]) -> list[AssignedTask]:
    tasks: list[AssignedTask] = []
    for path in extraction_files(paths):
        tasks += tasks_from_extraction(json.loads(path.read_text(encoding="utf-8")))
    return tasks


def corpus_letters(as_of: date, paths: Iterable[str | Path] = (GOLD_DIR,),
                   settings: LetterSettings | None = None, agency: str | None = None,
                   upcoming_days: int | None = None) -> list[ReminderLetter]:
    """One letter per (assigning body, agency) with tasks overdue at `as_of`."""
    return draft_letters(load_tasks(paths), settings or LetterSettings(), as_of, agency,
                         upcoming_days)


def draft_corpus_letters(out_dir: str | Path, as_of: date,
                         paths: Iterable[str | Path] = (GOLD_DIR,), fmt: str = "docx",
                         settings: LetterSettings | None = None,
                         template: str | Path | None = None) -> list[Path]:
    """Write the letters of `corpus_letters` to `out_dir`; returns the files."""
    return [write_letter(letter, out_dir, fmt, template)
            for letter in corpus_letters(as_of, paths, settings)]
