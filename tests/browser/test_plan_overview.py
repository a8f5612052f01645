"""Journey: a user logs in and reads the plan overview."""

from __future__ import annotations

import re

import pytest

from unionplan.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def log_in(page, server, username: str) -> None:  # noqa: ANN001
    page.goto(f"{server.url}/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_label("密码").press("Enter")  # keyboard only


def open_plan(page) -> None:  # noqa: ANN001
    """From the role's home (驾驶舱 or 待办), 工作要点 in the navigation opens the current plan."""
    page.wait_for_url(re.compile(r"/(dashboard|todo)/$"))
    page.get_by_role("navigation", name="主导航").get_by_role(
        "link", name="工作要点", exact=True
    ).click()
    page.wait_for_url("**/plans/2024/")


def test_leader_logs_in_and_reads_the_plan_overview(page, demo_server):
    log_in(page, demo_server, "leader")
    open_plan(page)
    assert page.get_by_test_id("plan-title").inner_text() == "龙岗区总工会2024年工作思路及要点"
    assert "区总领导" in page.get_by_test_id("current-user").inner_text()
    assert page.locator("tr[data-task-number]").count() == 30
    assert page.get_by_role(
        "heading", name="五、全面加强自身建设，不断提升工会组织感知力、响应力、影响力、凝聚力"
    ).is_visible()
    row = page.locator('tr[data-task-number="10"]')
    assert "权益部" in row.inner_text() and "≥ 22 个" in row.inner_text()


def test_staff_filters_the_overview_to_their_department(page, demo_server):
    log_in(page, demo_server, "jsw")
    open_plan(page)
    page.get_by_label("牵头部室").select_option(label="经审委")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**lead=*")
    assert page.locator("tr[data-task-number]").count() == 1
    assert "提升经审工作质效" in page.locator('tr[data-task-number="26"]').inner_text()
    page.get_by_role("link", name="提升经审工作质效").click()
    assert (
        "对11个街道总工会经审工作进行规范化考核"
        in page.get_by_test_id("task-description").inner_text()
    )


def test_wrong_password_is_refused_in_chinese_and_logout_returns_to_login(page, demo_server):
    page.goto(f"{demo_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("leader")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    assert "请输入一个正确的" in page.locator(".alert-danger").inner_text()
    log_in(page, demo_server, "leader")
    open_plan(page)
    page.get_by_test_id("user-menu").click()  # 退出登录 is in the user menu
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/accounts/login/")
