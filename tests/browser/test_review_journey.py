"""Journey: 权益部 reviews at volume. It filters 待审核 by one unit, ticks that unit's entries,
approves them together, and task 10's 律师驻点 indicator rises by exactly the approved figure.

Run at 1440 px and at 375 px: on a phone the filter bar and tick boxes fit without sideways
scrolling. "Today" is the demo's date (2024-10-20); 坂田街道总工会 has just submitted its overdue
第三季度 report, counting 3 律师驻点 on task 10.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from departments.models import User
from reports.models import ReportingPeriod
from reports.services import EntryInput, entry_save, report_open, report_submit
from tests.browser.test_report_journey import DEMO_TODAY, INDICATOR, TASK, lawyer_posts, log_in
from unionplan import clock

pytestmark = pytest.mark.browser

UNIT = "坂田街道总工会"
FIGURE = Decimal(3)


def submit_q3_of_bantian() -> None:
    """坂田 submits its (late) 第三季度 report, counting 3 律师驻点 on task 10."""
    reporter = User.objects.get(username="bantian")
    period = ReportingPeriod.objects.get(plan__year=2024, kind="quarter", number=3)
    with clock.frozen(DEMO_TODAY):
        report = report_open(unit=reporter.unit, period=period, user=reporter)
        for entry in report.entries.select_related("task").prefetch_related("task__indicators"):
            figures = {i.pk: FIGURE for i in entry.task.indicators.all() if i.name == INDICATOR}
            entry_save(
                entry=entry,
                user=reporter,
                expected_version=entry.version,
                data=EntryInput(
                    narrative=f"坂田第三季度第{entry.task.number}项工作已开展。",
                    contributions=figures,
                ),
            )
        report_submit(report=report, user=reporter)


def show_nav(page) -> None:  # noqa: ANN001
    """On a phone the main navigation is collapsed behind its toggler."""
    toggler = page.get_by_role("button", name="展开导航")
    if toggler.is_visible():
        toggler.click()
        expect(page.locator("#mainNav")).to_be_visible()


def assert_no_sideways_scroll(page, width: int) -> None:  # noqa: ANN001
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width, f"page is {scroll}px wide in a {width}px viewport"


@pytest.mark.parametrize("width", [1440, 375])
def test_staff_filter_tick_and_batch_approve_and_the_indicator_rises(
    page, demo_server, settings, width
):
    settings.UNIONPLAN_TODAY = DEMO_TODAY
    submit_q3_of_bantian()
    page.set_viewport_size({"width": width, "height": 900 if width > 500 else 812})
    page.emulate_media(reduced_motion="reduce")

    log_in(page, demo_server, "qyb")
    show_nav(page)
    before, pending_before = lawyer_posts(page)

    # 1. 待审核, filtered to one unit.
    show_nav(page)
    page.get_by_role("navigation", name="主导航").get_by_role(
        "link", name=re.compile(r"^审核(\s*，\d+ 条待处理)?$")
    ).click()
    page.wait_for_url("**/reviews/")
    filters = page.get_by_test_id("review-filters")
    expect(filters).to_be_visible()
    filters.get_by_label("填报单位").select_option(label=UNIT)
    filters.get_by_role("button", name="筛选").click()
    page.wait_for_url("**/reviews/?*unit=*")
    cards = page.get_by_test_id("review-entry")
    expect(cards.first).to_be_visible()
    assert all(UNIT in t for t in page.get_by_test_id("review-group").all_inner_texts())
    assert_no_sideways_scroll(page, width)

    # The figure task 10's entry asks to count.
    card = cards.filter(has_text=TASK)
    expect(card).to_have_count(1)
    figure = Decimal(
        card.locator(
            f'[data-testid=review-contribution][data-indicator="{INDICATOR}"]'
        ).get_attribute("data-value")
    )
    assert figure == FIGURE

    # 2. Tick: 全选, then one by one the boxes stay usable (touch-sized, inside the screen).
    boxes = page.locator('input[name=entries][form="batch-form"]')
    count = boxes.count()
    assert count >= 2
    for i in range(count):
        box = boxes.nth(i).bounding_box()
        assert box is not None and box["width"] >= 20 and box["x"] + box["width"] <= width
    batch = page.get_by_role("button", name="批量通过")
    expect(batch).to_be_disabled()
    page.get_by_label("全选本页待审核").check()
    expect(page.get_by_test_id("batch-form").locator("[data-batch-count]")).to_have_text(str(count))
    boxes.nth(0).uncheck()  # one by one too
    expect(page.get_by_label("全选本页待审核")).not_to_be_checked()
    boxes.nth(0).check()
    expect(page.get_by_label("全选本页待审核")).to_be_checked()

    # 3. 批量通过 → confirm in the dialog.
    batch.click()
    dialog = page.get_by_role("dialog", name="确认批量通过")
    expect(dialog).to_be_visible()
    expect(dialog.locator("[data-batch-count]")).to_have_text(str(count))
    dialog.get_by_role("button", name="确认通过").click()
    expect(page.get_by_role("alert").filter(has_text=f"已通过 {count} 条。")).to_be_visible()
    expect(page.get_by_test_id("review-empty")).to_be_visible()  # 待审核 of 坂田: none left
    assert_no_sideways_scroll(page, width)

    # 4. The indicator rises by exactly the approved figure; it no longer waits for review.
    show_nav(page)
    after, pending_after = lawyer_posts(page)
    assert after == before + figure
    assert pending_after == pending_before - figure
