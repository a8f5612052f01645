"""Text enters without control characters at every door: forms, the API, query strings and plan
documents. Word's Shift+Enter (U+000B) becomes a line break; NUL and the like are dropped; the
workbook covering the task still builds."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from openpyxl import load_workbook

from exports.formatters import build_quarterly_workbook
from exports.readers import workbook_data
from planning.documents import parse_plan_document
from tasks.models import KeyTask
from unionplan.text import MAX_DEPTH, clean_text, clean_value

PASTED = "第一段\x0b第二段\x00\x1b[31m\x7f"


@pytest.fixture(autouse=True)
def pinned(settings):
    settings.UNIONPLAN_TODAY = dt.date(2024, 10, 20)


def test_clean_text_keeps_line_breaks_and_tabs_and_drops_the_rest():
    assert clean_text(PASTED) == "第一段\n第二段[31m"
    assert clean_text("甲\t乙\r\n丙\x0c丁") == "甲\t乙\r\n丙\n丁"
    assert clean_text("普通文字") == "普通文字"
    assert clean_value({"a\x00": ["x\x0by", 3, None]}) == {"a": ["x\ny", 3, None]}


def test_a_progress_pasted_from_word_in_the_form_is_saved_clean_and_the_workbook_builds(world):
    client = world.client("staff_lead")
    response = client.post(
        f"/tasks/{world.task.pk}/progress/",
        {
            "period": world.period(3).pk,
            "status": "in_progress",
            "percent": "90",
            "progress": PASTED,
            "problems": "无\x0c有",
            "next_steps": "",
            "version": str(world.task.updates.get(period=world.period(3)).version),
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200, response.content.decode()[:500]
    update = world.task.updates.get(period=world.period(3))
    assert update.progress == "第一段\n第二段[31m" and update.problems == "无\n有"
    data = workbook_data(period=world.period(3), tasks=KeyTask.objects.filter(plan=world.plan))
    sheet = load_workbook(io.BytesIO(build_quarterly_workbook(data)))["总表"]
    assert any(cell.value == "第一段\n第二段[31m" for row in sheet.iter_rows() for cell in row)


def test_the_api_saves_json_text_clean(world):
    client = world.client("staff_lead")
    response = client.post(
        f"/api/v1/tasks/{world.task.pk}/progress/",
        {
            "period": world.period(4).pk,
            "status": "in_progress",
            "percent": 90,
            "progress": PASTED,
            "problems": "无",
            "version": 0,
            "actuals": [],
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    assert world.task.updates.get(period=world.period(4)).progress == "第一段\n第二段[31m"


def test_deeply_nested_json_is_a_400_with_a_chinese_message(world):
    client = world.client("staff_lead")
    for depth in (MAX_DEPTH + 5, 100_000):
        body = "[" * depth + "]" * depth
        response = client.post(
            f"/api/v1/tasks/{world.task.pk}/progress/", body, content_type="application/json"
        )
        assert response.status_code == 400
        assert response.json()["message"] == "JSON 数据嵌套层级过深，无法处理。"
    body = json.dumps({"progress": "x", "actuals": [{"indicator": [[[[1]]]]}]})
    response = client.post(
        f"/api/v1/tasks/{world.task.pk}/progress/", body, content_type="application/json"
    )
    assert response.status_code == 400  # shallow enough to parse: the fields are judged


def test_a_nul_in_a_search_is_dropped_not_a_500(world):
    client = world.client("leader")
    html = client.get("/tasks/?q=疗休养%00").content.decode()
    assert html.count("data-task-number=") == 1 and "开展职工疗休养活动" in html
    assert client.get(f"/plans/{world.plan.year}/?q=%00%0b").status_code == 200


def test_a_plan_document_loses_its_control_characters(plan_text):
    text = plan_text.replace("开展职工疗休养活动", "开展职工\x0b疗休养\x00活动", 1)
    parsed = parse_plan_document(name="计划.txt", data=text.encode())
    titles = [task.title for section in parsed.sections for task in section.tasks]
    assert not any(ch in title for title in titles for ch in "\x00\x0b")
    assert any("疗休养活动" in title for title in titles)
