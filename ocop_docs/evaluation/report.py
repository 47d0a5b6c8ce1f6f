"""Evaluation reports built on the scorer (`score.py`): per set, per document, misses by kind.

The figures are the scorer's own: a set's totals come from one `score.Scorer` fed every file of
the set, a document's from a fresh `Scorer` fed that file alone. The scorer only reports its
misses as text lines, so the misses are grouped here by re-pairing with the scorer's own
functions (`pair_documents`, `words`, `overlap_f1`, `contained`, `pair_sets`, `field_ok`,
`number_key`) in the scorer's order; `FileReport.disagreements` records any difference between
those groups and the scorer's counts (there should be none; a test checks it on the corpus).

The evaluation sets are listed in `corpus/sets.yaml`:

    NAME:
      sources: DIR        # the input files (relative to the yaml file)
      gold: DIR           # their <source>.gold.json annotations
      about: text
      slow: true          # optional: skipped unless asked for (OCR)
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml

from ocop_docs.evaluation import score
from ocop_docs.resources import REPO_ROOT

DEFAULT_SETS_FILE = REPO_ROOT / "corpus" / "sets.yaml"

# the kinds of misses, in the order they are reported
MISS_KINDS = ("missed", "spurious", "lead", "support", "deadline", "fields",
              "citations_missed", "citations_spurious")

HEADLINE = ("tasks.full.f1", "tasks.detection.f1", "tasks.lead.f1", "tasks.support.f1",
            "tasks.deadline_accuracy", "citations.f1",
            *(f"field.{f}" for f in score.DOC_FIELDS))


# ---------------------------------------------------------------- the sets

@dataclass
class EvalSet:
    name: str
    sources: Path
    gold: Path
    about: str = ""
    slow: bool = False

    def gold_files(self) -> list[Path]:
        return sorted(self.gold.glob("*.gold.json")) if self.gold.is_dir() else []


def load_sets(path: Path | None = None) -> dict[str, EvalSet]:
    """The sets of a sets.yaml file, in file order (paths resolved against the file's folder)."""
    path = Path(path or DEFAULT_SETS_FILE)
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"{path}: expected a mapping of set names")
    sets = {}
    for name, spec in data.items():
        if not isinstance(spec, dict) or "sources" not in spec or "gold" not in spec:
            raise ValueError(f"{path}: set {name!r} needs 'sources' and 'gold'")
        sets[str(name)] = EvalSet(name=str(name), sources=path.parent / spec["sources"],
                                  gold=path.parent / spec["gold"],
                                  about=str(spec.get("about") or ""),
                                  slow=bool(spec.get("slow", False)))
    return sets


# ---------------------------------------------------------------- extraction

def _extract_one(path: Path) -> tuple[dict | None, str | None]:
    """(prediction, None) or (None, error message); never raises."""
    from ocop_docs.extract.pipeline import extract_file
    from ocop_docs.ingest import IngestError

    try:
        return extract_file(path).to_json(), None
    except (IngestError, OSError) as exc:
        return None, str(exc)
    except Exception as exc:  # an extractor bug must not stop the other files
        return None, f"{path}: không trích xuất được ({exc.__class__.__name__}: {exc})"


def _one_ocr_process() -> None:
    """An eval worker reads its scans' pages itself, in order (as a queue worker does): the
    files are already spread over the workers, and an OCR pool inside a pool worker would
    keep it from ever exiting (multiprocessing waits for the pool's idle processes)."""
    import os

    os.environ["OCOP_DOCS_OCR_WORKERS"] = "1"


def extract_all(paths: list[Path], jobs: int = 1) -> list[tuple[dict | None, str | None]]:
    """Extract every file, in order. The pipeline is built once per process; with jobs > 1 the
    files are shared among that many worker processes (each builds its own pipeline)."""
    if jobs > 1 and len(paths) > 1:
        from concurrent.futures import ProcessPoolExecutor
        with ProcessPoolExecutor(max_workers=min(jobs, len(paths)), initializer=_one_ocr_process) as pool:
            return list(pool.map(_extract_one, paths))
    return [_extract_one(p) for p in paths]


# ---------------------------------------------------------------- pairing (scorer's order)

def pair_tasks(gold: list[dict], pred: list[dict]) -> list[tuple[int, int]]:
    """The scorer's one-to-one task pairing (`Scorer.score_tasks`): best text overlap first;
    among equal texts the pair whose leads agree, then document order."""
    gw = [score.words(t.get("action")) for t in gold]
    pw = [score.words(t.get("action")) for t in pred]

    def lead_agrees(i: int, j: int) -> int:
        tp, _, _ = score.pair_sets(gold[i].get("lead", []), pred[j].get("lead", []) or [])
        return int(tp > 0)

    candidates = []
    for i in range(len(gold)):
        for j in range(len(pred)):
            s = score.overlap_f1(gw[i], pw[j])
            if s >= 0.5 or score.contained(gw[i], pw[j]):
                candidates.append((-round(s, 6), -lead_agrees(i, j), i, j))
    candidates.sort()
    gi_used, pj_used, pairs = set(), set(), []
    for _, _, i, j in candidates:
        if i in gi_used or j in pj_used:
            continue
        gi_used.add(i)
        pj_used.add(j)
        pairs.append((i, j))
    return pairs


