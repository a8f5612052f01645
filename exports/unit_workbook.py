"""Formatter of a unit's own workbook (单位季度报表): a pure function from the reader's plain values
(exports/unit_readers.py) to .xlsx bytes, three sheets a clerk prints as they come (A4 landscape,
rows as tall as their wrapped text, titles repeated, the unit in every title, a page footer).
"""

from __future__ import annotations

import io
from typing import Any, cast

from openpyxl import Workbook
from openpyxl.styles import Alignment, PatternFill
from openpyxl.worksheet.worksheet import Worksheet

from exports.formatters import (
    CENTER,
    NOTE_FONT,
    WRAP,
    _sheet,
    fit_row_heights,
    new_workbook,
    put,
)
from exports.unit_readers import UnitWorkbookData

# The entry states in the workspace's colours (reports' badges): what needs action stands out.
STATE_FILLS = {
    "empty": PatternFill("solid", fgColor="F2F2F2"),
    "saved": PatternFill("solid", fgColor="FFF3CD"),
    "submitted": PatternFill("solid", fgColor="CFE2FF"),
    "approved": PatternFill("solid", fgColor="D1E7DD"),
    "returned": PatternFill("solid", fgColor="F8D7DA"),
}
SUMMARY_ALIGN = Alignment(wrap_text=True, vertical="center")
ENTRY_HEADERS: list[tuple[str, float]] = [
    ("序号", 5),
    ("重点工作", 22),
    ("牵头部室", 10),
    ("状态", 8),
    ("本期工作情况", 40),
    ("本期填报数据", 16),
    ("审核人", 18),
    ("审核意见", 16),
    ("佐证", 6),
]
FIGURE_HEADERS: list[tuple[str, float]] = [
    ("重点工作", 30),
    ("量化指标", 30),
    ("计量单位", 8),
    ("本单位目标", 10),
    ("目标来源", 10),
    ("本期填报", 10),
    ("本期状态", 10),
    ("累计已通过", 11),
    ("完成率", 9),
]
ATTACHMENT_HEADERS: list[tuple[str, float]] = [
    ("序号", 5),
    ("文件名", 40),
    ("重点工作", 36),
    ("条目状态", 10),
    ("大小", 10),
    ("上传时间", 16),
    ("上传人", 12),
]


def _unit_sheet(
    wb: Workbook,
    title: str,
    headers: list[tuple[str, float]],
    data: UnitWorkbookData,
    note: str,
) -> Worksheet:
    """A sheet titled with the unit, the period and the sheet's name; under the title what it is
    as of (状态按 …计); the title, note and header repeat on every printed page."""
    ws = _sheet(wb, title, headers, f"{data.title}（{title}）", note=note, footer=data.title)
    footer: Any = ws.oddFooter  # Optional in the stubs, never None on a new sheet
    footer.right.text = f"生成于 {data.generated_at:%Y-%m-%d %H:%M}"
    footer.right.size = 9
    return ws


def _as_of(data: UnitWorkbookData) -> str:
    return f"状态按 {_date(data.cut_off)}计"


def _date(day: Any) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def _size(size: int) -> str:
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f} MB"
    return f"{max(1, round(size / 1024))} KB"


def _summary(data: UnitWorkbookData) -> str:
    state = data.report_state + ("（逾期提交）" if data.is_late else "")
    counts = "，".join(f"{label} {n} 项" for label, n in data.state_counts) or "无"
    return (
        f"报表状态：{state}　　截止日期：{_date(data.due_date)}"
        f"　　首次提交：{data.submitted_at or '尚未提交'}　　{_as_of(data)}\n"
        f"条目 {len(data.entries)} 项：{counts}；佐证材料 {len(data.attachments)} 个。"
    )


def build_unit_workbook(data: UnitWorkbookData) -> bytes:
    """A unit's workbook as .xlsx bytes: 填报情况, 指标完成 and 佐证材料."""
    wb = new_workbook()
    wb.remove(cast(Worksheet, wb.active))

    entries = _unit_sheet(wb, "填报情况", ENTRY_HEADERS, data, _summary(data))
    last = len(ENTRY_HEADERS)
    # The summary reads left to right, on two lines, above the table.
    put(entries, 2, 1, _summary(data), font=NOTE_FONT, alignment=SUMMARY_ALIGN, border=None)
    fit_row_heights(entries, [w for _, w in ENTRY_HEADERS], 2, 2)
    row = 4
    first = row
    for item in data.entries:
        values = [
            item["number"],
            item["title"],
            item["leads"],
            item["state_label"],
            item["narrative"],
            item["figures"],
            item["reviewer"],
            item["comment"],
            item["attachments"] or "",
        ]
        for col, value in enumerate(values, start=1):
            put(entries, row, col, value, alignment=CENTER if col in (1, 4, 9) else WRAP)
        entries.cell(row=row, column=4).fill = STATE_FILLS[item["state"]]
        row += 1
    if not data.entries:
        entries.merge_cells(start_row=row, start_column=1, end_row=row, end_column=last)
        put(entries, row, 1, "本单位在本期没有需要填报的重点工作。", border=None)
        row += 1
    fit_row_heights(entries, [w for _, w in ENTRY_HEADERS], first, row - 1)

    figures = _unit_sheet(wb, "指标完成", FIGURE_HEADERS, data, _as_of(data))
    row = 4
    for item in data.figures:
        values = [
            item["task"],
            item["name"],
            item["measure"],
            item["target"],
            item["target_source"],
            item["this_period"],
            item["this_state"],
            item["cumulative"],
            item["percent"],
        ]
        for col, value in enumerate(values, start=1):
            style: dict[str, Any] = {"alignment": WRAP if col <= 2 else CENTER}
            if col in (4, 6, 8):
                style["number_format"] = "0.##"
            if col == 9:
                style["number_format"] = "0%"
            put(figures, row, col, value, **style)
        row += 1
    if not data.figures:
        figures.merge_cells(start_row=row, start_column=1, end_row=row, end_column=9)
        put(figures, row, 1, "本单位在本期没有分解到的量化指标，也没有填报指标数据。", border=None)
        row += 1
    else:
        figures.merge_cells(start_row=row, start_column=1, end_row=row, end_column=9)
        put(
            figures,
            row,
            1,
            "本单位目标：指标分解给本单位的目标（没有分解时按原文“各单位”的目标）；"
            "累计已通过：截至本期经牵头部室审核通过的填报之和（比率型指标取最近一期）；"
            "完成率 = 累计已通过 ÷ 本单位目标",
            font=NOTE_FONT,
            border=None,
        )
        row += 1
    fit_row_heights(figures, [w for _, w in FIGURE_HEADERS], 4, row - 1)

    files = _unit_sheet(wb, "佐证材料", ATTACHMENT_HEADERS, data, _as_of(data))
    row = 4
    for n, item in enumerate(data.attachments, start=1):
        values = [
            n,
            item["name"],
            item["task"],
            item["state"],
            _size(item["size"]),
            item["uploaded_at"],
            item["uploaded_by"],
        ]
        for col, value in enumerate(values, start=1):
            put(files, row, col, value, alignment=WRAP if col in (2, 3) else CENTER)
        row += 1
    if not data.attachments:
        files.merge_cells(start_row=row, start_column=1, end_row=row, end_column=7)
        put(files, row, 1, "本期已提交的条目没有佐证材料。", border=None)
        row += 1
    fit_row_heights(files, [w for _, w in ATTACHMENT_HEADERS], 4, row - 1)

    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
