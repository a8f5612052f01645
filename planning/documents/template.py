"""The project's .xlsx import template: built from a parsed plan, and read back into one.

Sheet "工作要点" holds the plan's title, framework and preamble in its first rows, then one row per
key task with its section, leads, participants and indicator groups (指标1… as many as the
plan needs, at least four). Sheet "说明" tells a person how to fill it in; sheet "部室" lists the
known departments for the leads' dropdown. A template built from a parsed plan reads back as the
same plan (with shape "template" and row numbers as lines).
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from planning.documents.base import PlanDocumentError, refusal
from tasks.models import MeasureUnit
from tasks.plan_text import (
    ParsedIndicator,
    ParsedPlan,
    ParsedSection,
    ParsedTask,
    cadence_in,
)
from tasks.plan_text.text import _numeral, _split_names
from unionplan.text import clean_text

PLAN_SHEET = "工作要点"
HELP_SHEET = "说明"
DEPARTMENTS_SHEET = "部室"
TITLE_ROW, FRAMEWORK_ROW, PARAGRAPHS_ROW = 1, 2, 3
HEADER_ROW = 5
FIRST_TASK_ROW = HEADER_ROW + 1
MIN_INDICATOR_GROUPS = 4

TASK_COLUMNS = (
    "板块序号",
    "板块标题",
    "板块导语",
    "序号",
    "重点工作（标题）",
    "工作内容",
    "牵头部室（多个用“、”分隔）",
    "参与单位",
)
INDICATOR_FIELDS = ("名称", "计量单位", "比较方式", "目标值", "每单位目标", "原文")
COMPARATOR_SYMBOLS = {"gte": "≥", "eq": "=", "lte": "≤"}
_COMPARATOR_INPUT = {
    "≥": "gte", ">=": "gte", "＞＝": "gte", "gte": "gte", "": "gte",
    "=": "eq", "＝": "eq", "eq": "eq",
    "≤": "lte", "<=": "lte", "＜＝": "lte", "lte": "lte",
}  # fmt: skip
# A milestone has no number; the parsed plan's target is required, so it carries 1 ("done once").
_MILESTONE_TARGET = Decimal(1)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")

HELP_LINES = (
    "工作要点导入模板填写说明",
    "1. 在“工作要点”工作表第 1 行填写计划标题（不必写年度，导入时另选年度），第 2 行填写工作思路"
    "代码（如 123430，可不填），第 3 行填写说明段落（每段一行，可不填）。",
    "2. 从第 6 行起每行填写一项重点工作；同一板块的各行连续排列，“板块序号”从 1 起依次递增，"
    "板块标题和板块导语只需在该板块第一行填写。",
    "3. “序号”为重点工作编号，不能重复；“重点工作（标题）”不填时取工作内容的第一句。",
    "4. 牵头部室可填多个，用“、”分隔，须与系统中的部室名称一致（可从下拉列表选择）；"
    "不填则导入后为“待定”。参与单位写法同原文，如“各街道总工会、行业工会”。",
    "5. 每项工作最多填写若干组量化指标：名称、计量单位（下拉选择；比率填 %）、比较方式"
    "（≥ = ≤）、目标值（数字）、每单位目标（按“各街道”布置时每个街道的目标，可不填）；"
    "目标值不填表示节点型指标（完成即可）。",
    "6. 请勿修改第 5 行的列标题，也不要重命名或删除工作表。",
)


_Value = str | int | float | None


@dataclass(frozen=True)
class _Columns:
    task: dict[str, int]  # header -> 1-based column
    groups: int


def _indicator_header(group: int, field_name: str) -> str:
    return f"指标{group}{field_name}"


def _print_setup(
    sheet: Worksheet, *, landscape: bool, title_rows: str | None = None, title_cols: str = ""
) -> None:
    """A4 with page numbers at the foot. The help sheet fits one page wide; the task sheet (up to
    fifty columns) prints at its own size, its column titles and the task's number and title
    repeated on every page, so that no page shrinks to an unreadable scale."""
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    if not title_rows:
        sheet.page_setup.fitToWidth = 1
        sheet.page_setup.fitToHeight = 0
        sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    else:
        sheet.print_title_rows = title_rows
        sheet.print_title_cols = title_cols
        sheet.page_setup.pageOrder = "downThenOver"
    footer = sheet.oddFooter
    if footer is not None:
        footer.center.text = "第 &P 页，共 &N 页"


def _headers(groups: int) -> list[str]:
    headers = list(TASK_COLUMNS)
    for group in range(1, groups + 1):
        headers.extend(_indicator_header(group, field_name) for field_name in INDICATOR_FIELDS)
    return headers


def build_plan_template(
    parsed: ParsedPlan | None = None, *, departments: Sequence[str] = ()
) -> bytes:
    """The import template as .xlsx bytes, empty or filled with ``parsed``; leads to choose."""
    groups = max(
        [MIN_INDICATOR_GROUPS, *(len(t.indicators) for t in (parsed.tasks if parsed else ()))]
    )
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = PLAN_SHEET
    _write_plan_rows(sheet, parsed)
    headers = _headers(groups)
    for column, header in enumerate(headers, start=1):
        header_cell = sheet.cell(row=HEADER_ROW, column=column, value=header)
        header_cell.font = Font(bold=True)
        header_cell.fill = _HEADER_FILL
        header_cell.alignment = Alignment(wrap_text=True, vertical="center")
    sheet.freeze_panes = f"E{FIRST_TASK_ROW}"
    widths = {"板块标题": 24, "板块导语": 24, "重点工作（标题）": 28, "工作内容": 60}
    for column, header in enumerate(headers, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = widths.get(header, 14)
    if parsed is not None:
        _write_tasks(sheet, parsed)
    _add_validations(sheet, workbook, groups, departments)
    _print_setup(sheet, landscape=True, title_rows=f"{HEADER_ROW}:{HEADER_ROW}", title_cols="D:E")
    help_sheet = workbook.create_sheet(HELP_SHEET, 0)
    help_width = 75
    for row, line in enumerate(HELP_LINES, start=1):
        cell = help_sheet.cell(row=row, column=1, value=line)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        # Row heights are set, not left to the spreadsheet: LibreOffice keeps wrapped rows at one
        # line otherwise. A CJK character is about two width units of an 11 pt Latin digit.
        help_sheet.row_dimensions[row].height = 20 * _lines(line, width=help_width - 2)
    help_sheet["A1"].font = Font(bold=True, size=14)
    help_sheet.row_dimensions[1].height = 28
    help_sheet.column_dimensions["A"].width = help_width
    _print_setup(help_sheet, landscape=False)
    workbook.active = 1
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _write_plan_rows(sheet: Worksheet, parsed: ParsedPlan | None) -> None:
    rows = (
        (TITLE_ROW, "计划标题", parsed.title if parsed else ""),
        (FRAMEWORK_ROW, "工作思路", parsed.framework if parsed else ""),
        (PARAGRAPHS_ROW, "说明段落", "\n".join(parsed.paragraphs) if parsed else ""),
    )
    for row, label, value in rows:
        sheet.cell(row=row, column=1, value=label).font = Font(bold=True)
        cell = sheet.cell(row=row, column=2, value=value or None)
        cell.number_format = "@"
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.merge_cells(start_row=row, start_column=2, end_row=row, end_column=len(TASK_COLUMNS))


def _number_cell(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def _write_tasks(sheet: Worksheet, parsed: ParsedPlan) -> None:
    row = FIRST_TASK_ROW
    for section in parsed.sections:
        for index, task in enumerate(section.tasks):
            values: list[_Value] = [
                section.number,
                section.title if index == 0 else None,
                (section.description or None) if index == 0 else None,
                task.number,
                task.title,
                task.description,
                "、".join(task.lead_names) or None,
                task.participants_text or None,
            ]
            for indicator in task.indicators:
                milestone = indicator.kind == "milestone"
                values.extend(
                    [
                        indicator.name,
                        indicator.unit or None,
                        COMPARATOR_SYMBOLS.get(indicator.comparator, "≥"),
                        None if milestone else _number_cell(indicator.target),
                        _number_cell(indicator.per_unit_target),
                        indicator.source or None,
                    ]
                )
            for column, value in enumerate(values, start=1):
                cell = sheet.cell(row=row, column=column, value=value)
                cell.alignment = Alignment(wrap_text=True, vertical="top")
            sheet.row_dimensions[row].height = 15 * _lines(task.description, width=60)
            row += 1


def _lines(text: str, *, width: int) -> int:
    """How many lines ``text`` wraps to in a column ``width`` units wide (CJK counts two)."""
    units = sum(2 if ord(char) > 0x2E7F else 1 for char in text)
    return max(1, -(-units // max(1, width - 2)))


def _add_validations(
    sheet: Worksheet, workbook: Workbook, groups: int, departments: Sequence[str]
) -> None:
    last_row = 1000
    units = ",".join(value for value in MeasureUnit.values if value)
    unit_check = DataValidation(type="list", formula1=f'"{units}"', allow_blank=True)
    unit_check.error = "请从列表中选择计量单位，或留空"
    comparator_check = DataValidation(type="list", formula1='"≥,=,≤"', allow_blank=True)
    comparator_check.error = "比较方式只能是 ≥、= 或 ≤"
    for check in (unit_check, comparator_check):
        check.showErrorMessage = True
        sheet.add_data_validation(check)
    base = len(TASK_COLUMNS)
    for group in range(groups):
        first = base + group * len(INDICATOR_FIELDS) + 1
        unit_letter = get_column_letter(first + 1)
        comparator_letter = get_column_letter(first + 2)
        unit_check.add(f"{unit_letter}{FIRST_TASK_ROW}:{unit_letter}{last_row}")
        comparator_check.add(f"{comparator_letter}{FIRST_TASK_ROW}:{comparator_letter}{last_row}")
    names = [name for name in departments if name]
    if names:
        list_sheet = workbook.create_sheet(DEPARTMENTS_SHEET)
        list_sheet.cell(row=1, column=1, value="部室名称").font = Font(bold=True)
        for row, name in enumerate(names, start=2):
            list_sheet.cell(row=row, column=1, value=name)
        list_sheet.column_dimensions["A"].width = 24
        source = f"{quote_sheetname(DEPARTMENTS_SHEET)}!$A$2:$A${len(names) + 1}"
        # Several leads are typed as "宣教部、权益部", so the list suggests but does not forbid.
        lead_check = DataValidation(type="list", formula1=source, allow_blank=True)
        lead_check.showErrorMessage = False
        sheet.add_data_validation(lead_check)
        lead_letter = get_column_letter(TASK_COLUMNS.index("牵头部室（多个用“、”分隔）") + 1)
        lead_check.add(f"{lead_letter}{FIRST_TASK_ROW}:{lead_letter}{last_row}")


# ------------------------------------------------------------------------------------ reading


def read_plan_template(name: str, data: bytes) -> ParsedPlan:
    """The plan in a filled-in template; refuses naming the row and column of the first problem."""
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise refusal(
            name, "不是有效的 Excel 工作簿（.xlsx），请用 Excel 另存为 .xlsx 后再上传"
        ) from exc
    try:
        if PLAN_SHEET not in workbook.sheetnames:
            raise refusal(
                name, f"不是本系统的导入模板：缺少“{PLAN_SHEET}”工作表，请下载导入模板填写"
            )
        sheet = workbook[PLAN_SHEET]
        rows: list[list[object]] = [list(row) for row in sheet.iter_rows(values_only=True)]
    finally:
        workbook.close()
    return _TemplateReader(name, rows).read()


class _TemplateReader:
    def __init__(self, name: str, rows: list[list[object]]) -> None:
        self.name = name
        self.rows = rows

    def fail(self, row: int, header: str, reason: str) -> PlanDocumentError:
        return refusal(self.name, f"第 {row} 行“{header}”{reason}", line_no=row)

    def cell(self, row: int, column: int) -> object:
        values = self.rows[row - 1] if row <= len(self.rows) else []
        return values[column - 1] if column <= len(values) else None

    def text(self, row: int, column: int) -> str:
        value = self.cell(row, column)
        if value is None:
            return ""
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return clean_text(str(value)).strip()

    def read(self) -> ParsedPlan:
        columns = self._columns()
        title = self.text(TITLE_ROW, 2)
        if self.text(TITLE_ROW, 1) != "计划标题":
            raise refusal(self.name, f"不是本系统的导入模板：第 {TITLE_ROW} 行应为“计划标题”")
        if not title:
            raise self.fail(TITLE_ROW, "计划标题", "为空，请填写工作要点的标题")
        paragraphs = tuple(
            line.strip() for line in self.text(PARAGRAPHS_ROW, 2).splitlines() if line.strip()
        )
        sections, warnings = self._sections(columns)
        return ParsedPlan(
            title=title,
            framework=self.text(FRAMEWORK_ROW, 2),
            paragraphs=paragraphs,
            sections=sections,
            shape="template",
            warnings=tuple(warnings),
        )

    def _columns(self) -> _Columns:
        width = len(self.rows[HEADER_ROW - 1]) if len(self.rows) >= HEADER_ROW else 0
        found = {self.text(HEADER_ROW, column): column for column in range(1, width + 1)}
        for header in TASK_COLUMNS:
            if header not in found:
                raise refusal(
                    self.name,
                    f"不是本系统的导入模板：第 {HEADER_ROW} 行缺少“{header}”列，请下载导入模板填写",
                )
        groups = 0
        while all(_indicator_header(groups + 1, f) in found for f in INDICATOR_FIELDS):
            groups += 1
        return _Columns(task=found, groups=groups)

    def _sections(self, columns: _Columns) -> tuple[tuple[ParsedSection, ...], list[str]]:
        col = columns.task
        sections: list[tuple[int, str, str, int, list[ParsedTask]]] = []
        task_rows: dict[int, int] = {}
        warnings: list[str] = []
        for row in range(FIRST_TASK_ROW, len(self.rows) + 1):
            if all(value is None or str(value).strip() == "" for value in self.rows[row - 1]):
                continue
            number = self._integer(row, "板块序号", col["板块序号"])
            section_title = self.text(row, col["板块标题"])
            lead_in = self.text(row, col["板块导语"])
            expected = len(sections) + 1
            if sections and number == sections[-1][0]:
                _, known_title, known_lead_in, first_row, _ = sections[-1]
                if section_title and section_title != known_title:
                    raise self.fail(row, "板块标题", f"与第 {first_row} 行同一板块的标题不一致")
                if lead_in and lead_in != known_lead_in:
                    raise self.fail(row, "板块导语", f"与第 {first_row} 行同一板块的导语不一致")
            elif number == expected:
                if not section_title:
                    raise self.fail(row, "板块标题", f"为空：板块 {number} 的第一行须填写板块标题")
                sections.append((number, section_title, lead_in, row, []))
            else:
                allowed = f"{sections[-1][0]} 或 {expected}" if sections else "1"
                raise self.fail(
                    row, "板块序号", f"应为 {allowed}（同一板块的行须连续，板块依次编号）：{number}"
                )
            task = self._task(row, columns)
            if task.number in task_rows:
                raise self.fail(row, "序号", f"{task.number} 与第 {task_rows[task.number]} 行重复")
            task_rows[task.number] = row
            if not task.lead_names:
                warnings.append(f"第 {row} 行（第 {task.number} 项）未填写牵头部室，导入后为待定")
            sections[-1][4].append(task)
        if not sections:
            raise refusal(self.name, f"没有任何重点工作：请从第 {FIRST_TASK_ROW} 行起每行填写一项")
        parsed_sections = tuple(
            ParsedSection(
                number=number,
                numeral=_numeral(number) if number < 100 else str(number),
                title=title,
                tasks=tuple(tasks),
                line=first_row,
                description=lead_in,
            )
            for number, title, lead_in, first_row, tasks in sections
        )
        return parsed_sections, warnings

    def _integer(self, row: int, header: str, column: int) -> int:
        raw = self.text(row, column)
        if not raw:
            raise self.fail(row, header, "为空")
        if not re.fullmatch(r"\d{1,4}", raw) or int(raw) < 1:
            raise self.fail(row, header, f"应为正整数：“{raw}”")
        return int(raw)

    def _decimal(self, row: int, header: str, column: int) -> Decimal | None:
        value = self.cell(row, column)
        raw = self.text(row, column)
        if not raw:
            return None
        try:
            number = Decimal(raw.replace(",", "").replace("，", ""))
        except InvalidOperation:
            number = None
        if number is None or not number.is_finite() or isinstance(value, bool):
            raise self.fail(row, header, f"应为数字：“{raw}”")
        if number < 0:
            raise self.fail(row, header, f"不能为负数：“{raw}”")
        return number

    def _task(self, row: int, columns: _Columns) -> ParsedTask:
        col = columns.task
        number = self._integer(row, "序号", col["序号"])
        description = self.text(row, col["工作内容"])
        if not description:
            raise self.fail(row, "工作内容", "为空")
        title = self.text(row, col["重点工作（标题）"]) or description.split("。", 1)[0].strip()
        participants = self.text(row, col["参与单位"])
        indicators = tuple(
            indicator
            for group in range(1, columns.groups + 1)
            if (indicator := self._indicator(row, group, col)) is not None
        )
        return ParsedTask(
            number=number,
            title=title,
            description=description,
            lead_names=_split_names(self.text(row, col["牵头部室（多个用“、”分隔）"])),
            participants_text=participants,
            participant_names=_split_names(participants),
            indicators=indicators,
            line=row,
        )

    def _indicator(self, row: int, group: int, col: dict[str, int]) -> ParsedIndicator | None:
        headers = {f: _indicator_header(group, f) for f in INDICATOR_FIELDS}
        values = {f: self.text(row, col[headers[f]]) for f in INDICATOR_FIELDS}
        if not any(values.values()):
            return None
        name = values["名称"]
        if not name:
            raise self.fail(row, headers["名称"], "为空，但填写了该指标的其他内容")
        unit = values["计量单位"]
        if unit not in MeasureUnit.values:
            allowed = "、".join(value for value in MeasureUnit.values if value)
            raise self.fail(row, headers["计量单位"], f"应为 {allowed} 之一或留空：“{unit}”")
        comparator = _COMPARATOR_INPUT.get(values["比较方式"].replace(" ", ""))
        if comparator is None:
            raise self.fail(row, headers["比较方式"], f"应为 ≥、= 或 ≤：“{values['比较方式']}”")
        target = self._decimal(row, headers["目标值"], col[headers["目标值"]])
        per_unit = self._decimal(row, headers["每单位目标"], col[headers["每单位目标"]])
        kind = "milestone" if target is None else "rate" if unit == "%" else "count"
        symbol = COMPARATOR_SYMBOLS[comparator]
        source = values["原文"] or (
            f"导入模板：{name}{'完成' if target is None else f' {symbol} {target}{unit}'}"
        )
        # 频次: an event count whose 原文 says "每季度开展1次" and the like (the target per slot)
        cadence = (
            cadence_in(values["原文"]) if kind == "count" and unit in ("次", "场", "期") else ""
        )
        if cadence:
            kind = "cadence"
        return ParsedIndicator(
            name=name,
            kind=kind,
            unit=unit,
            comparator=comparator,
            target=_MILESTONE_TARGET if target is None else target,
            per_unit_target=per_unit,
            source=source,
            cadence=cadence,
        )
