"""Formatters of the export pipeline: pure functions from a reader's plain values to file bytes
(no database), so they are tested and benchmarked alone.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import math
import re
from array import array as _array
from typing import Any, cast
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell, MergedCell
from openpyxl.chart import BarChart, PieChart, Reference
from openpyxl.chart.data_source import NumFmt
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.marker import DataPoint
from openpyxl.compat import safe_string
from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.styles.cell_style import StyleArray
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet._writer import WorksheetWriter
from openpyxl.worksheet.dimensions import RowDimension
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.worksheet import Worksheet
from openpyxl.writer.excel import ExcelWriter
from openpyxl.xml.functions import Element, SubElement

from exports.readers import TaskListData, WorkbookData
from tasks.status import COLOUR_HEX, COLOUR_LABELS, COLOUR_ORDER, Colour

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
PLAIN = Alignment(wrap_text=True, vertical="center")
NOTE_FONT = Font(name="宋体", size=10, color="444444")
NOTE_ALIGN = Alignment(horizontal="right", vertical="center")
SECTION_FONT = Font(name="宋体", size=10.5, bold=True)
STATUS_FONT = Font(name="宋体", size=10, bold=True, color="FFFFFF")
COVER_TITLE_FONT = Font(name="宋体", size=22, bold=True)
COVER_SCOPE_FONT = Font(name="宋体", size=16)
COVER_BODY_FONT = Font(name="宋体", size=12)
STATUS_FILLS = {
    c.value: PatternFill("solid", fgColor=COLOUR_HEX[c].lstrip("#").upper()) for c in COLOUR_ORDER
}


# Control characters openpyxl refuses, and what XML 1.0 cannot hold (U+FFFE, U+FFFF, halves of
# surrogate pairs): one of them would fail the whole workbook.
_NOT_IN_CELLS = re.compile(f"{ILLEGAL_CHARACTERS_RE.pattern}|[\ud800-\udfff\ufffe\uffff]")


def cell_text(text: str) -> str:
    """Text a workbook can hold: Word's Shift+Enter (U+000B) and form feeds become line breaks;
    other control characters and non-characters (which would fail the whole workbook) are
    dropped."""
    return _NOT_IN_CELLS.sub("", text.replace("\x0b", "\n").replace("\x0c", "\n"))


BODY_SIZE = 10.0
# A4 landscape with the margins _sheet sets: 842 × 595 pt less 0.4" left and right, 0.6" top and
# bottom (the footer sits inside the bottom margin).
PAGE_WIDTH_PT = 842 - 2 * 0.4 * 72
PAGE_HEIGHT_PT = 595 - 2 * 0.6 * 72
# Noto CJK / SimSun need about 1.45 em a line; a cell adds a little padding above and below.
LINE_EM = 1.45
CELL_PADDING_PT = 4.0
MAX_ROW_HEIGHT = 409.0  # Excel's limit


def column_points(width: float) -> float:
    """Points of text a column of ``width`` units holds at least: a unit is the default font's
    digit, Arial 10's 7 px (5.25 pt) in Excel, Liberation Sans 10's 5.56 pt in LibreOffice."""
    return width * 5.25 + 5


def printed_width(widths: list[float]) -> float:
    """Points the columns take on paper at most (LibreOffice's wider unit, cell padding)."""
    return sum(w * 5.6 + 4 for w in widths)


def new_workbook() -> Workbook:
    """An empty workbook whose default font (the unit of column widths) is Arial 10, which
    Excel and LibreOffice (as Liberation Sans, same metrics) measure alike; Calibri, openpyxl's
    default, is missing where LibreOffice runs without it and turns a unit 30 % wider."""
    wb = Workbook()
    default = Font(name="Arial", size=10)
    book: Any = wb  # the font list and named styles are private in the stubs
    book._fonts = IndexedList([default])
    book._named_styles["Normal"].font = default
    return wb


NARROW = frozenset(" .,:;-/()[]'|!ilI1")
NO_LINE_START = frozenset("，。、；：？！）》」』”’%·…")
_TOKENS = re.compile(r"[\u2010-\u206f\u2e80-\U0010ffff]|[^\s\u2010-\u206f\u2e80-\U0010ffff]+|\s+")


def _wide(ch: str) -> bool:
    # CJK ideographs, full-width punctuation and the curly quotes/dashes CJK fonts draw full width.
    return ord(ch) >= 0x2E80 or 0x2010 <= ord(ch) <= 0x206F


@functools.lru_cache(maxsize=4096)  # labels repeat: section and indicator names in every block
def text_lines(text: str, width: float, font_size: float = BODY_SIZE, bold: bool = False) -> int:
    """Lines ``text`` wraps to in a column of ``width`` units at ``font_size`` points: a CJK
    character is one em wide (about 2 width units at 10 pt), a Latin one about half an em (1 unit);
    each explicit line break starts a line. Rounded up, so a row is never too short."""
    usable = column_points(width) - CELL_PADDING_PT
    per_line = max(0.97 * usable / (font_size * (1.06 if bold else 1.0)), 1.0)  # ems on a line
    lines = 0
    for paragraph in text.split("\n"):
        lines += 1
        used = previous = 0.0
        # A CJK character is a token of its own; a Latin word moves whole to the next line.
        for token in _TOKENS.findall(paragraph):
            # 0.64 em: DejaVu's digits, which LibreOffice uses where 宋体 is missing (SimSun: 0.5).
            ems = sum(1.0 if _wide(ch) else 0.36 if ch in NARROW else 0.64 for ch in token)
            if used + ems > per_line and used > 0 and not token.isspace():
                lines += 1
                # A closing mark may not start a line: it takes the character before with it.
                used = previous + ems if token[0] in NO_LINE_START else ems
            else:
                used += ems
            previous = ems
    return lines


def line_points(font_size: float = BODY_SIZE) -> float:
    """Height of one wrapped line of text at ``font_size``."""
    return font_size * LINE_EM


def fit_row_heights(
    ws: Worksheet,
    widths: list[float] | None,
    first_row: int,
    last_row: int | None = None,
    font_size: float = BODY_SIZE,
) -> dict[int, float]:
    """Give each row from ``first_row`` to ``last_row`` the height its wrapped text needs (the
    tallest cell; a cell merged across a row counts the widths it spans) and return the heights.
    ``widths`` are the column widths in order (None: read them from the sheet)."""
    last = ws.max_row if last_row is None else last_row
    if widths is None:
        widths = [
            ws.column_dimensions[get_column_letter(c)].width or 8.43
            for c in range(1, ws.max_column + 1)
        ]
    spans: dict[tuple[int, int], float] = {}
    for merged in ws.merged_cells.ranges:
        if merged.min_row == merged.max_row and first_row <= merged.min_row <= last:
            spans[(merged.min_row, merged.min_col)] = sum(
                widths[c - 1] for c in range(merged.min_col, min(merged.max_col, len(widths)) + 1)
            ) + 1.0 * (merged.max_col - merged.min_col)
    fonts = cast(Any, ws.parent)._fonts
    heights: dict[int, float] = {}
    for r in range(first_row, last + 1):
        height = line_points(font_size) + CELL_PADDING_PT
        for c, width in enumerate(widths, start=1):
            cell: Any = ws._cells.get((r, c))
            if cell is None or not isinstance(cell.value, str):
                continue  # numbers and dates stay on one line (too narrow, they show ###)
            font = fonts[cell._style.fontId]
            size = float(font.sz or font_size)
            lines = text_lines(str(cell.value), spans.get((r, c), width), size, bool(font.b))
            height = max(height, lines * line_points(size) + CELL_PADDING_PT)
        height = min(math.ceil(height), MAX_ROW_HEIGHT)
        set_row_height(ws, r, height)
        heights[r] = height
    return heights


def keep_sections_together(
    ws: Worksheet, sections: list[tuple[int, int]], heights: dict[int, float], capacity: float
) -> None:
    """Break the page before a section (its first and last row) that would not fit on what is
    left of a page already more than half full but fits on a fresh one, or when less than its
    heading and two rows are left; elsewhere rows flow as LibreOffice and Excel flow them (a row
    is never split), so a short section does not leave half a page blank."""
    used = 0.0
    for first, last in sections:
        size = sum(heights.get(r, 15.0) for r in range(first, last + 1))
        start = sum(heights.get(r, 15.0) for r in range(first, min(first + 3, last + 1)))
        if used and (
            used + start > capacity
            or (used + size > capacity and size <= capacity and used > capacity / 2)
        ):
            ws.row_breaks.append(Break(id=first - 1))
            used = 0.0
        for r in range(first, last + 1):
            h = heights.get(r, 15.0)
            if used + h > capacity:
                used = 0.0
            used += h


_STYLES = "_unionplan_styles"
# A copy of a style array, as StyleArray(array) makes it without its Python-level constructor.
_copy_style = functools.partial(_array.__new__, StyleArray, "i")


def put(ws: Worksheet, row: int, column: int, value: Any, **style: Any) -> Any:
    """Write one cell; text is always stored as text, never evaluated as a formula.

    Style keywords: font, alignment, fill, number_format, border (BORDER unless given; None for
    no border). A combination is resolved once per workbook and reused, which keeps big
    workbooks fast."""
    return _cell(ws, row, column, value, _style_array(ws, style))


def put_row(ws: Worksheet, row: int, column: int, values: list[Any], **style: Any) -> None:
    """put() for cells side by side from ``column`` on, all in one style (looked up once)."""
    array = _style_array(ws, style)
    for c, value in enumerate(values, start=column):
        _cell(ws, row, c, value, array)


def _cell(ws: Worksheet, row: int, column: int, value: Any, array: StyleArray) -> Any:
    # ws.cell() without its checks and look-ups (a workbook has thousands of cells), with a
    # copy of the style array (openpyxl changes a cell's array in place when it is restyled).
    cells: dict[tuple[int, int], Any] = cast(Any, ws)._cells
    cell: Any = cells.get((row, column))
    if cell is None:
        # Cell(ws, row=row, column=column) without its two constructors' calls.
        cell = cells[(row, column)] = Cell.__new__(Cell)
        cell.parent = ws
        cell.row = row
        cell.column = column
        cell._value = None
        cell.data_type = "n"
        cell._hyperlink = None
        cell._comment = None
    cell._style = _copy_style(array)
    kind = type(value)
    if isinstance(value, str):
        # cell_text has removed what openpyxl's own (slow) check refuses; 32767 is Excel's limit.
        cell._value = cell_text(value)[:32767]
        # "=HYPERLINK(...)" typed by a user must stay the text it was (no formula injection).
        cell.data_type = "s"
    elif kind is int or kind is float:
        cell._value = value  # what openpyxl's value setter stores for a plain number
        cell.data_type = "n"
    elif value is not None:  # None styles a blank (or merged-over) cell without writing to it
        cell.value = value
    return cell


# A new row's dimension as RowDimension(ws, index=..., ht=...) sets it up, copied from one
# made once: openpyxl's constructor checks each of its fields (thousands of rows).
_NEW_ROW = RowDimension(cast(Worksheet, None), index=1, ht=1.0).__dict__.copy()


def set_row_height(ws: Worksheet, row: int, height: float) -> None:
    """ws.row_dimensions[row].height = height, several times faster for a new row."""
    dim: Any = ws.row_dimensions.get(row)
    if dim is None:
        dim = RowDimension.__new__(RowDimension)
        dim.parent = ws
        dim._style = None
        dim.__dict__.update(_NEW_ROW, index=int(row), ht=float(height))
        ws.row_dimensions[row] = dim
    else:
        dim.height = height


def _style_array(ws: Worksheet, style: dict[str, Any]) -> StyleArray:
    """The style array of a combination of put's style keywords, registered in the workbook the
    first time and looked up afterwards."""
    font = style.get("font", BODY_FONT)
    alignment = style.get("alignment", WRAP)
    fill = style.get("fill")
    number_format = style.get("number_format")
    border = style.get("border", BORDER)
    key = (id(font), id(alignment), id(fill), number_format, id(border))
    cache: dict[tuple[Any, ...], tuple[StyleArray, tuple[Any, ...]]] = (
        ws.parent.__dict__.setdefault(_STYLES, {})
    )
    known = cache.get(key)
    if known is not None:
        return known[0]
    # A scratch cell, never placed: openpyxl registers styles through a cell.
    cell: Any = Cell(ws, row=1, column=1)
    cell._style = StyleArray()
    cell.font = font
    cell.alignment = alignment
    if border is not None:
        cell.border = border
    if fill is not None:
        cell.fill = fill
    if number_format is not None:
        cell.number_format = number_format
    # The objects stay referenced beside their style so their ids are never reused.
    cache[key] = (cell._style, (font, alignment, fill, border))
    return cache[key][0]


def merge_row(ws: Worksheet, row: int, first: int, last: int, value: Any, **style: Any) -> None:
    """Merge columns ``first`` to ``last`` of one row, write ``value`` and give every cell of the
    range the same style (its borders and fill). openpyxl's own merge_cells compares the range
    with every merge before it and re-derives borders, which grows with the square of a sheet."""
    array = _style_array(ws, style)
    start = _cell(ws, row, first, value, array)
    # MergedCellRange(ws, "A1:J1") without parsing the range again; the borders it would take
    # from the range's last cell are the style given here.
    merged_range: Any = MergedCellRange.__new__(MergedCellRange)
    merged_range.__dict__.update(
        ws=ws, min_col=first, min_row=row, max_col=last, max_row=row, title=None, start_cell=start
    )
    ws.merged_cells.ranges.add(merged_range)
    cells: dict[tuple[int, int], Any] = cast(Any, ws)._cells
    for col in range(first + 1, last + 1):
        merged: Any = MergedCell.__new__(MergedCell)  # MergedCell(ws, row, col), faster
        merged.parent = ws
        merged.row = row
        merged.column = col
        merged._style = _copy_style(array)
        cells[(row, col)] = merged


# --- writing --------------------------------------------------------------------------------

_ROWS_MARK = "unionplan-rows"
# What XML 1.0 cannot hold and cell_text leaves (openpyxl's writer refuses it as well).
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


def _xml_text(text: str) -> str:
    # As lxml escapes text; a carriage return would otherwise read back as a line feed.
    return (
        text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\r", "&#13;")
    )


def _row_attributes(dim: Any) -> str:
    if dim is None:
        return ""
    if dim._style is None and not (
        dim.hidden or dim.outlineLevel or dim.collapsed or dim.thickBot or dim.thickTop
    ):  # a row with at most a height, as the workbooks' rows are: openpyxl's fields, faster
        return "" if dim.ht is None else f' ht="{safe_string(dim.ht)}" customHeight="1"'
    return "".join(f' {k}="{v}"' for k, v in dim)


_NO_STYLE = StyleArray().tobytes()
_COLUMN_LETTERS = [""] + [get_column_letter(c) for c in range(1, 101)]


def _sheet_data(ws: Worksheet) -> tuple[bytes, str] | None:
    """The sheet's rows as openpyxl writes them (inline strings, style ids, row heights), built
    as one string, and the sheet's dimension (what calculate_dimension says): openpyxl writes
    each cell through lxml's incremental writer, about 5 µs a cell, the bulk of saving a
    workbook of thousands of cells. None when a cell holds more than text or a number (a date,
    a formula, rich text, a comment or a link): openpyxl writes it."""
    cells: dict[tuple[int, int], Any] = cast(Any, ws)._cells
    dims = ws.row_dimensions
    styles = cast(Any, ws.parent)._cell_styles
    # ' s="<id>"' of each style array seen, ids given in the order openpyxl's writer gives them.
    style_attrs: dict[bytes, str] = {_NO_STYLE: ""}
    letters = _COLUMN_LETTERS
    rows: dict[int, list[str]] = {}
    current = 0
    out: list[str] = []
    # Already in order but for a few cells: a linear pass (keys are unique: cells never compared).
    ordered = sorted(cells.items())
    for (r, c), cell in ordered:
        if r != current:
            current = r
            out = rows[r] = []
        array = cell._style
        raw = _NO_STYLE if array is None else array.tobytes()
        s = style_attrs.get(raw)
        if s is None:
            s = style_attrs[raw] = f' s="{styles.add(array)}"'
        letter = letters[c] if c < len(letters) else get_column_letter(c)
        if type(cell) is MergedCell:  # no value, comment or link: its style (borders) only
            if s:
                out.append(f'<c r="{letter}{r}"{s} t="n"/>')
            continue
        if cell._comment is not None or cell._hyperlink is not None:
            return None
        value = cell._value
        if value is None and not s:
            continue
        kind = cell.data_type
        if kind == "s" and type(value) is str and value:
            space = ' xml:space="preserve"' if value != value.strip() else ""
            out.append(
                f'<c r="{letter}{r}"{s} t="inlineStr"><is><t{space}>{_xml_text(value)}</t></is></c>'
            )
        elif kind == "s" and not value:
            out.append(f'<c r="{letter}{r}"{s} t="inlineStr"/>')
        elif kind == "n" and not isinstance(value, (str, bool)):
            if value is None:
                number = ""
            elif type(value) is int:
                number = f"{value:.16g}"  # as safe_string writes it
            elif type(value) is float:
                number = f"{value:.16g}" if value - value == 0 else ""  # nan and inf: ""
            else:
                number = safe_string(value)
            out.append(
                f'<c r="{letter}{r}"{s} t="n"><v>{number}</v></c>'
                if number
                else f'<c r="{letter}{r}"{s} t="n"/>'
            )
        else:
            return None
    parts: list[str] = []
    for r in sorted(rows.keys() | dims.keys()):
        parts.append(f'<row r="{r}"{_row_attributes(dims.get(r))}>')
        parts.extend(rows.get(r, ()))
        parts.append("</row>")
    text = "".join(parts)
    if _NOT_XML.search(text):
        return None
    if not ordered:
        return text.encode(), "A1:A1"
    columns = {c for _r, c in cells}
    top, bottom = ordered[0][0][0], ordered[-1][0][0]
    dimension = f"{get_column_letter(min(columns))}{top}:{get_column_letter(max(columns))}{bottom}"
    return text.encode(), dimension


class _RowsWriter(WorksheetWriter):
    """openpyxl's sheet writer (everything around the cells: widths, merges, page set-up,
    footers, breaks, charts) with the rows of _sheet_data in its <sheetData>."""

    def __init__(self, ws: Worksheet, rows: bytes, dimension: str) -> None:
        super().__init__(ws, out=io.BytesIO())
        self.rows_xml = rows
        self.dimension = dimension

    def write_dimensions(self) -> None:
        # What openpyxl's calculate_dimension says, found while writing the rows.
        self.xf.send(Element("dimension", ref=self.dimension))

    def write_rows(self) -> None:
        xf: Any = self.xf.send(True)
        with xf.element("sheetData"):
            xf.write(_ROWS_MARK)
        self.xf.send(None)

    def write_merged_cells(self) -> None:
        # As openpyxl writes them, without parsing each range's coordinates again.
        merged = cast(Worksheet, self.ws).merged_cells
        if merged:
            element = Element("mergeCells", count=str(len(merged.ranges)))
            for ref in merged:
                SubElement(element, "mergeCell", ref=ref.coord)
            self.xf.send(element)

    def sheet_xml(self) -> bytes:
        mark = f"<sheetData>{_ROWS_MARK}</sheetData>".encode()
        xml = self.read()
        if xml.count(mark) != 1:
            raise RuntimeError("openpyxl wrote the sheet's rows in an unexpected form")
        return xml.replace(mark, b"<sheetData>" + self.rows_xml + b"</sheetData>")

    def cleanup(self) -> None:
        pass  # written in memory, no temporary file


class _ExcelWriter(ExcelWriter):
    """openpyxl's workbook writer, with plain sheets' cells written by _sheet_data."""

    def write_worksheet(self, ws: Any) -> None:
        sheet_data = _sheet_data(ws)
        if sheet_data is None:
            super().write_worksheet(ws)
            return
        rows, dimension = sheet_data
        # As ExcelWriter.write_worksheet does (openpyxl 3.1), with _RowsWriter.
        ws._drawing = SpreadsheetDrawing()
        ws._drawing.charts = ws._charts
        ws._drawing.images = ws._images
        writer: Any = _RowsWriter(ws, rows, dimension)
        writer.write()
        ws._rels = writer._rels
        cast(Any, self)._archive.writestr(ws.path[1:], writer.sheet_xml())
        self.manifest.append(ws)


def workbook_bytes(wb: Workbook) -> bytes:
    """The workbook as .xlsx bytes, the file wb.save writes, several times faster for sheets of
    thousands of cells."""
    buffer = io.BytesIO()
    if wb.write_only or wb.read_only:
        wb.save(buffer)
        return buffer.getvalue()
    wb.properties.modified = dt.datetime.now(tz=dt.UTC).replace(tzinfo=None)
    _ExcelWriter(wb, ZipFile(buffer, "w", ZIP_DEFLATED, allowZip64=True)).save()
    return buffer.getvalue()


def _footer_text(text: str) -> str:
    return text.replace("&", "&&")


def _sheet(
    wb: Workbook,
    title: str,
    headers: list[tuple[str, float]],
    heading: str,
    *,
    note: str | None = None,
    footer: str | None = None,
) -> Worksheet:
    """A sheet with a merged title row, a header row, widths, print set-up and footer.

    With ``note`` (e.g. "状态按 2024年9月30日计") a second merged row carries it and the header
    is row 3, so data begins at row 4; without it the header is row 2 and data begins at row 3.
    Title, note and header repeat on every printed page; ``footer`` goes left of the page number.
    """
    ws = wb.create_sheet(title)
    width = len(headers)
    merge_row(ws, 1, 1, width, heading, font=TITLE_FONT, alignment=CENTER, border=None)
    widths = [w for _name, w in headers]
    title_lines = text_lines(heading, sum(widths), 16, bold=True)
    ws.row_dimensions[1].height = max(30, title_lines * line_points(16) + 6)
    header_row = 2
    if note is not None:
        merge_row(ws, 2, 1, width, note, font=NOTE_FONT, alignment=NOTE_ALIGN, border=None)
        ws.row_dimensions[2].height = 18
        header_row = 3
    for col, (name, w) in enumerate(headers, start=1):
        put(ws, header_row, col, name, font=HEADER_FONT, alignment=CENTER, fill=HEADER_FILL)
        ws.column_dimensions[get_column_letter(col)].width = w
    fit_row_heights(ws, widths, header_row, header_row, 11)
    ws.freeze_panes = f"A{header_row + 1}"
    ws.print_title_rows = f"1:{header_row}"
    page_set_up(ws, footer=footer)
    return ws


def page_set_up(ws: Worksheet, *, footer: str | None = None, one_page: bool = False) -> None:
    """A4 landscape, fitted to the page width (or to one page), centred, with a footer that names
    the document and numbers the pages."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 1 if one_page else 0
    sheet: Any = ws  # page set-up properties and footers are Optional in the stubs, never None
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.page_margins.header = ws.page_margins.footer = 0.25
    sheet.oddFooter.center.text = "第 &P 页，共 &N 页"
    sheet.oddFooter.center.size = 10
    if footer:
        sheet.oddFooter.left.text = _footer_text(footer)
        sheet.oddFooter.left.size = 10


def _body_capacity(ws: Worksheet, title_rows: int) -> float:
    """Points left for body rows on a printed page once the repeated title rows are printed
    (with a margin for the estimate)."""
    used = sum(ws.row_dimensions[r].height or 15.0 for r in range(1, title_rows + 1))
    return (PAGE_HEIGHT_PT - used) * 0.95


def _state_note(data: WorkbookData) -> str:
    end = data.period_end
    day = f"{data.cut_off.year}年{data.cut_off.month}月{data.cut_off.day}日"
    when = "（季度末）" if end is None or data.cut_off >= end else "（季度尚未结束）"
    return f"状态按 {day}计{when}"


def _cover(wb: Workbook, data: WorkbookData, sheets: list[str]) -> None:
    cover = cast(Worksheet, wb.active)  # a new workbook's one sheet (the stubs allow None)
    cover.title = "封面"
    widths = [14.0, 30.0, 30.0, 30.0, 30.0]
    for col, w in enumerate(widths, start=1):
        cover.column_dimensions[get_column_letter(col)].width = w
    merge_row(cover, 1, 1, 5, data.title, font=COVER_TITLE_FONT, alignment=CENTER, border=None)
    merge_row(
        cover, 2, 1, 5, f"（{data.scope}）", font=COVER_SCOPE_FONT, alignment=CENTER, border=None
    )
    day = f"{data.cut_off.year}年{data.cut_off.month}月{data.cut_off.day}日"
    lines = [
        ("范围", data.scope),
        ("状态截至", _state_note(data).removeprefix("状态按 ")),
        ("生成时间", data.generated_at.strftime("%Y-%m-%d %H:%M")),
        (
            "状态口径",
            f"本表各项状态（红黄绿灯、完成进度、量化指标）按 {day}计，是{data.period_name}"
            "末的情况；驾驶舱显示的是今天的状态，两者可能不同。",
        ),
        (
            "红黄绿灯",
            "严重滞后（红）、进度滞后（黄）、正常推进（绿）、已完成（蓝）。",
        ),
        ("量化指标", "完成数含牵头部室填报与经审核通过的单位贡献。"),
        ("各表", "、".join(sheets) + "。"),
    ]
    if not data.tasks:
        lines.append(("提示", "本范围内没有重点工作或尚无数据，各表为空。"))
    for n, (label, text) in enumerate(lines, start=4):
        put(cover, n, 1, label, font=HEADER_FONT, alignment=CENTER, fill=HEADER_FILL)
        merge_row(cover, n, 2, 5, text, font=COVER_BODY_FONT)
    fit_row_heights(cover, widths, 4, 3 + len(lines), 12)
    cover.row_dimensions[1].height = 60
    cover.row_dimensions[2].height = 30
    cover.row_dimensions[3].height = 24
    page_set_up(cover, footer=f"{data.title}（{data.scope}）", one_page=True)
    cover.print_options.verticalCentered = True


# 129.5 units: 770 pt in LibreOffice, 726 pt in Excel; A4 landscape holds 785 pt at 100 %.
SUMMARY_HEADERS: list[tuple[str, float]] = [
    ("序号", 4.5),
    ("重点工作", 12),
    ("牵头部室", 9),
    ("参与单位", 10),
    ("年度目标", 16),
    ("本季度进展", 27),
    ("累计完成情况", 15),
    ("状态", 8),
    ("存在问题", 14),
    ("下一步计划", 14),
]


def _summary(wb: Workbook, data: WorkbookData, heading: str, note: str, footer: str) -> None:
    ws = _sheet(wb, "总表", SUMMARY_HEADERS, heading, note=note, footer=footer)
    columns = len(SUMMARY_HEADERS)
    first = row = 4
    starts: list[int] = []
    section = None
    for task in data.tasks:
        if task["section"] != section:
            section = task["section"]
            starts.append(row)
            merge_row(ws, row, 1, columns, section, font=SECTION_FONT, fill=SECTION_FILL)
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
            if col == 8:
                put(
                    ws,
                    row,
                    col,
                    value,
                    font=STATUS_FONT,
                    alignment=CENTER,
                    fill=STATUS_FILLS[task["colour"]],
                )
            else:
                put(ws, row, col, value, alignment=CENTER if col == 1 else WRAP)
        row += 1
    if not data.tasks:
        put(ws, first, 1, "本季度没有可汇总的数据。", border=None, alignment=PLAIN)
        return
    sections = [(s, e - 1) for s, e in zip(starts, [*starts[1:], row], strict=True)]
    heights = fit_row_heights(ws, [w for _n, w in SUMMARY_HEADERS], first, row - 1)
    keep_sections_together(ws, sections, heights, _body_capacity(ws, 3))


def _indicators(wb: Workbook, data: WorkbookData, heading: str, note: str, footer: str) -> None:
    quarters = data.quarters
    headers: list[tuple[str, float]] = [
        ("重点工作", 28),
        ("指标", 30),
        ("年度目标", 13),
        *[(q, 10) for q in quarters],
        ("累计", 10),
        ("完成率", 9),
    ]
    ws = _sheet(wb, "量化指标", headers, heading, note=note, footer=footer)
    first = 4
    for r, item in enumerate(data.indicators, start=first):
        put(ws, r, 1, item["task"])
        put(ws, r, 2, item["name"])
        put(ws, r, 3, item["target"], alignment=CENTER)
        for c, value in enumerate(item["quarters"], start=4):
            put(ws, r, c, value, alignment=CENTER, number_format="0.##")
        put(ws, r, 4 + len(quarters), item["cumulative"], alignment=CENTER, number_format="0.##")
        put(ws, r, 5 + len(quarters), item["percent"], alignment=CENTER, number_format="0%")
    if not data.indicators:
        put(ws, first, 1, "本范围内没有量化指标。", border=None, alignment=PLAIN)
        return
    fit_row_heights(ws, [w for _n, w in headers], first, first + len(data.indicators) - 1)


def _departments(wb: Workbook, data: WorkbookData, heading: str, note: str, footer: str) -> None:
    headers: list[tuple[str, float]] = [
        ("牵头部室", 20),
        ("牵头工作（项）", 16),
        ("平均进度", 16),
        *[(COLOUR_LABELS[c], 16) for c in COLOUR_ORDER],
    ]
    ws = _sheet(wb, "分部室", headers, heading, note=note, footer=footer)
    first = 4
    for r, dept in enumerate(data.departments, start=first):
        values = [
            dept["name"],
            dept["tasks"],
            dept["percent"],
            *[dept[c.value] for c in COLOUR_ORDER],
        ]
        for c, value in enumerate(values, start=1):
            put(ws, r, c, value, alignment=CENTER, number_format="0.0%" if c == 3 else None)
    if not data.departments:
        put(ws, first, 1, "本范围内没有牵头部室。", border=None, alignment=PLAIN)
        return
    fit_row_heights(ws, [w for _n, w in headers], first, first + len(data.departments) - 1)


UNIT_HEADERS: list[tuple[str, float]] = [
    ("序号", 5),
    ("单位", 26),
    ("类型", 8),
    ("报送状态", 11),
    ("提交时间", 19),
    ("逾期", 18),
    ("考核得分", 10),
    ("排名", 10),
]


def _units(wb: Workbook, data: WorkbookData, heading: str, note: str, footer: str) -> None:
    if data.submissions_as_of is not None:
        day = data.submissions_as_of
        note = f"{note}；报送情况与逾期天数按 {day.year}年{day.month}月{day.day}日计"
    ws = _sheet(wb, "分街道", UNIT_HEADERS, heading, note=note, footer=footer)
    first = 4
    for r, unit in enumerate(data.units, start=first):
        rank = unit["rank"]
        values = [
            r - first + 1,
            unit["name"],
            unit.get("kind", ""),
            unit["state"],
            unit["submitted_at"],
            unit.get("lateness", ""),
            unit["score"],
            f"{rank}（并列）" if rank is not None and unit.get("rank_tied") else rank,
        ]
        for c, value in enumerate(values, start=1):
            put(ws, r, c, value, alignment=PLAIN if c == 2 else CENTER)
    if not data.units:
        put(ws, first, 1, "本期没有应报送的单位。", border=None, alignment=PLAIN)
        return
    fit_row_heights(ws, [w for _n, w in UNIT_HEADERS], first, first + len(data.units) - 1)


UNITS_PER_BLOCK = 8


def _contributions(wb: Workbook, data: WorkbookData, heading: str, note: str, footer: str) -> None:
    """Approved unit contributions per indicator: rows are indicators under their section,
    columns the units that contributed, at most eight units a block, each block its own table."""
    indicator_width, unit_width = 34.0, 11.0
    widths = [indicator_width] + [unit_width] * UNITS_PER_BLOCK
    ws = wb.create_sheet("单位贡献")
    for col, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = w
    last_col = len(widths)
    merge_row(ws, 1, 1, last_col, heading, font=TITLE_FONT, alignment=CENTER, border=None)
    ws.row_dimensions[1].height = max(
        30, text_lines(heading, sum(widths), 16, True) * line_points(16) + 6
    )
    merge_row(ws, 2, 1, last_col, note, font=NOTE_FONT, alignment=NOTE_ALIGN, border=None)
    ws.row_dimensions[2].height = 18
    ws.print_title_rows = "1:2"
    page_set_up(ws, footer=footer)

    values = [u["values"] for u in data.units]
    used_units = [i for i, row in enumerate(values) if any(v is not None for v in row)]
    used_indicators = [
        j
        for j in range(len(data.unit_indicators))
        if any(values[i][j] is not None for i in used_units)
    ]
    row = 3
    left_out = []
    if len(used_units) < len(data.units):
        left_out.append(f"{len(data.units) - len(used_units)} 个单位本季度没有经审核通过的贡献")
    if len(used_indicators) < len(data.unit_indicators):
        left_out.append(
            f"{len(data.unit_indicators) - len(used_indicators)} 项计数指标本季度没有单位贡献"
        )
    explanation = "本表列出各单位本季度经审核通过、计入量化指标完成数的贡献。"
    if not used_indicators:
        explanation += "本范围内本季度没有经审核通过的单位贡献。"
    elif left_out:
        explanation += "未列出：" + "；".join(left_out) + "。"
    merge_row(ws, row, 1, last_col, explanation, border=None, alignment=PLAIN)
    fit_row_heights(ws, widths, row, row)
    row += 1
    if not used_indicators:
        return
    capacity = _body_capacity(ws, 2)
    used = sum(ws.row_dimensions[r].height or 15.0 for r in range(3, row))
    sections = data.unit_indicator_sections or [""] * len(data.unit_indicators)
    blocks = [
        used_units[i : i + UNITS_PER_BLOCK] for i in range(0, len(used_units), UNITS_PER_BLOCK)
    ]
    for b, block in enumerate(blocks, start=1):
        columns = 1 + len(block)
        names = [data.units[i]["name"] for i in block]
        header_height = (
            max(text_lines(n, unit_width, 10.5, True) for n in [*names, "指标"]) * line_points(10.5)
            + CELL_PADDING_PT
        )
        caption = f"表 {b}/{len(blocks)}：{names[0]} 至 {names[-1]}" if len(blocks) > 1 else ""

        # A block starts on a fresh page when its header and first rows would not fit.
        if used + header_height + 60 > capacity:
            ws.row_breaks.append(Break(id=row - 1))
            used = 0.0
        if caption:
            put(ws, row, 1, caption, font=SECTION_FONT, border=None, alignment=PLAIN)
            set_row_height(ws, row, 20)
            used += 20
            row += 1
        row = _block_header(ws, row, names, header_height)
        used += header_height
        section = None
        for j in used_indicators:
            rows: list[tuple[str, list[Any], bool]] = []
            if sections[j] != section:
                section = sections[j]
                rows.append((section, [], True))
            rows.append((data.unit_indicators[j], [values[i][j] for i in block], False))
            for label, cells, is_section in rows:
                lines = text_lines(
                    label,
                    indicator_width if not is_section else sum(widths[:columns]),
                    10.5 if is_section else BODY_SIZE,
                    is_section,
                )
                height = math.ceil(
                    lines * line_points(10.5 if is_section else BODY_SIZE) + CELL_PADDING_PT
                )
                if used + height > capacity:
                    ws.row_breaks.append(Break(id=row - 1))
                    used = 0.0
                    row = _block_header(ws, row, names, header_height)
                    used += header_height
                if is_section:
                    merge_row(ws, row, 1, columns, label, font=SECTION_FONT, fill=SECTION_FILL)
                else:
                    put(ws, row, 1, label)
                    put_row(ws, row, 2, cells, alignment=CENTER, number_format="0.##")
                set_row_height(ws, row, height)
                used += height
                row += 1
        row += 1  # a blank line between blocks
        used += 15


def _block_header(ws: Worksheet, row: int, names: list[str], height: float) -> int:
    put(ws, row, 1, "重点工作序号. 指标", font=HEADER_FONT, alignment=CENTER, fill=HEADER_FILL)
    for c, name in enumerate(names, start=2):
        put(ws, row, c, name, font=HEADER_FONT, alignment=CENTER, fill=HEADER_FILL)
    set_row_height(ws, row, height)
    return row + 1


def _charts(wb: Workbook, data: WorkbookData, heading: str, note: str, footer: str) -> None:
    """The status pie in the product's colours and the departments' average progress, both
    titled, side by side on one landscape page with the figures they show beneath."""
    ws = wb.create_sheet("图表")
    # A–D under the pie (about 340 pt), E–J under the bar chart (about 400 pt).
    widths = [18.0, 10.0, 10.0, 22.0, 18.0, 14.0, 12.0, 10.0, 10.0, 8.0]
    for col, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(col)].width = w
    last_col = len(widths)
    merge_row(ws, 1, 1, last_col, heading, font=TITLE_FONT, alignment=CENTER, border=None)
    ws.row_dimensions[1].height = 30
    merge_row(ws, 2, 1, last_col, note, font=NOTE_FONT, alignment=NOTE_ALIGN, border=None)
    ws.row_dimensions[2].height = 18
    chart_rows = 18  # rows 4–21 hold the charts (15 pt each, 9.5 cm; the charts are 9 cm)
    for r in range(3, 4 + chart_rows):
        ws.row_dimensions[r].height = 15
    table = 4 + chart_rows + 1
    put(ws, table, 1, "状态", font=HEADER_FONT, alignment=CENTER, fill=HEADER_FILL)
    put(ws, table, 2, "项数", font=HEADER_FONT, alignment=CENTER, fill=HEADER_FILL)
    put(ws, table, 3, "占比", font=HEADER_FONT, alignment=CENTER, fill=HEADER_FILL)
    total = sum(count for _label, count in data.colour_counts) or 1
    for r, (label, count) in enumerate(data.colour_counts, start=table + 1):
        put(ws, r, 1, label, alignment=CENTER)
        put(ws, r, 2, count, alignment=CENTER)
        put(ws, r, 3, count / total, alignment=CENTER, number_format="0%")
    ws.row_dimensions[table].height = 30  # a header of two lines
    for r in range(table + 1, table + 1 + max(len(data.colour_counts), len(data.departments))):
        ws.row_dimensions[r].height = 18
    pie = PieChart()
    pie.title = f"红黄绿灯（共 {sum(c for _l, c in data.colour_counts)} 项）"
    pie.add_data(
        Reference(ws, min_col=2, min_row=table, max_row=table + len(data.colour_counts)),
        titles_from_data=True,
    )
    pie.set_categories(
        Reference(ws, min_col=1, min_row=table + 1, max_row=table + len(data.colour_counts))
    )
    series = pie.series[0]
    for idx, colour in enumerate(COLOUR_ORDER):
        point = DataPoint(idx=idx)
        point.graphicalProperties.solidFill = COLOUR_HEX[colour].lstrip("#").upper()
        point.graphicalProperties.line.solidFill = "FFFFFF"
        series.dPt.append(point)
    series.dLbls = DataLabelList()
    series.dLbls.showVal = True
    series.dLbls.showCatName = False
    series.dLbls.showSerName = False
    series.dLbls.showPercent = False
    series.dLbls.showLegendKey = False
    pie.width, pie.height = 11, 9  # cm
    ws.add_chart(pie, "A4")

    if data.departments:
        put(ws, table, 5, "牵头部室", font=HEADER_FONT, alignment=CENTER, fill=HEADER_FILL)
        put(ws, table, 6, "牵头工作", font=HEADER_FONT, alignment=CENTER, fill=HEADER_FILL)
        put(ws, table, 7, "平均进度", font=HEADER_FONT, alignment=CENTER, fill=HEADER_FILL)
        for r, dept in enumerate(data.departments, start=table + 1):
            put(ws, r, 5, dept["name"], alignment=CENTER)
            put(ws, r, 6, dept["tasks"], alignment=CENTER)
            put(ws, r, 7, dept["percent"], alignment=CENTER, number_format="0%")
        bar = BarChart()
        bar.type = "bar"
        bar.title = "各牵头部室平均进度"
        last = table + len(data.departments)
        bar.add_data(Reference(ws, min_col=7, min_row=table, max_row=last), titles_from_data=True)
        bar.set_categories(Reference(ws, min_col=5, min_row=table + 1, max_row=last))
        bar.y_axis.scaling.min = 0
        bar.y_axis.scaling.max = 1
        bar.y_axis.majorUnit = 0.2
        bar.y_axis.numFmt = NumFmt(formatCode="0%", sourceLinked=False)
        bar.y_axis.delete = False
        bar.x_axis.delete = False
        bar.x_axis.scaling.orientation = "maxMin"  # first department on top, as in the table
        bar.legend = None
        bar.series[0].graphicalProperties.solidFill = COLOUR_HEX[Colour.DONE].lstrip("#").upper()
        bar.series[0].dLbls = DataLabelList()
        bar.series[0].dLbls.showVal = True
        bar.series[0].dLbls.showSerName = False
        bar.series[0].dLbls.showCatName = False
        bar.series[0].dLbls.showLegendKey = False
        bar.series[0].dLbls.numFmt = "0%"
        bar.width, bar.height = 14, 9  # cm
        ws.add_chart(bar, "E4")
    last_row = table + max(len(data.colour_counts), len(data.departments))
    ws.print_area = f"A1:{get_column_letter(last_col)}{last_row}"
    ws.print_title_rows = "1:2"
    page_set_up(ws, footer=footer, one_page=True)


def build_quarterly_workbook(data: WorkbookData) -> bytes:
    """The workbook as .xlsx bytes: cover, 总表, 量化指标, 分部室, 分街道, 单位贡献 and 图表, each
    titled with its scope, dated "状态按…计", and set up to print on A4 landscape as it comes."""
    wb = new_workbook()
    parts = [
        ("总表", _summary),
        ("量化指标", _indicators),
        ("分部室", _departments),
        ("分街道", _units),
        ("单位贡献", _contributions),
        ("图表", _charts),
    ]
    _cover(wb, data, [name for name, _build in parts])
    note = _state_note(data)
    footer = f"{data.title}（{data.scope}）"
    for name, build in parts:
        heading = (
            f"{data.title}（{data.scope}）"
            if name == "总表"
            else f"{data.title}·{name}（{data.scope}）"
        )
        build(wb, data, heading, note, footer)
    return workbook_bytes(wb)


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
    wb = new_workbook()
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
