"""The lists' 导出 Excel (报送情况, 审核, 领导批示): pure formatters from what the list's selector
read (no database) to .xlsx bytes, one sheet each that prints on A4 landscape with its title, its
filter and date, the header repeated and page numbers in the footer.

These lists are small (units × periods, one department's entries, the 批示), so the pages send the
file at once; the task list, which can be long, goes through the export jobs.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.utils import timezone
from openpyxl.styles import Font, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from exports.formatters import (
    CENTER,
    PLAIN,
    _sheet,
    fit_row_heights,
    merge_row,
    new_workbook,
    put,
)
from reports.selectors import REVIEW_STATES, SubmissionGrid
from tasks.status import COLOUR_HEX, Colour

# The grid's cell colours as on the page (static/css/unionplan.css, .grid-*; 逾期未报 in the red of
# 红黄绿灯).
GRID_FILLS = {
    state: PatternFill("solid", fgColor=colour)
    for state, colour in {
        "overdue": COLOUR_HEX[Colour.RED].lstrip("#").upper(),
        "open": "E9EEF5",
        "returned": "FDE0C2",
        "late": "FFF0B8",
        "on_time": "D3EEDC",
        "approved": "CFE2F8",
        "upcoming": "FFFFFF",
    }.items()
}
OVERDUE_FONT = Font(name="宋体", size=10, color="9C0006", bold=True)
GRID_OVERDUE_FONT = Font(name="宋体", size=10, color="FFFFFF", bold=True)
SUBTITLE_FONT = Font(name="宋体", size=10, italic=True)


@dataclass
class ListSheet:
    """One list as rows of plain values, with what its printed title says."""

    title: str  # e.g. 2024年各单位报送情况
    scope: str  # the filter in words, e.g. 待审核；坂田街道总工会
    cut_off: dt.date
    headers: list[tuple[str, float]]
    rows: list[list[Any]] = field(default_factory=list)
    # (row index, column index) → fill or font, e.g. a grid cell's state colour
    fills: dict[tuple[int, int], PatternFill] = field(default_factory=dict)
    fonts: dict[tuple[int, int], Font] = field(default_factory=dict)
    centred: tuple[int, ...] = ()  # columns (0-based) centred
    empty: str = "没有符合条件的记录。"

    @property
    def file_name(self) -> str:
        scope = f"（{self.scope}）" if self.scope else ""
        return f"{self.title}{scope}.xlsx"


def build_list_workbook(sheet: ListSheet) -> bytes:
    """The list as one printable sheet: its title, a note with the filter and the date, the
    header (the three repeat on every page), its rows sized to their wrapped text."""
    wb = new_workbook()
    wb.remove(cast(Worksheet, wb.active))
    scope = sheet.scope or "全部"
    ws = _sheet(
        wb,
        sheet.title[:31],
        sheet.headers,
        sheet.title,
        note=f"范围：{scope}　截至 {sheet.cut_off:%Y年%m月%d日}",
        footer=f"{sheet.title}（{scope}）",
    )
    first = 4  # title, note, header
    for r, values in enumerate(sheet.rows):
        for c, value in enumerate(values):
            style: dict[str, Any] = {"alignment": PLAIN}
            if c in sheet.centred:
                style["alignment"] = CENTER
            if (r, c) in sheet.fills:
                style["fill"] = sheet.fills[(r, c)]
            if (r, c) in sheet.fonts:
                style["font"] = sheet.fonts[(r, c)]
            put(ws, first + r, c + 1, value, **style)
    if not sheet.rows:
        merge_row(ws, first, 1, len(sheet.headers), sheet.empty)
    fit_row_heights(ws, [w for _name, w in sheet.headers], first)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _when(value: dt.datetime | None) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


# --- 报送情况 -----------------------------------------------------------------------------------


def grid_sheet(grid: SubmissionGrid, *, year: int) -> ListSheet:
    """The submission grid: a row a unit, a column a period, the rates at the foot."""
    sheet = ListSheet(
        title=f"{year}年各单位报送情况",
        scope="",
        cut_off=grid.today,
        headers=[("单位", 26), *[(p.name, 13) for p in grid.periods]],
        centred=tuple(range(1, len(grid.periods) + 1)),
        empty="本年度还没有参与重点工作的填报单位。",
    )
    for r, (unit, cells) in enumerate(grid.rows()):
        row: list[Any] = [unit.name]
        for c, cell in enumerate(cells, start=1):
            text = cell["label"]
            if cell["late"] and cell["state"] != "late":
                text += "（逾期）"
            report = cell["report"]
            if report is not None and report.submitted_at:
                text += f"\n{timezone.localtime(report.submitted_at):%m-%d %H:%M}"
            row.append(text)
            sheet.fills[(r, c)] = GRID_FILLS[cell["state"]]
            if cell["state"] == "overdue":
                sheet.fonts[(r, c)] = GRID_OVERDUE_FONT
        sheet.rows.append(row)
    if grid.units:
        rates = grid.rate_rows()
        sheet.rows.append(["报送率", *[_percent(r["reporting"]) for r in rates]])
        sheet.rows.append(["及时率", *[_percent(r["on_time"]) for r in rates]])
    return sheet


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value}%"


# --- 审核 --------------------------------------------------------------------------------------


def review_sheet(
    entries: Iterable[Any], *, scope: list[str], year: int | None, today: dt.date
) -> ListSheet:
    """The review list: a row an entry, with its unit, period, narrative, figures and state."""
    sheet = ListSheet(
        title=f"{year}年单位报表审核清单" if year else "单位报表审核清单",
        scope="；".join(scope),
        cut_off=today,
        headers=[
            ("填报单位", 14),
            ("周期", 8),
            ("提交时间", 11),
            ("重点工作", 20),
            ("工作情况", 34),
            ("数据", 14),
            ("佐证材料", 12),
            ("状态", 7),
            ("审核", 12),
        ],
        centred=(1, 2, 7),
        empty="没有符合筛选条件的条目。",
    )
    for r, entry in enumerate(entries):
        report = entry.report
        narrative = (
            f"本期不涉及：{entry.not_applicable_reason or '（未说明原因）'}"
            if entry.not_applicable
            else entry.narrative or "（未填写）"
        )
        figures = "；".join(
            f"{c.indicator.name} {c.value.normalize():f}{c.indicator.measure_unit}"
            for c in entry.contributions.all()
        )
        files = "；".join(a.original_name for a in entry.attachments.all())
        review = ""
        if entry.reviewed_by and entry.state != "submitted":
            review = f"{entry.reviewed_by.display_name} {_when(entry.reviewed_at)}"
        if entry.state == "returned" and entry.return_reason:
            review += f"\n退回原因：{entry.return_reason}"
        submitted = _when(report.submitted_at)
        if report.is_late:
            submitted += "\n逾期提交"
            sheet.fonts[(r, 2)] = OVERDUE_FONT
        sheet.rows.append(
            [
                report.unit.name,
                report.period.name,
                submitted,
                f"{entry.task.number}. {entry.task.title}",
                narrative,
                figures,
                files,
                entry.get_state_display(),
                review.strip(),
            ]
        )
    return sheet


def review_scope(filters: Any, options: Any) -> list[str]:
    """The review list's filter in words, from the names its filter bar offers."""
    words = [REVIEW_STATES[filters.state]]
    names = [
        (filters.unit, {u.pk: u.name for u in options.units}),
        (filters.period, {p.pk: f"{p.plan.year}年{p.name}" for p in options.periods}),
        (filters.task, {t.pk: f"第{t.number}项" for t in options.tasks}),
    ]
    words += [choices[value] for value, choices in names if value in choices]
    if filters.report:
        words.append("一份报表")
    if filters.late:
        words.append("仅逾期提交")
    return words


