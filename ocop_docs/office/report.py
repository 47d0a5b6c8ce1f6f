"""The summary report "Báo cáo tình hình thực hiện các nhiệm vụ được giao" (.docx, NĐ 30 format)
for a period: per agency the tasks due in the period — done on time, done late, overdue, not
yet due —, a chart of those counts (matplotlib, Agg) and the list of overdue tasks, ending in
the signature block, ready for the leader to sign.

Same templates mechanism as the letters: `templates/report/summary.docx.xml.j2` renders the
intermediate XML that ocop_docs.letters.docx_builder turns into Word (`<image ref="chart">`
places the chart); `template=PATH` (a folder laid out like templates/, or one *.xml.j2 file)
replaces it with an office's own.
"""
from __future__ import annotations

import io
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

DEFAULT_TEMPLATE = "report/summary.docx.xml.j2"
CHART_AGENCIES = 15          # agencies drawn in the chart (the rest summed as one bar)
MAX_ROWS = 200_000


@dataclass
class AgencyCounts:
    agency: str
    on_time: int = 0
    late: int = 0
    overdue: int = 0
    pending: int = 0         # open, not yet due

    @property
    def done(self) -> int:
        return self.on_time + self.late

    @property
    def total(self) -> int:
        return self.done + self.overdue + self.pending


@dataclass
class OverdueTask:
    agency: str
    task_id: int
    period: str | None
    action: str
    document: dict
    section: str | None
    due: date
    days_overdue: int

    @property
    def document_label(self) -> str:
        """'Kế hoạch số 125/KH-UBND ngày 20/9/2018', as a letter cites it."""
        from ocop_docs.letters.model import SourceDocument
        from ocop_docs.letters.wording import cite

        d = self.document
        return cite(SourceDocument(d.get("doc_type"), d.get("number"),
                                   date.fromisoformat(d["issued_date"])
                                   if d.get("issued_date") else None, d.get("issuer")), False)


@dataclass
class ReportSettings:
    issuer: str = "Ủy ban nhân dân tỉnh"
    parent_issuer: str | None = None
    place: str | None = None
    symbol: str | None = None              # "BC-UBND"; default BC-<issuer's initials>
    report_date: date | None = None
    signer_name: str | None = None
    signer_authority: str | None = None    # "KT. CHỦ TỊCH"
    signer_title: str | None = None        # "PHÓ CHỦ TỊCH"
    copies_to: list[str] = field(default_factory=list)
    drafting_unit: str = "KT"


@dataclass
class SummaryReport:
    settings: ReportSettings
    period_start: date
    period_end: date
    as_of: date
    agencies: list[AgencyCounts]
    overdue: list[OverdueTask]
    place: str
    symbol: str
    report_date: date

    @property
    def totals(self) -> AgencyCounts:
        t = AgencyCounts("Tổng cộng")
        for a in self.agencies:
            t.on_time += a.on_time
            t.late += a.late
            t.overdue += a.overdue
            t.pending += a.pending
        return t


def _done_days(store, task_ids) -> dict[tuple[int, str], date]:
    import sqlalchemy as sa

    from task_graph.schema import task_status

    out = {}
    ids = list(task_ids)
    with store.connect() as conn:
        for i in range(0, len(ids), 500):
            for r in conn.execute(sa.select(task_status.c.task_id, task_status.c.period,
                                            task_status.c.changed_at)
                                  .where(task_status.c.task_id.in_(ids[i:i + 500]),
                                         task_status.c.status == "done")):
                out[(r.task_id, r.period)] = r.changed_at.date()
    return out


def summarize(store, period_start: date, period_end: date, *, as_of: date | None = None,
              role: str = "lead", settings: ReportSettings | None = None) -> SummaryReport:
    """Counts per agency of the task occurrences due in [period_start, period_end]."""
    from ocop_docs.letters.wording import place_of
    from task_graph import queries as q

    settings = settings or ReportSettings()
    if as_of is None:
        as_of = min(period_end, date.today())
    through = max(as_of, period_end)
    result = q.owes(store, None, as_of=through, role=role, include_done=True, limit=MAX_ROWS)
    rows = [(g["agency"]["name"], t) for g in result["agencies"] for t in g["tasks"]
            if t.get("due") and period_start.isoformat() <= t["due"] <= period_end.isoformat()]
    done_on = _done_days(store, {t["task_id"] for _a, t in rows if t["status"] == "done"})
    counts: dict[str, AgencyCounts] = {}
    overdue = []
    for agency, t in rows:
        c = counts.setdefault(agency, AgencyCounts(agency))
        due = date.fromisoformat(t["due"])
        if t["status"] == "done":
            finished = done_on.get((t["task_id"], t.get("period") or ""))
            if finished is not None and finished > due:
                c.late += 1
            else:
                c.on_time += 1
        elif due < as_of:
            c.overdue += 1
            overdue.append(OverdueTask(agency, t["task_id"], t.get("period"),
                                       " ".join(t["action"].split()), t["document"],
                                       t.get("section"), due, (as_of - due).days))
        else:
            c.pending += 1
    agencies = sorted(counts.values(), key=lambda a: (-a.overdue, -a.total, a.agency))
    overdue.sort(key=lambda o: (-o.days_overdue, o.agency, o.task_id))
    from ocop_docs.letters.compose import issuer_abbreviation
    symbol = settings.symbol or f"BC-{issuer_abbreviation(settings.issuer)}"
    return SummaryReport(settings, period_start, period_end, as_of, agencies, overdue,
                         settings.place or place_of(settings.issuer, settings.parent_issuer)
                         or "", symbol, settings.report_date or as_of)