def short(text: str | None, limit: int = 90) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _task_view(t: dict) -> dict:
    return {"section": t.get("section"), "action": short(t.get("action")),
            "lead": list(t.get("lead") or []), "support": list(t.get("support") or []),
            "due": t.get("due"), "recurrence": t.get("recurrence"),
            "deadline_text": t.get("deadline_text")}


def file_misses(gold: dict, pred: dict, source: str) -> dict[str, list[dict]]:
    """The misses of one file, grouped by kind (MISS_KINDS), as the scorer counts them."""
    out: dict[str, list[dict]] = {k: [] for k in MISS_KINDS}
    gold_docs = gold.get("documents", []) or []
    pred_docs = (pred.get("documents", []) if isinstance(pred, dict) else []) or []
    for n, (g, p) in enumerate(score.pair_documents(gold_docs, pred_docs), 1):
        p = p or {}
        where = {"source": source, "document": n}
        for f in score.DOC_FIELDS:
            if not score.field_ok(f, g.get(f), p.get(f)):
                out["fields"].append({**where, "field": f, "gold": g.get(f), "pred": p.get(f)})
        # citations, as Scorer.score_citations
        by_key: dict[str, dict] = {}
        for c in p.get("citations", []) or []:
            key = score.number_key(c.get("number"))
            if key and key not in by_key:
                by_key[key] = c
        used = set()
        for c in g.get("citations", []) or []:
            key = score.number_key(c.get("number"))
            if key in by_key:
                used.add(key)
            elif not c.get("optional") and key:
                out["citations_missed"].append({**where, "number": c.get("number"),
                                                "date": c.get("date"), "issuer": c.get("issuer")})
        for key, c in by_key.items():
            if key not in used:
                out["citations_spurious"].append({**where, "number": c.get("number"),
                                                  "date": c.get("date"),
                                                  "issuer": c.get("issuer")})
        # tasks, as Scorer.score_tasks
        gt, pt = g.get("tasks", []) or [], p.get("tasks", []) or []
        pairs = pair_tasks(gt, pt)
        paired_gold = {i for i, _ in pairs}
        paired_pred = {j for _, j in pairs}
        for i, j in pairs:
            gtask, ptask = gt[i], pt[j]
            if gtask.get("optional"):
                continue
            entry = {**where, "task": i, "section": gtask.get("section"),
                     "pred_section": ptask.get("section"), "action": short(gtask.get("action"))}
            lead = score.pair_sets(gtask.get("lead", []), ptask.get("lead", []) or [])
            if lead[1] or lead[2]:
                out["lead"].append({**entry, "gold": list(gtask.get("lead") or []),
                                    "pred": list(ptask.get("lead") or [])})
            support = score.pair_sets(gtask.get("support", []), ptask.get("support", []) or [])
            if support[1] or support[2]:
                out["support"].append({**entry, "gold": list(gtask.get("support") or []),
                                       "pred": list(ptask.get("support") or [])})
            if (gtask.get("due") != ptask.get("due")
                    or gtask.get("recurrence") != ptask.get("recurrence")):
                out["deadline"].append({
                    **entry,
                    "gold": {k: gtask.get(k) for k in ("due", "recurrence", "deadline_text")},
                    "pred": {k: ptask.get(k) for k in ("due", "recurrence", "deadline_text")}})
        for i, t in enumerate(gt):
            if i not in paired_gold and not t.get("optional"):
                out["missed"].append({**where, **_task_view(t)})
        for j, t in enumerate(pt):
            if j not in paired_pred:
                out["spurious"].append({**where, **_task_view(t)})
    return out


# ---------------------------------------------------------------- reports

@dataclass
class FileReport:
    source: str
    gold_tasks: int            # required (non-optional) gold tasks
    pred_tasks: int            # predicted tasks in the file
    paired: int                # required gold tasks paired with a predicted task
    fully_correct: int         # ... whose lead, support, due and recurrence are all right
    full_f1: float
    detection_f1: float
    wrong_fields: list[str]    # "doc_type", or "2:number" for the second document of a file
    citations_missed: int
    citations_spurious: int
    error: str | None = None   # the file could not be read (scored as an empty prediction)
    misses: dict[str, list[dict]] = field(default_factory=dict)
    disagreements: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "gold_tasks": self.gold_tasks,
                "pred_tasks": self.pred_tasks, "paired": self.paired,
                "fully_correct": self.fully_correct, "full_f1": self.full_f1,
                "detection_f1": self.detection_f1, "wrong_fields": self.wrong_fields,
                "citations_missed": self.citations_missed,
                "citations_spurious": self.citations_spurious, "error": self.error,
                **({"disagreements": self.disagreements} if self.disagreements else {})}