# --- 领导批示 ----------------------------------------------------------------------------------


def instruction_sheet(
    instructions: Iterable[Any], *, scope: list[str], year: int, today: dt.date
) -> ListSheet:
    """The 批示 list: a row a 批示 with its task, leads, deadline, state and its thread."""
    sheet = ListSheet(
        title=f"{year}年领导批示办理情况",
        scope="；".join(scope),
        cut_off=today,
        headers=[
            ("重点工作", 20),
            ("牵头部室", 9),
            ("批示领导", 10),
            ("批示时间", 11),
            ("批示内容", 30),
            ("办理时限", 10),
            ("状态", 9),
            ("办理情况（答复、追问、办结）", 35),
        ],
        centred=(1, 2, 3, 5, 6),
        empty="没有符合筛选条件的批示。",
    )
    for r, item in enumerate(instructions):
        state = item.get_state_display()
        if item.overdue_days:
            state += f"\n已逾期 {item.overdue_days} 天"
            sheet.fonts[(r, 6)] = OVERDUE_FONT
        thread = "\n".join(
            f"{m.get_kind_display()}（{m.author.display_name}，{_when(m.created_at)[5:]}）"
            + (f"：{m.text}" if m.text else "")
            for m in item.thread
        )
        sheet.rows.append(
            [
                f"{item.task.number}. {item.task.title}",
                "、".join(lead.unit.name for lead in item.task.leads.all()),
                item.author.display_name,
                _when(item.created_at),
                item.text,
                f"{item.deadline:%Y-%m-%d}" if item.deadline else "",
                state,
                thread or item.answer,
            ]
        )
    return sheet
