"""The federation's leader reads the year-end summary draft (年度工作总结初稿) on its preview page,
asks for the Word document, watches a real worker build it and downloads it."""

from __future__ import annotations

import datetime as dt

import pytest
from docx import Document
from playwright.sync_api import expect

from tests.browser.test_report_journey import log_in

pytestmark = [pytest.mark.browser, pytest.mark.worker]

DEMO_TODAY = dt.date(2024, 10, 20)


def test_leader_previews_and_downloads_the_year_summary_draft(
    page, demo_server, workers, settings, tmp_path
):
    settings.UNIONPLAN_TODAY = DEMO_TODAY
    workers("year-summary", UNIONPLAN_TODAY=DEMO_TODAY.isoformat())
    log_in(page, demo_server, "leader")
    page.goto(f"{demo_server}/reports/jobs/")
    card = page.get_by_test_id("year-summary-card")
    expect(card.get_by_label("年度")).to_have_value("2024")
    card.get_by_role("link", name="2024年初稿").click()
    preview = page.get_by_test_id("year-summary-preview")
    expect(preview.get_by_role("heading", level=1)).to_have_text(
        "龙岗区总工会2024年工作总结（初稿）"
    )
    expect(preview.get_by_role("heading", name="一、2024年工作开展情况")).to_be_visible()
    expect(preview.get_by_role("heading", name="二、存在的问题和下一步计划")).to_be_visible()
    expect(preview).to_contain_text("10.扩大工会法律服务覆盖面。")
    expect(preview.get_by_test_id("year-summary-sources")).to_contain_text("法律服务活动")
    page.get_by_role("button", name="下载 Word").click()
    page.wait_for_url("**/reports/jobs/")
    row = page.get_by_test_id("jobs").locator("tbody tr").first
    expect(row).to_contain_text("年度工作总结初稿")
    download_link = row.get_by_test_id("job-download")
    expect(download_link).to_be_visible(timeout=120_000)
    with page.expect_download() as info:
        download_link.click()
    assert info.value.suggested_filename == "2024年工作总结初稿.docx"
    path = tmp_path / "summary.docx"
    info.value.save_as(path)
    texts = [p.text for p in Document(str(path)).paragraphs]
    assert texts[0] == "龙岗区总工会2024年工作总结（初稿）"
    assert any(t.startswith("10.扩大工会法律服务覆盖面。") for t in texts)
