"""The quarterly progress workbook (推进情况表): plan data → rows → an .xlsx file (bytes).

``workbook_data`` reads everything in a fixed number of queries; ``build_quarterly_workbook`` is a
pure function of that data, so it can be tested and benchmarked without a database.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, cast

from django.db.models import QuerySet
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports.models import ReportingPeriod
from reports.selectors import approved_contributions, submission_grid
from tasks.models import IndicatorKind, KeyTask
from tasks.selectors import task_states
from tasks.status import COLOUR_HEX, COLOUR_LABELS, COLOUR_ORDER

CHINESE_QUARTERS = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}


@dataclass
class WorkbookData:
    """Everything the workbook shows, as plain values."""

    title: str
    scope: str
    cut_off: dt.date
    generated_at: dt.datetime
    period_name: str
    quarters: list[str]
    tasks: list[dict[str, Any]] = field(default_factory=list)
    indicators: list[dict[str, Any]] = field(default_factory=list)
    departments: list[dict[str, Any]] = field(default_factory=list)
    units: list[dict[str, Any]] = field(default_factory=list)
    unit_indicators: list[str] = field(default_factory=list)
    colour_counts: list[tuple[str, int]] = field(default_factory=list)


def workbook_data(
    *, period: ReportingPeriod, tasks: QuerySet[KeyTask], scope: str = "全部重点工作"
) -> WorkbookData:
    """Read the plan as it stood at the period's end (or today, if earlier)."""
    from dashboard.selectors import department_figures  # imported here, as in _unit_rows

    plan = period.plan
    cut_off = min(period.end_date, timezone.localdate())
    states = task_states(tasks, cut_off)
    periods = list(plan.periods.filter(kind=period.kind).order_by("number"))
    data = WorkbookData(
        title=f"{plan.title.split('年')[0]}年重点工作{period.name}推进情况表",
        scope=scope,
        cut_off=cut_off,
        generated_at=timezone.localtime(),
        period_name=period.name,
        quarters=[p.name for p in periods],
    )
    # Approved unit contributions by indicator and period (one aggregate query).
    approved = approved_contributions(by=("indicator", "period"), tasks=tasks)
    counts = {c: 0 for c in COLOUR_ORDER}
    for state in states:
        task = state.task
        counts[state.colour] += 1
        this = next((u for u in task.updates.all() if u.period_id == period.pk), None)
        data.tasks.append(
            {
                "section": f"{task.section.numeral}、{task.section.title}",
                "number": task.number,
                "title": task.title,
                "leads": "、".join(lead.unit.name for lead in task.leads.all()),
                "participants": task.participants_text,
                "targets": "；".join(f"{i.name} {i.target_display}" for i in task.indicators.all()),
                "progress": this.progress if this else "本季度未填报",
                "cumulative": f"完成 {state.percent}%；"
                + "；".join(f"{s.indicator.name} {s.actual_display}" for s in state.indicators),
                "status": state.colour_label,
                "colour": state.colour,
                "problems": this.problems if this else "",
                "next_steps": this.next_steps if this else "",
            }
        )
        own_by_period: dict[int, dict[int, Decimal]] = {}
        for update in task.updates.all():
            for actual in update.actuals.all():
                if actual.value is not None:
                    own_by_period.setdefault(actual.indicator_id, {})[update.period_id] = (
                        actual.value
                    )
        for s in state.indicators:
            ind = s.indicator
            if ind.kind == IndicatorKind.MILESTONE:
                continue
            per_quarter = []
            for p in periods:
                own = own_by_period.get(ind.pk, {}).get(p.pk)
                units = approved.get((ind.pk, p.pk)) if ind.kind == IndicatorKind.COUNT else None
                value = None if own is None and units is None else (own or 0) + (units or 0)
                per_quarter.append(float(value) if value is not None else None)
            data.indicators.append(
                {
                    "task": f"{task.number}. {task.title}",
                    "name": ind.name,
                    "target": ind.target_display,
                    "quarters": per_quarter,
                    "cumulative": float(s.actual) if s.actual is not None else None,
                    "percent": (s.percent or 0) / 100,
                }
            )
    data.colour_counts = [(COLOUR_LABELS[c], counts[c]) for c in COLOUR_ORDER]
    data.departments = [
        {
            "name": dept.label,
            "order": dept.key,
            "tasks": dept.tasks,
            "percent_sum": dept.percent_sum,
            **dept.colours,
            "percent": dept.percent / 100,
        }
        for dept in department_figures(states, year=plan.year)
    ]
    _unit_rows(data, period, tasks, cut_off)
    return data


