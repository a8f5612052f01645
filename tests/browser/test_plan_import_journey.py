"""Journey: an administrator brings next year's plan in from a Word document, corrects it in the
preview, saves it, copies it into the year after and compares the two years.

The document is the "一是/二是" test fixture (no task numbers, no leads) made into a real .docx.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tasks.models import WorkPlan
from tests.browser.test_progress_journey import log_in, open_nav
from tests.planning.documents import docx_from_lines

INLINE_FIXTURE = (
    Path(__file__).resolve().parents[1] / "fixtures" / "plans" / "inline-shape-plan.txt"
)

pytestmark = pytest.mark.browser


def test_admin_imports_a_docx_corrects_it_copies_it_and_compares_years(page, demo_server, tmp_path):  # noqa: ANN001
    document = tmp_path / "2030年工作要点.docx"
    document.write_bytes(docx_from_lines(INLINE_FIXTURE.read_text(encoding="utf-8").splitlines()))

    log_in(page, demo_server, "admin")
    open_nav(page, "计划管理")
    page.get_by_test_id("import-plan").click()
    page.get_by_label("工作要点文件").set_input_files(str(document))
    page.get_by_label("年度").fill("2030")
    page.get_by_role("button", name="识别并预览").click()

    # The preview: the shape, the missing leads said once, nothing saved yet.
    expect(page.get_by_role("heading", level=1)).to_contain_text("导入预览")
    expect(page.get_by_test_id("preview-summary")).to_contain_text("“一是、二是”段落式")
    expect(page.get_by_test_id("import-warnings")).to_contain_text("原文未写明牵头部室")
    assert not WorkPlan.objects.filter(year=2030).exists()

    # Corrections: a lead for task 1, a target for task 4's suggested indicator, a section lead.
    page.locator("#t-1-leads").select_option(label="宣教部")
    target = page.locator("input[name='i-4-0-target']")
    expect(target).to_have_value("5")
    target.fill("8")
    page.locator("#s-2-lead").select_option(label="组建部")
    page.get_by_role("button", name="重新检查").click()
    expect(page.locator("input[name='i-4-0-target']")).to_have_value("8")
    expect(page.locator("#t-1-leads")).to_have_values([re.compile(r"\d+")])
    assert not WorkPlan.objects.filter(year=2030).exists()

    page.get_by_test_id("confirm-import").click()
    page.wait_for_url("**/plans/2030/")
    expect(page.get_by_role("alert").first).to_contain_text("已导入 2030 年工作要点")

    # The plan shows the corrected target; the task list shows the corrected leads.
    row = page.locator("tr[data-task-number='4']")
    expect(row).to_contain_text("8 场")
    expect(row).to_contain_text("组建部")  # section 二's lead filled its tasks
    page.goto(f"{demo_server.url}/tasks/?year=2030")
    expect(page.locator("tr[data-task-number='1']")).to_contain_text("宣教部")
    expect(page.locator("tr[data-task-number='2']")).to_contain_text("待定")

    # 复制为下一年度, confirmed in a dialog, lands on the new draft's edit page.
    open_nav(page, "计划管理")
    card = page.locator("li[data-year='2030']")
    card.get_by_test_id("copy-plan").click()
    page.get_by_test_id("confirm-copy").locator("visible=true").click()
    page.wait_for_url("**/plans/2031/edit/")
    assert WorkPlan.objects.get(year=2031).status == "draft"

    # 年度对比 of 2030 and 2031: every task matched, last year's target beside this year's.
    open_nav(page, "计划管理")
    page.get_by_test_id("compare-plans").click()
    page.get_by_label("对比年度（上年）").select_option("2030")
    page.get_by_label("本年度", exact=True).select_option("2031")
    page.get_by_role("button", name="对比").click()
    expect(page.get_by_text("职工技能大练兵系列活动").first).to_be_visible()
    expect(page.locator("body")).to_contain_text("8")
