"""Journey: a leader sees 逾期未报 in red (computed colours in Chromium) and sends one 催报."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from reports.models import Reminder, ReminderKind
from unionplan.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def rgb(css: str) -> tuple[int, int, int]:
    r, g, b = (int(x) for x in re.findall(r"\d+", css)[:3])
    return r, g, b


def background(page, selector: str) -> tuple[int, int, int]:  # noqa: ANN001
    return rgb(page.locator(selector).first.evaluate("el => getComputedStyle(el).backgroundColor"))


def is_red(colour: tuple[int, int, int]) -> bool:
    r, g, b = colour
    return r >= 150 and g <= 90 and b <= 90


def test_overdue_cells_are_red_and_one_reminder_goes_out_for_a_double_click(
    page, demo_server, settings
):
    settings.UNIONPLAN_TODAY = dt.date(2024, 10, 20)
    page.goto(f"{demo_server.url}/accounts/login/")
    page.get_by_label("用户名").fill("leader")
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_label("密码").press("Enter")
    page.wait_for_url("**/dashboard/")  # a leader's home

    page.goto(f"{demo_server.url}/reports/grid/")
    overdue = background(page, 'td[data-state="overdue"]')
    open_ = background(page, 'td[data-state="open"]')
    on_time = background(page, 'td[data-state="on_time"]')
    assert is_red(overdue), overdue
    assert open_ != overdue and not is_red(open_) and open_ != (255, 255, 255)
    assert len({overdue, open_, on_time}) == 3
    text = page.locator('td[data-state="overdue"]').first.evaluate(
        "el => getComputedStyle(el).color"
    )
    assert rgb(text) == (255, 255, 255)  # white on red reads
    assert "逾期未报" in page.locator('td[data-state="overdue"]').first.inner_text()

    page.goto(f"{demo_server.url}/dashboard/")
    assert is_red(background(page, '[data-testid="dashboard-grid"] td[data-state="overdue"]'))
    card = page.get_by_test_id("overdue-units")
    assert "逾期未报单位 (11)" in card.inner_text()
    item = card.locator("li").filter(has_text="坂田").first
    with page.expect_navigation(url="**/dashboard/"):
        item.get_by_test_id("remind").dblclick()
    item = page.get_by_test_id("overdue-units").locator("li").filter(has_text="坂田").first
    assert re.search(r"已催报 \d\d:\d\d", item.inner_text())
    assert item.get_by_test_id("remind").count() == 0
    assert "已向坂田街道总工会发送第三季度催报提醒" in page.content()
    assert (
        Reminder.objects.filter(kind=ReminderKind.MANUAL, unit__name="坂田街道总工会").count() == 1
    )