def _unit_rows(
    data: WorkbookData, period: ReportingPeriod, tasks: QuerySet[KeyTask], cut_off: dt.date
) -> None:
    from dashboard.selectors import unit_ranking

    grid = submission_grid(period.plan, max(cut_off, period.due_date + dt.timedelta(days=1)))
    ranking = {r.unit.pk: (n + 1, r.score) for n, r in enumerate(unit_ranking(period.plan, grid))}
    count_indicators = list(
        tasks.filter(indicators__kind=IndicatorKind.COUNT)
        .values_list("indicators__pk", "number", "indicators__name")
        .order_by("number", "indicators__order")
    )
    data.unit_indicators = [f"{n}. {name}" for _, n, name in count_indicators]
    sums = approved_contributions(
        by=("unit", "indicator"), period=period, indicator_ids=[i for i, _, _ in count_indicators]
    )
    for unit in grid.units:
        cell = grid.cells[(unit.pk, period.pk)]
        report = cell["report"]
        rank, score = ranking.get(unit.pk, (None, None))
        data.units.append(
            {
                "name": unit.name,
                "state": cell["label"],
                "submitted_at": timezone.localtime(report.submitted_at).strftime("%Y-%m-%d %H:%M")
                if report and report.submitted_at
                else "",
                "values": [
                    float(sums[(unit.pk, i)]) if (unit.pk, i) in sums else None
                    for i, _, _ in count_indicators
                ],
                "rank": rank,
                "score": score,
            }
        )


# --- formatting -----------------------------------------------------------------------------

THIN = Side(style="thin", color="999999")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
TITLE_FONT = Font(name="宋体", size=16, bold=True)
HEADER_FONT = Font(name="宋体", size=11, bold=True)
BODY_FONT = Font(name="宋体", size=10)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
SECTION_FILL = PatternFill("solid", fgColor="F2F2F2")
WRAP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
STATUS_FILLS = {
    c.value: PatternFill("solid", fgColor=COLOUR_HEX[c].lstrip("#").upper()) for c in COLOUR_ORDER
}


def put(ws: Worksheet, row: int, column: int, value: Any, **style: Any) -> Any:
    """Write one cell; text is always stored as text, never evaluated as a formula."""
    cell = ws.cell(row=row, column=column)
    cell.value = value
    if isinstance(value, str):
        # "=HYPERLINK(...)" typed by a user must stay the text it was (no formula injection).
        cell.data_type = "s"
    cell.font = style.get("font", BODY_FONT)
    cell.alignment = style.get("alignment", WRAP)
    cell.border = BORDER
    if "fill" in style:
        cell.fill = style["fill"]
    if "number_format" in style:
        cell.number_format = style["number_format"]
    return cell


def _sheet(wb: Workbook, title: str, headers: list[tuple[str, float]], heading: str) -> Worksheet:
    """A sheet with a merged title row, a header row, widths, print set-up and footer."""
    ws = wb.create_sheet(title)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    put(ws, 1, 1, heading, font=TITLE_FONT, alignment=CENTER)
    ws.row_dimensions[1].height = 30
    for col, (name, width) in enumerate(headers, start=1):
        put(ws, 2, col, name, font=HEADER_FONT, alignment=CENTER, fill=HEADER_FILL)
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = "A3"
    ws.print_title_rows = "1:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    return ws


