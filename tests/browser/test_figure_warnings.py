"""Journey: an administrator sets a check rule between two indicators; the reporter who types
figures that break it sees 请核实 beside the figure and in the submit confirmation (and can still
submit); the reviewing department sees the same warning beside the figure.

"Today" is the demo's date (2024-10-20): 坂田's 第三季度 is the report that opens first.
"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from unionplan.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

DEMO_TODAY = dt.date(2024, 10, 20)
TASK_NUMBER = 10  # 扩大工会法律服务覆盖面, lead 权益部 (qyb); 坂田 takes part
CHECKED = "法律服务示范培育点"
OTHER = "律师驻点"


def log_in(page, server, username: str) -> None:  # noqa: ANN001
    page.context.clear_cookies()
    page.goto(f"{server.url}/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_label("密码").press("Enter")
    page.wait_for_load_state()


def test_a_rule_set_by_the_admin_warns_the_reporter_and_the_reviewer(page, demo_server, settings):
    settings.UNIONPLAN_TODAY = DEMO_TODAY

    # The administrator: 编辑工作要点 → 指标校验规则 → 新增规则 on 法律服务示范培育点.
    log_in(page, demo_server, "admin")
    page.goto(f"{demo_server.url}/plans/2024/edit/")
    page.get_by_test_id("plan-rules").click()
    page.wait_for_url("**/plans/2024/rules/")
    row = page.locator(f'[data-testid=rule-indicator][data-indicator="{CHECKED}"]')
    row.get_by_test_id("add-rule").click()
    page.get_by_label("规则").select_option(label="不高于另一指标")
    page.get_by_label("比较指标").select_option(label=f"第 {TASK_NUMBER} 项 · {OTHER}")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/plans/2024/rules/*")
    expect(row.get_by_test_id("rule-text")).to_have_text(f"累计不高于“{OTHER}”")

    # The reporter types more 培育点 than 驻点: warned beside the figure once it saves itself.
    log_in(page, demo_server, "bantian")
    page.goto(f"{demo_server.url}/reports/")
    card = page.locator(f'[data-testid=entry][data-task-number="{TASK_NUMBER}"]')
    card.locator("summary").first.evaluate("(s) => s.parentElement.open = true")
    card.locator("input[data-contribution]").and_(card.get_by_label(OTHER)).fill("1")
    card.locator("input[data-contribution]").and_(card.get_by_label(CHECKED)).fill("30")
    card.locator("textarea").first.fill("坂田街道本季度新增法律服务示范培育点。")
    warning = card.get_by_test_id("figure-warning")
    expect(warning).to_contain_text(f"{CHECKED}累计 ")
    expect(warning).to_contain_text(f"高于{OTHER}")
    expect(warning).to_contain_text("请核实")
    message = warning.inner_text().strip()

    # 提交报表: the confirmation lists the warning, and submitting is still allowed.
    page.get_by_test_id("copy-all-previous").click()
    # 28 entries save themselves; the reporter reads them over meanwhile.
    unsaved = page.locator("[data-save-state]").filter(has_text="未保存")
    expect(unsaved).to_have_count(0, timeout=30_000)
    page.get_by_test_id("submit-form").get_by_role("button", name="提交报表").click()
    dialog = page.locator("#submit-confirm")
    expect(dialog.get_by_test_id("submit-warnings")).to_contain_text(
        f"第 {TASK_NUMBER} 项：{message}"
    )
    dialog.get_by_role("button", name="确定提交").click()
    expect(page.get_by_test_id("report-status")).to_have_text("已提交待审核")

    # The reviewing department (权益部) sees it beside the figure in its queue.
    log_in(page, demo_server, "qyb")
    page.goto(f"{demo_server.url}/reviews/")
    entry = (
        page.get_by_test_id("review-entry")
        .filter(has_text="坂田")
        .filter(has_text=f"第 {TASK_NUMBER} 项")
    )
    figure = entry.locator(f'[data-testid=review-contribution][data-indicator="{CHECKED}"]')
    expect(figure.get_by_test_id("figure-warning")).to_have_text(message)
