"""A street federation's reporter asks for its own unit's workbook (单位季度报表) from the report
page, watches it being built by a real worker and downloads it.

"Today" is pinned to the demo's date (2024-10-20): 坂田's 第三季度 is overdue, so 季度填报 opens it.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from tests.browser.test_report_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.worker]

DEMO_TODAY = dt.date(2024, 10, 20)


def test_reporter_requests_and_downloads_their_units_workbook(
    page, demo_server, workers, settings, tmp_path
):
    settings.UNIONPLAN_TODAY = DEMO_TODAY
    workers("unit-workbook", UNIONPLAN_TODAY=DEMO_TODAY.isoformat())
    log_in(page, demo_server, "bantian")
    expect(page.get_by_role("heading", level=1)).to_contain_text("2024年第三季度报表")
    page.get_by_role("button", name="生成本单位报表").click()
    page.wait_for_url("**/reports/jobs/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "坂田街道总工会 · 单位季度报表（Excel）"
    )
    row = page.get_by_test_id("jobs").locator("tbody tr").first
    expect(row).to_contain_text("2024年第三季度 · 坂田街道总工会")
    # The row polls itself (htmx) until the worker has built the file.
    download_link = row.get_by_test_id("job-download")
    expect(download_link).to_be_visible(timeout=120_000)
    with page.expect_download() as info:
        download_link.click()
    download = info.value
    assert download.suggested_filename == "2024年第三季度坂田街道总工会报表.xlsx"
    path = tmp_path / "unit.xlsx"
    download.save_as(path)
    wb = load_workbook(path)
    assert wb.sheetnames == ["填报情况", "指标完成", "佐证材料"]
    entries = wb["填报情况"]
    assert entries["A1"].value == "2024年第三季度坂田街道总工会报表（填报情况）"
    assert "状态按 2024年10月20日计" in entries["A2"].value
    states = {entries.cell(r, 4).value for r in range(4, entries.max_row + 1)}
    assert states == {"未填写"}  # the demo's 坂田 has not started its third quarter
    figures = wb["指标完成"]
    targets = [figures.cell(r, 5).value for r in range(4, figures.max_row)]
    assert targets.count("分解目标") == 3  # the three indicators allocated to 坂田
    # Nobody else's workbook is on the reporter's page.
    assert re.search("平湖|推进情况表", page.get_by_test_id("jobs").inner_text()) is None