@dataclass
class SetReport:
    name: str
    totals: dict[str, Any]               # score.Scorer.report() over the whole set
    files: list[FileReport]
    about: str = ""
    gold: str | None = None
    sources: str | None = None
    gold_errors: list[str] = field(default_factory=list)   # gold files that could not be read

    @property
    def errors(self) -> list[str]:
        return self.gold_errors + [f.error for f in self.files if f.error]

    @property
    def misses(self) -> dict[str, list[dict]]:
        out: dict[str, list[dict]] = {k: [] for k in MISS_KINDS}
        for f in self.files:
            for k in MISS_KINDS:
                out[k].extend(f.misses.get(k, []))
        return out

    def to_json(self) -> dict[str, Any]:
        return {"about": self.about, "gold": self.gold, "sources": self.sources,
                "totals": self.totals, "files": [f.to_json() for f in self.files],
                "misses": self.misses, "errors": self.errors}


def file_report(gold: dict, pred: dict, source: str, error: str | None = None) -> FileReport:
    scorer = score.Scorer()
    scorer.score_file(gold, pred, source)
    totals = scorer.report()
    misses = file_misses(gold, pred, source)
    multi = len(gold.get("documents", []) or []) > 1
    wrong = [f"{m['document']}:{m['field']}" if multi else m["field"] for m in misses["fields"]]
    pred_docs = (pred.get("documents", []) if isinstance(pred, dict) else []) or []
    report = FileReport(
        source=source, gold_tasks=totals["gold_tasks"],
        pred_tasks=sum(len(d.get("tasks", []) or []) for d in pred_docs),
        paired=scorer.detection.tp, fully_correct=scorer.full.tp,
        full_f1=totals["tasks.full.f1"], detection_f1=totals["tasks.detection.f1"],
        wrong_fields=wrong, citations_missed=scorer.citations.fn,
        citations_spurious=scorer.citations.fp, error=error, misses=misses)
    # the grouped misses must tell the same story as the scorer's counts
    checks = (("missed", len(misses["missed"]), scorer.detection.fn),
              ("spurious", len(misses["spurious"]), scorer.detection.fp),
              ("citations_missed", len(misses["citations_missed"]), scorer.citations.fn),
              ("citations_spurious", len(misses["citations_spurious"]), scorer.citations.fp),
              ("deadline", len(misses["deadline"]),
               scorer.deadline.total - scorer.deadline.right),
              ("fields", len(misses["fields"]),
               sum(a.total - a.right for a in scorer.fields.values())),
              ("fully_correct", scorer.detection.tp - len(
                  {(m["document"], m["task"]) for k in ("lead", "support", "deadline")
                   for m in misses[k]}), scorer.full.tp))
    report.disagreements = [f"{kind}: report {mine}, scorer {theirs}"
                            for kind, mine, theirs in checks if mine != theirs]
    return report


def score_set(name: str, items: Iterable[tuple[str, dict, dict, str | None]],
              **info) -> SetReport:
    """Score (source, gold, prediction, error) items: totals over the set, one row per file."""
    scorer = score.Scorer()
    files = []
    for source, gold, pred, error in items:
        if error:
            scorer.misses.append(f"{source}: no readable prediction")
        scorer.score_file(gold, pred, source)
        files.append(file_report(gold, pred, source, error))
    return SetReport(name=name, totals=scorer.report(), files=files, **info)


def read_gold(path: Path) -> tuple[str, dict]:
    gold = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(gold, dict):
        raise ValueError("expected a JSON object")
    return gold.get("source") or path.name[: -len(".gold.json")], gold


def evaluate_dirs(name: str, gold_dir: Path, sources_dir: Path, *, keep: Path | None = None,
                  jobs: int = 1, about: str = "", only: Iterable[str] | None = None) -> SetReport:
    """Extract every source that has a gold file in gold_dir (or only the sources named in
    `only`) and score the set."""
    golds, gold_errors = [], []
    for path in sorted(Path(gold_dir).glob("*.gold.json")):
        try:
            golds.append(read_gold(path))
        except (OSError, ValueError) as exc:
            gold_errors.append(f"{path}: tệp gold không đọc được ({exc.__class__.__name__}: "
                               f"{exc})")
    if only is not None:
        wanted = set(only)
        golds = [(source, gold) for source, gold in golds if source in wanted]
    results = extract_all([Path(sources_dir) / source for source, _ in golds], jobs=jobs)
    if keep is not None:
        keep.mkdir(parents=True, exist_ok=True)
    items = []
    for (source, gold), (pred, error) in zip(golds, results):
        if pred is not None and keep is not None:
            (keep / f"{source}.json").write_text(
                json.dumps(pred, ensure_ascii=False, indent=2), encoding="utf-8")
        items.append((source, gold, pred or {}, error))
    result = score_set(name, items, about=about, gold=str(gold_dir), sources=str(sources_dir))
    result.gold_errors = gold_errors
    return result


def evaluate_set(spec: EvalSet, *, keep: Path | None = None, jobs: int = 1,
                 only: Iterable[str] | None = None) -> SetReport:
    return evaluate_dirs(spec.name, spec.gold, spec.sources, keep=keep, jobs=jobs,
                         about=spec.about, only=only)