def build_quarterly_workbook(data: WorkbookData) -> bytes:
    """The workbook as .xlsx bytes: cover, 总表, 量化指标, 分部室, 分街道 and 图表."""
    wb = Workbook()
    cover = cast(Worksheet, wb.active)  # a new workbook's one sheet (the stubs allow None)
    cover.title = "封面"
    cover.merge_cells("A1:F1")
    put(cover, 1, 1, data.title, font=Font(name="宋体", size=20, bold=True), alignment=CENTER)
    cover.row_dimensions[1].height = 48
    lines = [
        ("范围", data.scope),
        ("数据截止", data.cut_off.strftime("%Y年%m月%d日")),
        ("生成时间", data.generated_at.strftime("%Y-%m-%d %H:%M")),
        (
            "说明",
            "状态按红黄绿灯：严重滞后（红）、进度滞后（黄）、正常推进（绿）、已完成（蓝）；"
            "量化指标的完成数含牵头部室填报与经审核通过的单位贡献。",
        ),
    ]
    if not data.tasks:
        lines.append(("提示", "本范围内没有重点工作或尚无数据，各表为空。"))
    for n, (label, text) in enumerate(lines, start=3):
        put(cover, n, 1, label, font=HEADER_FONT)
        cover.merge_cells(start_row=n, start_column=2, end_row=n, end_column=6)
        put(cover, n, 2, text)
    cover.column_dimensions["A"].width = 12
    for letter in "BCDEF":
        cover.column_dimensions[letter].width = 22
    cover.page_setup.orientation = "landscape"
    cover.page_setup.paperSize = cover.PAPERSIZE_A4

    summary = _sheet(
        wb,
        "总表",
        [
            ("序号", 6),
            ("重点工作", 28),
            ("牵头部室", 12),
            ("参与单位", 18),
            ("年度目标", 30),
            ("本季度进展", 40),
            ("累计完成情况", 28),
            ("状态", 10),
            ("存在问题", 26),
            ("下一步计划", 26),
        ],
        data.title,
    )
    row = 3
    section = None
    for task in data.tasks:
        if task["section"] != section:
            section = task["section"]
            summary.merge_cells(start_row=row, start_column=1, end_row=row, end_column=10)
            put(summary, row, 1, section, font=HEADER_FONT, fill=SECTION_FILL)
            row += 1
        values = [
            task["number"],
            task["title"],
            task["leads"],
            task["participants"],
            task["targets"],
            task["progress"],
            task["cumulative"],
            task["status"],
            task["problems"],
            task["next_steps"],
        ]
        for col, value in enumerate(values, start=1):
            put(summary, row, col, value, alignment=CENTER if col in (1, 8) else WRAP)
        summary.cell(row=row, column=8).fill = STATUS_FILLS[task["colour"]]
        summary.cell(row=row, column=8).font = Font(name="宋体", size=10, bold=True, color="FFFFFF")
        row += 1
    if not data.tasks:
        put(summary, 3, 1, "本季度没有可汇总的数据。")

    quarters = data.quarters
    indicators = _sheet(
        wb,
        "量化指标",
        [
            ("重点工作", 26),
            ("指标", 30),
            ("年度目标", 14),
            *[(q, 10) for q in quarters],
            ("累计", 10),
            ("完成率", 10),
        ],
        f"{data.title}（量化指标）",
    )
    for r, item in enumerate(data.indicators, start=3):
        put(indicators, r, 1, item["task"])
        put(indicators, r, 2, item["name"])
        put(indicators, r, 3, item["target"], alignment=CENTER)
        for c, value in enumerate(item["quarters"], start=4):
            put(indicators, r, c, value, alignment=CENTER, number_format="0.##")
        put(
            indicators,
            r,
            4 + len(quarters),
            item["cumulative"],
            alignment=CENTER,
            number_format="0.##",
        )
        put(indicators, r, 5 + len(quarters), item["percent"], alignment=CENTER, number_format="0%")

    departments = _sheet(
        wb,
        "分部室",
        [
            ("牵头部室", 14),
            ("牵头工作（项）", 14),
            ("平均进度", 12),
            *[(COLOUR_LABELS[c], 12) for c in COLOUR_ORDER],
        ],
        f"{data.title}（分部室）",
    )
    for r, dept in enumerate(data.departments, start=3):
        values = [
            dept["name"],
            dept["tasks"],
            dept["percent"],
            *[dept[c.value] for c in COLOUR_ORDER],
        ]
        for c, value in enumerate(values, start=1):
            put(
                departments,
                r,
                c,
                value,
                alignment=CENTER,
                **({"number_format": "0.0%"} if c == 3 else {}),
            )

    units = _sheet(
        wb,
        "分街道",
        [
            ("单位", 24),
            ("报送情况", 10),
            ("提交时间", 18),
            *[(name, 14) for name in data.unit_indicators],
            ("考核排名", 10),
            ("得分", 10),
        ],
        f"{data.title}（分街道）",
    )
    for r, unit in enumerate(data.units, start=3):
        values = [
            unit["name"],
            unit["state"],
            unit["submitted_at"],
            *unit["values"],
            unit["rank"],
            unit["score"],
        ]
        for c, value in enumerate(values, start=1):
            put(units, r, c, value, alignment=WRAP if c == 1 else CENTER)

    charts = wb.create_sheet("图表")
    put(charts, 1, 1, "状态", font=HEADER_FONT)
    put(charts, 1, 2, "项数", font=HEADER_FONT)
    for r, (label, count) in enumerate(data.colour_counts, start=2):
        put(charts, r, 1, label)
        put(charts, r, 2, count)
    pie = PieChart()
    pie.title = "红黄绿灯"
    pie.add_data(
        Reference(charts, min_col=2, min_row=1, max_row=1 + len(data.colour_counts)),
        titles_from_data=True,
    )
    pie.set_categories(Reference(charts, min_col=1, min_row=2, max_row=1 + len(data.colour_counts)))
    charts.add_chart(pie, "D2")
    if data.departments:
        bar = BarChart()
        bar.type = "bar"
        bar.title = "各部室平均进度"
        bar.add_data(
            Reference(departments, min_col=3, min_row=2, max_row=2 + len(data.departments)),
            titles_from_data=True,
        )
        bar.set_categories(
            Reference(departments, min_col=1, min_row=3, max_row=2 + len(data.departments))
        )
        charts.add_chart(bar, "D20")
    charts.page_setup.orientation = "landscape"
    charts.page_setup.paperSize = charts.PAPERSIZE_A4

    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
