"""Journey: a new period's progress form starts from the last one; going back asks for a reason.

"Today" is pinned to the demo's date (2024-10-20): the current period is 第四季度, not yet reported.
Task 10 (扩大工会法律服务覆盖面, lead 权益部, staff qyb) was 推进中 85 % in 第三季度; its 律师驻点
figures were 6 + 7 + 7 = 20 个 in Q1–Q3.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_progress_journey import DEMO_TODAY, log_in

pytestmark = pytest.mark.browser

REASON = "两个驻点因场地调整撤回，十一月在新址重建。"


def test_lead_staff_starts_from_last_period_and_gives_a_reason_for_going_back(
    page, demo_server, settings
):
    from tasks.models import KeyTask, ProgressUpdate

    settings.UNIONPLAN_TODAY = DEMO_TODAY
    task = KeyTask.objects.get(plan__year=2024, number=10)
    q3 = task.updates.get(period__number=3)
    lawyers = task.indicators.get(name="律师驻点")

    log_in(page, demo_server, "qyb")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)  # on to this user's home
    page.goto(f"{demo_server.url}/tasks/{task.pk}/")
    form = page.get_by_test_id("progress-form")

    # Pre-filled from 第三季度: status and percent; its texts shown above the empty textareas.
    assert form.get_by_label("填报周期").locator("option:checked").inner_text() == "2024年第四季度"
    expect(form.get_by_label("推进状态")).to_have_value("in_progress")
    expect(form.get_by_label("完成进度（%）")).to_have_value("85")
    expect(form.get_by_test_id("carry-progress")).to_contain_text("上期（第三季度）填报：")
    expect(form.get_by_test_id("carry-progress")).to_contain_text(q3.progress[:20])
    expect(form.get_by_label("进展情况")).to_have_value("")
    form.get_by_role("button", name="沿用上期内容").click()
    expect(form.get_by_label("进展情况")).to_have_value(q3.progress)
    expect(form.get_by_label("进展情况")).to_be_focused()

    # The running total as the figure is typed: 此前累计 20 个 + 本期 3 个.
    hint = form.locator(f'[data-carry-count][data-for="id_actual_{lawyers.pk}"]')
    expect(hint).to_have_text("此前累计 20 个")
    form.locator(f'input[data-indicator-input="{lawyers.pk}"]').fill("3")
    expect(hint).to_have_text("此前累计 20 个，本期 3 个，保存后 23 个")
    form.locator(f'input[data-indicator-input="{lawyers.pk}"]').fill(
        "23"
    )  # the cumulative by mistake
    expect(hint).to_have_text("此前累计 20 个，本期 23 个，保存后 43 个")
    form.locator(f'input[data-indicator-input="{lawyers.pk}"]').fill("3")

    # A lower percent than last period asks for a reason before anything is sent.
    reason = form.get_by_label("回退原因")
    expect(reason).to_be_hidden()
    form.get_by_label("完成进度（%）").fill("80")
    expect(reason).to_be_visible()
    expect(form.locator("[data-regression]")).to_contain_text(
        "完成进度低于上期（85%），请确认并填写原因"
    )
    form.get_by_label("存在问题").fill("驻点场地调整。")
    form.get_by_label("进展情况").fill("第四季度：驻点场地调整，法律服务活动照常开展。")
    form.get_by_role("button", name="保存进展").click()
    expect(reason).to_be_focused()
    expect(reason).to_have_class(re.compile(r"\bis-invalid\b"))
    assert not ProgressUpdate.objects.filter(task=task, period__number=4).exists()

    reason.fill(REASON)
    ARTIFACTS.mkdir(exist_ok=True)
    for width in (1440, 375):
        page.set_viewport_size({"width": width, "height": 900 if width > 500 else 812})
        form.scroll_into_view_if_needed()
        page.screenshot(path=str(ARTIFACTS / f"progress-carry-forward-{width}.png"), full_page=True)
    page.set_viewport_size({"width": 1440, "height": 900})
    form.get_by_role("button", name="保存进展").click()

    expect(page.get_by_role("alert").filter(has_text="第 10 项工作的进展已保存。")).to_be_visible()
    assert page.get_by_test_id("task-percent").inner_text() == "80%"
    update = ProgressUpdate.objects.get(task=task, period__number=4)
    assert update.regression_reason == REASON and update.percent == 80
    assert update.actuals.get(indicator=lawyers).value == 3
    newest = page.get_by_test_id("timeline-entry").first
    expect(newest).to_contain_text("进度回退原因")
    expect(newest).to_contain_text(REASON)