def chart_png(report: SummaryReport) -> bytes:
    """Stacked horizontal bars per agency: on time, late, overdue, not yet due."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ocop_docs.office.calendar import _short

    shown = report.agencies[:CHART_AGENCIES]
    rest = report.agencies[CHART_AGENCIES:]
    if rest:
        other = AgencyCounts(f"{len(rest)} cơ quan khác")
        for a in rest:
            other.on_time += a.on_time
            other.late += a.late
            other.overdue += a.overdue
            other.pending += a.pending
        shown = shown + [other]
    names = [_short(a.agency, 45) for a in shown][::-1] or ["(không có nhiệm vụ)"]
    series = [("Đúng hạn", [a.on_time for a in shown][::-1], "#4caf50"),
              ("Hoàn thành trễ hạn", [a.late for a in shown][::-1], "#ffb300"),
              ("Quá hạn", [a.overdue for a in shown][::-1], "#e53935"),
              ("Chưa đến hạn", [a.pending for a in shown][::-1], "#90a4ae")]
    fig, ax = plt.subplots(figsize=(7.5, 1.2 + 0.38 * len(names)), dpi=150)
    rows = list(range(len(names)))         # positions: two agencies may shorten alike
    left = [0] * len(names)
    for label, values, color in series:
        values = values or [0]
        ax.barh(rows, values, left=left, color=color, label=label, height=0.6)
        left = [a + b for a, b in zip(left, values)]
    ax.set_yticks(rows, names)
    ax.set_xlabel("Số nhiệm vụ")
    ax.tick_params(axis="y", labelsize=8)
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=4, fontsize=8, frameon=False)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    plt.close(fig)
    return buf.getvalue()


def _environment(template: str | Path | None):
    """The letters' jinja2 set-up (office folder first, then templates/), XML-escaped."""
    import jinja2

    from ocop_docs.letters.render import template_loader
    from ocop_docs.letters.wording import FILTERS

    loader, one_file = template_loader(template)
    name = one_file or DEFAULT_TEMPLATE
    env = jinja2.Environment(loader=loader, autoescape=True,
                             undefined=jinja2.StrictUndefined, keep_trailing_newline=True)
    env.filters.update(FILTERS)
    return env, name


def render_report(report: SummaryReport, template: str | Path | None = None) -> bytes:
    """The report as .docx bytes."""
    import jinja2

    from ocop_docs.letters.docx_builder import build_docx
    from ocop_docs.letters.render import LetterTemplateError

    env, name = _environment(template)
    try:
        xml = env.get_template(name).render(report=report, totals=report.totals,
                                            generated=datetime.now().date())
    except jinja2.TemplateSyntaxError as exc:
        raise LetterTemplateError(f"lỗi cú pháp mẫu: {exc.message}", exc.filename or exc.name,
                                  exc.lineno) from exc
    except jinja2.TemplateError as exc:
        raise LetterTemplateError(f"lỗi khi điền mẫu: {exc}", name) from exc
    try:
        return build_docx(xml, images={"chart": chart_png(report)})
    except Exception as exc:  # ParseError, LayoutError: the template's output is at fault
        if exc.__class__.__name__ not in ("ParseError", "LayoutError"):
            raise
        raise LetterTemplateError(f"mẫu sinh ra XML không hợp lệ ({exc})", name) from exc


def file_name(report: SummaryReport) -> str:
    return (f"bao-cao-tinh-hinh-thuc-hien-{report.period_start.isoformat()}-"
            f"{report.period_end.isoformat()}.docx")


def by_agency_rows(report: SummaryReport) -> dict[str, list[OverdueTask]]:
    out: dict[str, list[OverdueTask]] = defaultdict(list)
    for o in report.overdue:
        out[o.agency].append(o)
    return dict(out)
