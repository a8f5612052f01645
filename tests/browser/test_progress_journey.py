"""Journeys: a lead department reports progress, a leader instructs, other departments only read.

"Today" is pinned to the demo's date (2024-10-20, expected progress about 80 %): there task 13
(开展职工疗休养活动, lead 宣教部, 50 %) is red and the current period is 第四季度, not yet reported.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from unionplan.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

DEMO_TODAY = dt.date(2024, 10, 20)
RED_TASK = "开展职工疗休养活动"  # task 13


def log_in(page, server, username: str) -> None:  # noqa: ANN001
    page.goto(f"{server.url}/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_label("密码").press("Enter")  # keyboard only


def open_nav(page, label: str) -> None:  # noqa: ANN001
    # A badge adds "，N 条待处理" to the link's name (审核, 领导批示).
    page.get_by_role("navigation", name="主导航").get_by_role(
        "link", name=re.compile(rf"^{re.escape(label)}(\s*，\d+ 条待处理)?$")
    ).click()


def open_red_task(page) -> str:  # noqa: ANN001
    """From the task list, open task 13 by its title; returns the task page's URL."""
    open_nav(page, "重点工作")
    page.wait_for_url("**/tasks/")
    page.get_by_role("link", name=RED_TASK, exact=True).click()
    page.wait_for_url(re.compile(r"/tasks/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"13. {RED_TASK}")
    return page.url


def q4_period_id() -> str:
    """The 第四季度 period's id (other departments never see the form that carries it)."""
    from reports.models import ReportingPeriod

    return str(ReportingPeriod.objects.get(plan__year=2024, kind="quarter", number=4).pk)


def indicator_actuals(page) -> dict[str, tuple[Decimal, str]]:  # noqa: ANN001
    """Each indicator's 累计完成 cell, e.g. {"12": (Decimal(50), "人次")}, keyed by indicator id."""
    actuals = {}
    for row in page.get_by_test_id("indicators").locator("tr[data-indicator]").all():
        number, unit = row.get_by_test_id("indicator-actual").inner_text().split()
        actuals[row.get_attribute("data-indicator")] = (Decimal(number), unit)
    return actuals


def test_department_staff_updates_a_task_and_sees_colour_and_timeline_change(
    page, demo_server, settings
):
    settings.UNIONPLAN_TODAY = DEMO_TODAY
    log_in(page, demo_server, "xjb")
    page.wait_for_url("**/todo/")  # department staff land on 待办

    open_nav(page, "重点工作")
    page.wait_for_url("**/tasks/")
    page.get_by_test_id("filter-mine").click()
    page.wait_for_url("**mine=1*")
    rows = page.get_by_test_id("task-table").locator("tr[data-task-number]")
    assert rows.count() > 1
    for row in rows.all():
        assert "宣教部" in row.locator(".lead-badge").all_inner_texts()
    row = page.locator('tr[data-task-number="13"]')
    assert row.get_attribute("data-colour") == "red"
    assert "严重滞后" in row.inner_text() and "50%" in row.inner_text()

    # The dashboard read now (its figures are cached) must show the save below at once.
    counts_before = dashboard_colour_counts(page)
    expect(page.get_by_test_id("lagging")).to_contain_text(RED_TASK)
    page.go_back()

    row = page.locator('tr[data-task-number="13"]')
    row.get_by_role("link", name=RED_TASK).click()
    page.wait_for_url(re.compile(r"/tasks/\d+/$"))
    status = page.get_by_test_id("task-status").locator("[data-colour]")
    assert status.get_attribute("data-colour") == "red"
    before = indicator_actuals(page)
    assert sorted(unit for _, unit in before.values()) == ["人次", "批次"]
    entered = {pk: Decimal(1 if unit == "批次" else 20) for pk, (_, unit) in before.items()}

    form = page.get_by_test_id("progress-form")
    assert form.get_by_label("填报周期").locator("option:checked").inner_text() == "2024年第四季度"
    assert form.get_by_label("填报周期").input_value() == q4_period_id()
    # No Q4 update yet: the form starts from 第三季度's 50 %.
    assert form.get_by_label("完成进度（%）").input_value() == "50"
    progress_text = "第四季度第三批次疗休养已组织报名，累计参加职工约70人次。"
    form.get_by_label("推进状态").select_option(label="推进中")
    form.get_by_label("进展情况").fill(progress_text)
    form.get_by_label("完成进度（%）").fill("150")
    form.get_by_label("完成进度（%）").press("Enter")  # keyboard submit, through htmx

    # The server re-renders the form with status 400; it must be swapped in, not dropped.
    expect(
        page.get_by_test_id("form-errors"), "the refused update should explain itself inline"
    ).to_contain_text("完成进度")
    form = page.get_by_test_id("progress-form")
    expect(form.get_by_label("进展情况")).to_have_value(progress_text)
    expect(form.get_by_label("完成进度（%）")).to_have_value("150")
    assert form.get_by_label("存在问题").input_value() == ""

    form.get_by_label("完成进度（%）").fill("90")
    assert form.locator("input[data-indicator-input]").count() == len(entered)
    for pk, value in entered.items():
        form.locator(f'input[data-indicator-input="{pk}"]').fill(str(value))
    form.get_by_role("button", name="保存进展").click()

    # HX-Redirect reloads the task page, which then carries the saved message.
    expect(page.get_by_role("alert").filter(has_text="第 13 项工作的进展已保存。")).to_be_visible()
    expect(page.get_by_test_id("form-errors")).to_have_count(0)
    status = page.get_by_test_id("task-status").locator("[data-colour]")
    assert status.get_attribute("data-colour") == "green"
    assert "status-green" in (status.get_attribute("class") or "")
    assert "正常推进" in status.inner_text()
    assert page.get_by_test_id("task-percent").inner_text() == "90%"
    after = indicator_actuals(page)
    for pk, value in entered.items():
        assert after[pk][0] - before[pk][0] == value, after[pk]
    assert progress_text in page.get_by_test_id("latest-progress").inner_text()

    newest = page.get_by_test_id("timeline-entry").first
    assert "宣教部 工作人员" in newest.inner_text()
    assert "完成进度（%）：90" in newest.inner_text()
    assert "第13项 第四季度进展" in newest.inner_text()

    # 驾驶舱 at once: one red task fewer, one green more, task 13 no longer lagging.
    counts_after = dashboard_colour_counts(page)
    assert counts_after["red"] == counts_before["red"] - 1
    assert counts_after["green"] == counts_before["green"] + 1
    expect(page.get_by_test_id("lagging")).not_to_contain_text(RED_TASK)


def dashboard_colour_counts(page) -> dict[str, int]:  # noqa: ANN001
    """Open 驾驶舱 from the navigation and read its 红黄绿灯 counts."""
    open_nav(page, "驾驶舱")
    page.wait_for_url("**/dashboard/**")
    return {
        colour: int(page.get_by_test_id(f"colour-{colour}").inner_text().split()[0])
        for colour in ("red", "amber", "green", "done")
    }


def test_leader_instruction_is_answered_by_the_lead_department(page, demo_server, settings):
    settings.UNIONPLAN_TODAY = DEMO_TODAY
    instruction_text = "请宣教部11月中旬前完成第三批次疗休养报名，并报区总审定。"
    answer_text = "已于11月12日完成第三批次报名，名单已报区总审定。"

    log_in(page, demo_server, "leader")
    page.wait_for_url("**/dashboard/")  # a leader's home
    open_red_task(page)
    new_instruction = page.get_by_test_id("instruction-form")
    new_instruction.get_by_label("新批示").fill(instruction_text)
    new_instruction.get_by_role("button", name="发出批示").click()
    page.wait_for_url("**#instructions")
    expect(page.get_by_role("alert").filter(has_text="批示已发送")).to_be_visible()
    instruction = page.get_by_test_id("instruction").filter(has_text=instruction_text)
    expect(instruction).to_have_count(1)
    assert instruction.get_by_test_id("instruction-state").inner_text() == "待办理"
    assert "张主席（演示）" in instruction.inner_text()

    page.get_by_test_id("user-menu").click()  # 退出登录 is in the user menu

    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/accounts/login/**")

    log_in(page, demo_server, "xjb")
    page.wait_for_url("**/todo/")  # department staff land on 待办
    open_nav(page, "领导批示")
    page.wait_for_url("**/instructions/")
    expect(page.get_by_label("状态")).to_have_value("open")  # the list opens on 待办理
    waiting = page.get_by_test_id("instruction-rows")
    listed = waiting.get_by_role("link").filter(has_text=instruction_text)
    expect(listed).to_have_count(1)
    assert f"第 13 项 · {RED_TASK}" in listed.inner_text()
    listed.click()
    page.wait_for_url(re.compile(r"/tasks/\d+/#instruction-\d+$"))

    instruction = page.get_by_test_id("instruction").filter(has_text=instruction_text)
    instruction.get_by_label("答复办理情况").fill(answer_text)
    instruction.get_by_role("button", name="提交答复").click()
    expect(page.get_by_role("alert").filter(has_text="答复已保存")).to_be_visible()

    instruction = page.get_by_test_id("instruction").filter(has_text=instruction_text)
    answered = instruction.locator('[data-testid="instruction-message"][data-kind="answer"]')
    expect(answered).to_contain_text(answer_text)
    assert "宣教部 工作人员" in answered.inner_text()
    assert instruction.get_by_test_id("instruction-state").inner_text() == "已答复"
    newest = page.get_by_test_id("timeline-entry").first
    assert answer_text in newest.inner_text()
    assert "宣教部 工作人员" in newest.inner_text()


def test_staff_of_another_department_sees_the_task_read_only(page, demo_server, settings):
    settings.UNIONPLAN_TODAY = DEMO_TODAY
    log_in(page, demo_server, "qyb")
    page.wait_for_url("**/todo/")  # department staff land on 待办
    task_url = open_red_task(page)

    assert (
        page.get_by_test_id("task-status").locator("[data-colour]").get_attribute("data-colour")
        == "red"
    )
    expect(page.get_by_test_id("progress-form")).to_have_count(0)
    expect(page.get_by_role("button", name="保存进展")).to_have_count(0)
    expect(page.get_by_test_id("instruction-form")).to_have_count(0)

    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    response = page.request.post(
        f"{task_url}progress/",
        form={
            "period": q4_period_id(),
            "status": "in_progress",
            "percent": "90",
            "progress": "权益部越权填报。",
            "version": "0",
        },
        headers={"X-CSRFToken": csrf, "Referer": task_url},
    )
    assert response.status == 403
    # Refused by the permission check, not by CSRF protection.
    assert "只有牵头部室的工作人员可以更新本项工作的进展" in response.text()
    page.reload()
    assert page.get_by_test_id("task-percent").inner_text() == "50%"
