"""The .xlsx import template: a plan built into it reads back the same; errors name the cell."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl
import pytest

from planning.documents import PlanDocumentError, build_plan_template, parse_plan_document
from planning.documents.template import FIRST_TASK_ROW, HEADER_ROW, PLAN_SHEET
from tasks.plan_text import ParsedPlan, parse_plan_text, parsed_to_data
from tests.planning.test_documents import PLAN_2024


def without_lines(plan: ParsedPlan) -> dict[str, object]:
    data = parsed_to_data(plan)
    data["shape"] = "template"
    for section in data["sections"]:
        section.pop("line")
        for task in section["tasks"]:
            task.pop("line")
    return data


@pytest.fixture(scope="module")
def plan() -> ParsedPlan:
    return parse_plan_text(PLAN_2024.read_text(encoding="utf-8"))


def edited(data: bytes, **cells: object) -> bytes:
    """The workbook with cells of the plan sheet changed, e.g. ``K7=...``."""
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook[PLAN_SHEET]
    for ref, value in cells.items():
        sheet[ref] = value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def refusal(data: bytes) -> str:
    with pytest.raises(PlanDocumentError) as info:
        parse_plan_document(name="模板.xlsx", data=data)
    assert str(info.value).startswith("“模板.xlsx”")
    return str(info.value)


def test_the_2024_plan_round_trips_through_the_template(plan: ParsedPlan) -> None:
    data = build_plan_template(plan, departments=["办公室", "宣教部", "权益部"])
    read = parse_plan_document(name="模板.xlsx", data=data)
    assert read.shape == "template" and read.warnings == ()
    assert without_lines(read) == without_lines(plan)
    # The same again: a template built from a read template is unchanged.
    again = parse_plan_document(name="模板.xlsx", data=build_plan_template(read))
    assert again == read


def test_the_template_has_help_headers_dropdowns_and_department_list(plan: ParsedPlan) -> None:
    workbook = openpyxl.load_workbook(
        io.BytesIO(build_plan_template(plan, departments=["办公室", "宣教部"]))
    )
    assert workbook.sheetnames == ["说明", "工作要点", "部室"]
    sheet = workbook["工作要点"]
    assert sheet["A1"].value == "计划标题" and sheet["B1"].value == plan.title
    headers = [cell.value for cell in sheet[HEADER_ROW]]
    assert headers[:8] == [
        "板块序号", "板块标题", "板块导语", "序号", "重点工作（标题）", "工作内容",
        "牵头部室（多个用“、”分隔）", "参与单位",
    ]  # fmt: skip
    assert headers[8:14] == [
        "指标1名称", "指标1计量单位", "指标1比较方式", "指标1目标值", "指标1每单位目标",
        "指标1原文",
    ]  # fmt: skip
    assert sheet.cell(row=FIRST_TASK_ROW, column=4).value == 1
    formulas = {v.formula1 for v in sheet.data_validations.dataValidation}
    assert '"≥,=,≤"' in formulas
    assert any("场" in f and "%" in f for f in formulas)
    assert "'部室'!$A$2:$A$3" in formulas
    assert [c.value for c in workbook["部室"]["A"]] == ["部室名称", "办公室", "宣教部"]


def test_an_empty_template_reads_as_no_tasks() -> None:
    data = edited(build_plan_template(), B1="某某工作要点")
    assert "没有任何重点工作" in refusal(data)


def test_a_filled_in_blank_template_reads_milestones_rates_and_missing_leads() -> None:
    data = edited(
        build_plan_template(),
        B1="某某工作要点",
        A6=1, B6="夯实基础", D6=1, F6="完成换届工作。按期完成。", G6="组织部、办公室",
        H6="各街道总工会", I6="换届", K6="=", L6=None,
        A7=1, D7=2, E7="提高覆盖率", F7="提高覆盖率，达到 95%。",
        I7="覆盖率", J7="%", K7="≥", L7=95,
    )  # fmt: skip
    read = parse_plan_document(name="模板.xlsx", data=data)
    first, second = read.tasks
    assert first.title == "完成换届工作" and first.lead_names == ("组织部", "办公室")
    assert first.participant_names == ("各街道总工会",)
    assert first.indicators[0].kind == "milestone" and first.indicators[0].comparator == "eq"
    assert second.indicators[0].kind == "rate" and second.indicators[0].target == Decimal(95)
    assert second.lead_names == ()
    assert read.warnings == ("第 7 行（第 2 项）未填写牵头部室，导入后为待定",)


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ({"L7": "二十"}, "第 7 行“指标1目标值”应为数字：“二十”"),
        ({"J7": "公里"}, "第 7 行“指标1计量单位”应为 场、个"),
        ({"K7": ">"}, "第 7 行“指标1比较方式”应为 ≥、= 或 ≤"),
        ({"D7": 1}, "第 7 行“序号”1 与第 6 行重复"),
        ({"A7": 3}, "第 7 行“板块序号”应为 1 或 2"),
        ({"B7": "另一个标题"}, "第 7 行“板块标题”与第 6 行同一板块的标题不一致"),
        ({"F6": None}, "第 6 行“工作内容”为空"),
        ({"I7": None}, "第 7 行“指标1名称”为空"),
        ({"K6": "≥"}, "第 6 行“指标1名称”为空，但填写了该指标的其他内容"),
        ({"B1": None}, "第 1 行“计划标题”为空"),
    ],
)
def test_errors_name_the_row_and_the_column(
    plan: ParsedPlan, cells: dict[str, object], message: str
) -> None:
    assert message in refusal(edited(build_plan_template(plan), **cells))


def test_a_workbook_that_is_not_the_template_is_refused() -> None:
    workbook = openpyxl.Workbook()
    assert workbook.active is not None
    workbook.active.title = "Sheet1"
    out = io.BytesIO()
    workbook.save(out)
    assert "不是本系统的导入模板：缺少“工作要点”工作表" in refusal(out.getvalue())


def test_a_template_with_a_missing_column_is_refused(plan: ParsedPlan) -> None:
    message = refusal(edited(build_plan_template(plan), D5="编号"))
    assert "第 5 行缺少“序号”列" in message
