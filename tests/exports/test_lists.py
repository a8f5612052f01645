"""导出 Excel of the lists: each file holds every row of the list's current filter (not one
page), says its filter and date in the title, prints on A4 landscape, and is refused to a role
that may not see the list."""

from __future__ import annotations

import datetime as dt
import io
import re
from urllib.parse import unquote

import pytest
from openpyxl import load_workbook

from departments.models import Unit
from reports.models import JobKind, ReportJob
from tasks.models import KeyTask

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def pinned(settings):
    settings.UNIONPLAN_TODAY = dt.date(2024, 10, 20)


def sheet_of(response):  # noqa: ANN001, ANN201
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.worksheets) == 1
    return workbook.worksheets[0]


def file_name(response) -> str:  # noqa: ANN001
    return unquote(response["Content-Disposition"].split("filename*=utf-8''")[1])


def body(ws) -> list[list]:  # noqa: ANN001
    return [[c.value for c in row] for row in ws.iter_rows(min_row=4)]


def assert_prints_on_a4_landscape(ws) -> None:  # noqa: ANN001
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.print_title_rows == "$1:$3"
    assert "&P" in ws.oddFooter.center.text


def test_grid_export_has_a_row_per_unit_a_column_per_period_and_the_rates(world):
    client = world.client("leader")
    page = client.get("/reports/grid/").content.decode()
    assert 'href="/reports/grid/export/?year=2024"' in page
    response = client.get("/reports/grid/export/?year=2024")
    ws = sheet_of(response)
    assert file_name(response) == "2024年各单位报送情况.xlsx"
    assert ws["A1"].value == "2024年各单位报送情况" and "2024年10月20日" in ws["A2"].value
    headers = [c.value for c in ws[3]]
    assert headers[0] == "单位" and "第三季度" in headers
    rows = body(ws)
    units = page.count('<th scope="row" class="fw-normal">')
    assert [r[0] for r in rows[units:]] == ["报送率", "及时率"]
    q3 = headers.index("第三季度")
    assert {r[q3].split("\n")[0].split("（")[0] for r in rows[:units]} <= {
        "逾期未报",
        "填报中",
        "退回",
        "逾期提交",
        "按时",
        "已通过",
    }
    assert_prints_on_a4_landscape(ws)


def test_grid_export_is_refused_to_reporters(world):
    assert world.client("reporter").get("/reports/grid/export/").status_code == 403


def test_review_export_holds_every_entry_of_the_filter_not_one_page(world):
    report = world.report(period=4, submit=True)
    client = world.client("staff_lead")
    query = f"unit={report.unit_id}&state=submitted"
    page = client.get(f"/reviews/?{query}").content.decode()
    count = int(re.search(r"（待审核 (\d+) 条）", page).group(1))
    assert f"/reviews/export/?{query}" in page.replace("&amp;", "&")
    response = client.get(f"/reviews/export/?{query}")
    ws = sheet_of(response)
    assert file_name(response) == "2024年单位报表审核清单（待审核；坂田街道总工会）.xlsx"
    assert [c.value for c in ws[3]][:5] == ["填报单位", "周期", "提交时间", "重点工作", "工作情况"]
    rows = body(ws)
    assert len(rows) == count >= 1
    assert {r[0] for r in rows} == {"坂田街道总工会"} and {r[7] for r in rows} == {"待审核"}
    assert any(r[3].startswith("10. ") and "坂田第10项工作已开展" in r[4] for r in rows)
    assert_prints_on_a4_landscape(ws)
    # Another unit's filter: no row of 坂田.
    other = Unit.objects.get(name="平湖街道总工会")
    empty = body(sheet_of(client.get(f"/reviews/export/?unit={other.pk}&state=submitted")))
    assert all(r[0] != "坂田街道总工会" for r in empty)


def test_review_export_is_refused_to_leaders_and_reporters(world):
    assert world.client("leader").get("/reviews/export/").status_code == 403
    assert world.client("reporter").get("/reviews/export/").status_code == 403


def test_instruction_export_applies_the_lists_filter_and_shows_the_thread(world):
    world.open_instruction()
    client = world.client("leader")
    page = client.get("/instructions/?state=open&dept=").content.decode()
    shown = page.count('data-testid="instruction-row"')
    assert "/instructions/export/?state=open&amp;dept=" in page
    response = client.get("/instructions/export/?state=open&dept=")
    ws = sheet_of(response)
    assert file_name(response) == "2024年领导批示办理情况（待办理）.xlsx"
    assert [c.value for c in ws[3]][:5] == [
        "重点工作",
        "牵头部室",
        "批示领导",
        "批示时间",
        "批示内容",
    ]
    rows = body(ws)
    assert len(rows) == shown >= 1
    assert any(r[0].startswith("10. ") and r[4] == "请加快律师驻点建设。" for r in rows)
    assert {r[6].split("\n")[0] for r in rows} == {"待办理"}
    # A department's filter: only the 批示 on tasks it leads.
    zjb = Unit.objects.get(name="组建部")
    other = body(sheet_of(client.get(f"/instructions/export/?state=open&dept={zjb.pk}")))
    assert all(not r[0].startswith("10. ") for r in other)
    assert_prints_on_a4_landscape(ws)


def test_instruction_export_starts_staff_on_their_own_department_like_the_page(world):
    world.open_instruction()
    page = world.client("staff_lead").get("/instructions/").content.decode()
    dept = world.user("staff_lead").unit_id
    assert f"/instructions/export/?state=open&amp;dept={dept}" in page
    rows = body(sheet_of(world.client("staff_other").get("/instructions/export/")))
    assert all(not (r[0] or "").startswith("10. ") for r in rows)


def test_task_list_export_carries_the_whole_filter_of_the_page(world):
    from exports.services import report_job_run

    client = world.client("staff_lead")
    section = world.task.section
    page = client.get(f"/tasks/?section={section.pk}&q=法律&colour=green").content.decode()
    for name, value in (("section", section.pk), ("q", "法律"), ("colour", "green")):
        assert f'<input type="hidden" name="{name}" value="{value}">' in page
    response = client.post(
        "/reports/jobs/",
        {"kind": "task_list", "section": section.pk, "q": "法律", "colour": "green"},
    )
    assert response.status_code == 302
    job = report_job_run(ReportJob.objects.get(kind=JobKind.TASK_LIST).pk)
    assert job.params == {"section": section.pk, "q": "法律", "colour": "green"}
    with job.file.open("rb") as handle:
        ws = load_workbook(io.BytesIO(handle.read()))["重点工作清单"]
    titles = [ws.cell(row=r, column=2).value for r in range(3, ws.max_row + 1)]
    expected = [
        t.title
        for t in KeyTask.objects.filter(section=section, title__contains="法律").order_by("number")
    ]
    shown = page.count("data-task-number=")
    assert len(titles) == shown and set(titles) <= set(expected)
    assert "含“法律”" in ws["A1"].value and "正常推进" in ws["A1"].value
