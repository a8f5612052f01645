"""Journey: a leader reads the dashboard and drills down to the red tasks."""

from __future__ import annotations

import datetime as dt

import pytest

from unionplan.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def test_leader_sees_the_charts_and_the_red_count_opens_exactly_the_red_tasks(
    page, demo_server, settings
):
    settings.UNIONPLAN_TODAY = dt.date(2024, 10, 20)
    page.goto(f"{demo_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("leader")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_label("密码").press("Enter")
    page.wait_for_url("**/dashboard/")  # a leader's home
    page.get_by_role("link", name="驾驶舱").click()
    page.wait_for_url("**/dashboard/")
    page.wait_for_function("document.querySelectorAll('[data-chart] canvas').length >= 5")
    assert page.locator("[data-chart] canvas").count() >= 5
    red = page.get_by_test_id("colour-red")
    count = int(red.inner_text().split()[0])
    assert count > 0
    red.click()
    page.wait_for_url("**colour=red**")
    rows = page.locator("tr[data-task-number]")
    assert rows.count() == count
    assert page.locator('tr[data-task-number][data-colour="red"]').count() == count
