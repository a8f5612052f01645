"""The workbooks' own cell writer (exports.formatters.workbook_bytes) writes the file openpyxl's
save writes: what a spreadsheet reads back is the same, text and styles included."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.worksheet.pagebreak import Break

from exports.formatters import (
    BODY_FONT,
    BORDER,
    CENTER,
    HEADER_FILL,
    HEADER_FONT,
    TITLE_FONT,
    WRAP,
    _sheet,
    _sheet_data,
    fit_row_heights,
    merge_row,
    new_workbook,
    put,
    put_row,
    set_row_height,
    workbook_bytes,
)

TEXTS = [
    " 前有空格",
    "后有空格 ",
    "a & b < c > d \"引号\" 'x'",
    "回车\r\n换行",
    "制表\t符",
    "Word 换行\x0b与分页\x0c",
    "控制\x01\x02字符",
    '=HYPERLINK("http://example.com")',
    "",
    "表情 😀 与扩展区汉字 𠀀",
    "非字符\ufffe\uffff与半个代理\ud800",
    "长" * 300,
]


def sample_workbook() -> Workbook:
    wb = new_workbook()
    ws = _sheet(wb, "表一", [("名称", 20), ("数值", 10), ("比例", 10)], "标题 & 说明", note="注")
    for row, text in enumerate(TEXTS, start=4):
        put(ws, row, 1, text)
        put(ws, row, 2, row * 1.5 if row % 3 else row, alignment=CENTER, number_format="0.##")
        put(ws, row, 3, None if row % 2 else row / 100, alignment=CENTER, number_format="0%")
    merge_row(ws, 4 + len(TEXTS), 1, 3, "合并的一行", font=HEADER_FONT, fill=HEADER_FILL)
    put_row(ws, 5 + len(TEXTS), 1, ["甲", 2, None], alignment=CENTER)
    fit_row_heights(ws, [20, 10, 10], 4, 5 + len(TEXTS))
    ws.row_breaks.append(Break(id=8))
    ws.row_dimensions[30].height = 40  # a row with a height and no cells
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=2, min_row=4, max_row=8))
    ws.add_chart(chart, "E4")
    dates = wb.create_sheet("日期")  # a date: openpyxl writes this sheet itself
    put(dates, 1, 1, dt.date(2024, 9, 30), number_format="yyyy-mm-dd")
    put(dates, 1, 2, "日期旁的文字", font=TITLE_FONT)
    return wb


def read_back(content: bytes) -> dict[str, Any]:
    wb = load_workbook(io.BytesIO(content))
    sheets = {}
    for ws in wb.worksheets:
        cells = {
            cell.coordinate: (
                cell.value,
                cell.data_type,
                cell.font.name,
                cell.font.sz,
                bool(cell.font.b),
                cell.fill.fgColor.rgb,
                cell.alignment.horizontal,
                cell.alignment.wrap_text,
                cell.border.left.style,
                cell.number_format,
            )
            for row in ws.iter_rows()
            for cell in row
            if cell.has_style or cell.value is not None
        }
        sheets[ws.title] = {
            "cells": cells,
            "heights": {r: d.height for r, d in ws.row_dimensions.items() if d.height},
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "breaks": [b.id for b in ws.row_breaks.brk],
            "titles": ws.print_title_rows,
            "freeze": ws.freeze_panes,
            "charts": len(ws._charts),
            "footer": ws.oddFooter.center.text,
        }
    return sheets


def test_the_fast_writer_writes_what_openpyxl_writes():
    """Tricky text (spaces at the ends, markup characters, line breaks, characters openpyxl or
    XML refuse), numbers, blank styled cells, merges, heights, breaks and a chart read back the
    same as from wb.save; a sheet holding a date is left to openpyxl and reads back a date."""
    wb = sample_workbook()
    assert _sheet_data(wb["表一"]) is not None and _sheet_data(wb["日期"]) is None
    ours = read_back(workbook_bytes(wb))
    buffer = io.BytesIO()
    sample_workbook().save(buffer)
    theirs = read_back(buffer.getvalue())
    assert ours == theirs
    cells = ours["表一"]["cells"]
    assert cells["A4"][0] == " 前有空格" and cells["A5"][0] == "后有空格 "
    assert cells["A7"][0] == "回车\r\n换行"
    assert cells["A9"][0] == "Word 换行\n与分页\n"
    assert cells["A11"][0] == '=HYPERLINK("http://example.com")' and cells["A11"][1] == "s"
    assert cells["A14"][0] == "非字符与半个代理"
    assert ours["表一"]["heights"][30] == 40 and ours["表一"]["charts"] == 1
    assert ours["日期"]["cells"]["A1"][0] == dt.datetime(2024, 9, 30)


def test_cells_merges_and_rows_are_what_openpyxl_itself_makes():
    """put, merge_row and set_row_height skip openpyxl's constructors and checks; what they
    make reads back as what openpyxl's own ws.cell, merge_cells and row_dimensions make."""
    ours = new_workbook()
    ws = ours.create_sheet("表")
    put(ws, 1, 1, "文字", font=HEADER_FONT, alignment=CENTER, fill=HEADER_FILL)
    put(ws, 1, 2, 3, alignment=CENTER, number_format="0.##")
    put(ws, 1, 3, 2.5)
    put(ws, 1, 4, True)
    merge_row(ws, 2, 1, 4, "合并", font=TITLE_FONT, border=None)
    set_row_height(ws, 1, 30)
    set_row_height(ws, 2, 41.5)
    set_row_height(ws, 2, 42)

    theirs = new_workbook()
    other = theirs.create_sheet("表")
    other.cell(1, 1, "文字").font = HEADER_FONT
    other["A1"].alignment, other["A1"].fill, other["A1"].border = CENTER, HEADER_FILL, BORDER
    other.cell(1, 2, 3).alignment = CENTER
    other["B1"].number_format, other["B1"].border, other["B1"].font = "0.##", BORDER, BODY_FONT
    for column, value in ((3, 2.5), (4, True)):
        cell = other.cell(1, column, value)
        cell.font, cell.alignment, cell.border = BODY_FONT, WRAP, BORDER
    other.merge_cells("A2:D2")
    other["A2"] = "合并"
    for column in range(1, 5):
        other.cell(2, column).font = TITLE_FONT
        other.cell(2, column).alignment = WRAP
    other.row_dimensions[1].height = 30
    other.row_dimensions[2].height = 42

    saved = []
    for wb in (ours, theirs):
        buffer = io.BytesIO()
        wb.save(buffer)
        saved.append(read_back(buffer.getvalue()))
    assert saved[0] == saved[1]
    assert saved[0]["表"]["cells"]["D1"][:2] == (True, "b")
    assert ws.row_dimensions[2].__dict__ == other.row_dimensions[2].__dict__
    (ours_range,) = ws.merged_cells.ranges
    (their_range,) = other.merged_cells.ranges
    assert ours_range == their_range and hash(ours_range) == hash(their_range)


def test_restyling_one_cell_leaves_the_others_of_its_style():
    wb = new_workbook()
    ws = wb.create_sheet("表")
    put_row(ws, 1, 1, ["甲", "乙"], alignment=CENTER)
    ws["A1"].fill = HEADER_FILL  # as the unit workbook colours a state cell
    assert ws["A1"].fill == HEADER_FILL and ws["B1"].fill != HEADER_FILL
    assert ws["B1"].alignment == CENTER


def test_the_fast_writer_gives_the_dimension_openpyxl_gives():
    wb = sample_workbook()
    for ws in (wb["表一"], wb.create_sheet("空")):
        sheet_data = _sheet_data(ws)
        assert sheet_data is not None and sheet_data[1] == ws.calculate_dimension()
