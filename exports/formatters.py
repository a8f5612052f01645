"""Formatters of the export pipeline: pure functions from a reader's plain values to file bytes
(no database), so they are tested and benchmarked alone.
"""

from __future__ import annotations

import io
from typing import Any, cast

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from exports.readers import TaskListData, WorkbookData
from tasks.status import COLOUR_HEX, COLOUR_LABELS, COLOUR_ORDER

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


def cell_text(text: str) -> str:
    """Text a workbook can hold: Word's Shift+Enter (U+000B) and form feeds become line breaks;
    other control characters (which openpyxl refuses, failing the whole workbook) are dropped."""
    return ILLEGAL_CHARACTERS_RE.sub("", text.replace("\x0b", "\n").replace("\x0c", "\n"))


def put(ws: Worksheet, row: int, column: int, value: Any, **style: Any) -> Any:
    """Write one cell; text is always stored as text, never evaluated as a formula."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        value = cell_text(value)
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
            f"{unit['rank']}（并列）" if unit.get("rank_tied") else unit["rank"],
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


TASK_LIST_KEYS = (
    "number",
    "title",
    "section",
    "leads",
    "colour_label",
    "percent",
    "expected",
    "indicators",
    "latest",
    "due",
)


def _row_height(row: dict[str, Any], headers: list[tuple[str, float]]) -> float:
    """Points a wrapped row needs: the most lines any cell wraps to (a CJK character is about
    1.9 column-width units at 10 pt), 12.5 points a line."""
    lines = 1
    for key, (_name, width) in zip(TASK_LIST_KEYS, headers, strict=True):
        text = str(row.get(key) or "")
        units = sum(1.9 if ord(ch) > 0x2E7F else 1.0 for ch in text)
        lines = max(lines, -(-int(units) // max(int(width), 1)))
    return 12.5 * lines + 3


def build_task_list_workbook(data: TaskListData) -> bytes:
    """The task list as one printable sheet, a row a task with its colour, progress and figures."""
    wb = Workbook()
    wb.remove(cast(Worksheet, wb.active))
    headers: list[tuple[str, float]] = [
        ("序号", 5),
        ("重点工作", 22),
        ("板块", 14),
        ("牵头部室", 10),
        ("状态", 9),
        ("完成进度", 8),
        ("时间进度", 8),
        ("量化指标", 26),
        ("最新进展", 40),
        ("完成时限", 11),
    ]
    heading = f"{data.title}（{data.scope}，截至 {data.cut_off:%Y年%m月%d日}）"
    ws = _sheet(wb, "重点工作清单", headers, heading)
    for n, row in enumerate(data.rows, start=3):
        put(ws, n, 1, row["number"], alignment=CENTER)
        put(ws, n, 2, row["title"])
        put(ws, n, 3, row["section"])
        put(ws, n, 4, row["leads"])
        put(ws, n, 5, row["colour_label"], alignment=CENTER, fill=STATUS_FILLS[row["colour"]])
        put(ws, n, 6, row["percent"] / 100, alignment=CENTER, number_format="0%")
        put(ws, n, 7, row["expected"] / 100, alignment=CENTER, number_format="0%")
        put(ws, n, 8, row["indicators"])
        put(ws, n, 9, row["latest"])
        put(ws, n, 10, row["due"], alignment=CENTER, number_format="yyyy-mm-dd")
        ws.row_dimensions[n].height = _row_height(row, headers)
    if not data.rows:
        put(ws, 3, 1, "没有符合条件的重点工作。")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
