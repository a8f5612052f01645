"""Journey: 办公室 records this quarter's 街道工会工作现场交流活动 (task 16, 每季度开展1次) on the
task page, and its 四季度 cell turns from blue (running) to green (done)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_progress_journey import log_in

pytestmark = pytest.mark.browser

DEMO_TODAY = dt.date(2024, 10, 20)


def test_department_staff_record_an_occurrence_and_the_cell_turns_green(
    page, demo_server, settings
):
    settings.UNIONPLAN_TODAY = DEMO_TODAY
    from tasks.models import KeyTask

    task = KeyTask.objects.get(plan__year=2024, number=16)
    log_in(page, demo_server, "bgs")
    page.wait_for_url("**/todo/")
    page.goto(f"{demo_server.url}/tasks/{task.pk}/")
    card = page.get_by_test_id("cadence-card")
    q4 = card.locator('[data-slot="4"]')
    expect(q4).to_have_attribute("data-status", "current")
    expect(card.get_by_test_id("cadence-summary")).to_have_text("已开展 3/4 期")

    form = card.get_by_test_id("occurrence-form")
    form.get_by_label("开展日期").fill("2024-10-16")
    form.get_by_label("开展情况").fill("在坂田街道召开四季度街道工会工作现场交流会。")
    form.get_by_role("button", name="登记开展情况").click()

    card = page.get_by_test_id("cadence-card")
    expect(card.locator('[data-slot="4"]')).to_have_attribute("data-status", "done")
    expect(card.locator('[data-slot="4"]')).to_contain_text("10/16")
    expect(card.get_by_test_id("cadence-summary")).to_have_text("已开展 4/4 期")
    expect(card.get_by_test_id("occurrences")).to_contain_text("四季度街道工会工作现场交流会")
    expect(page.get_by_role("alert").filter(has_text=re.compile("已登记"))).to_be_visible()
