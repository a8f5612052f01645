"""Journeys: a street federation fills in and submits its quarterly report, the lead department
returns one entry and approves it after the fix, and the approved figure counts on the task.

"Today" is pinned to the demo's date (2024-10-20): the current period is then 第四季度 (due
2025-01-10), for which the demo creates no report of 坂田街道总工会.
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
TASK = "扩大工会法律服务覆盖面"  # task 10, lead 权益部; 坂田 takes part
TASK_NUMBER = 10
INDICATOR = "律师驻点"
STREET = "坂田街道总工会"
BAD_REQUEST = "Failed to load resource: the server responded with a status of 400 (Bad Request)"
# A real one-pixel PNG (as in tests/conftest.py).
PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"
    b"\x00\x00\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01"
    b"\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82"
)


def log_in(page, server, username: str) -> None:  # noqa: ANN001
    page.goto(f"{server.url}/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_label("密码").press("Enter")  # keyboard only
    page.wait_for_url("**/plans/2024/")


def log_out(page) -> None:  # noqa: ANN001
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/accounts/login/**")


def open_nav(page, label: str) -> None:  # noqa: ANN001
    page.get_by_role("navigation", name="主导航").get_by_role(
        "link", name=label, exact=True
    ).click()


def lawyer_posts(page) -> tuple[Decimal, Decimal]:  # noqa: ANN001
    """Open task 10 from the task list; its 律师驻点 indicator's 累计完成 (e.g. "20 个") and the
    units' figures still waiting for review (e.g. "另有待审核 3"), 0 when none."""
    open_nav(page, "重点工作")
    page.wait_for_url("**/tasks/")
    page.get_by_role("link", name=TASK, exact=True).click()
    page.wait_for_url(re.compile(r"/tasks/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{TASK_NUMBER}. {TASK}")
    row = (
        page.get_by_test_id("indicators")
        .locator("tr[data-indicator]")
        .filter(has=page.locator("td:first-child", has_text=INDICATOR))
    )
    expect(row).to_have_count(1)
    number, unit = row.get_by_test_id("indicator-actual").inner_text().split()
    assert unit == "个"
    pending = row.get_by_test_id("indicator-pending")
    if pending.count() == 0:
        return Decimal(number), Decimal(0)
    label, waiting = pending.inner_text().split()
    assert label == "另有待审核"
    return Decimal(number), Decimal(waiting)


def entry_card(page, number: int):  # noqa: ANN001, ANN201
    return page.locator(f'[data-testid=entry][data-task-number="{number}"]')


def save_entry(  # noqa: ANN001
    page, number: int, narrative: str, figures: dict[str, str] | None = None
) -> None:
    """Fill an entry's 工作情况 (and indicator figures by label) and 暂存; the page reloads."""
    form = entry_card(page, number).get_by_test_id("entry-form")
    form.get_by_label("工作情况").fill(narrative)
    for label, value in (figures or {}).items():
        form.locator("input[data-contribution]").and_(form.get_by_label(label)).fill(value)
    form.get_by_role("button", name="暂存").click()
    expect(page.get_by_role("alert").filter(has_text=f"第 {number} 项已暂存。")).to_be_visible()


def submit_report(page) -> None:  # noqa: ANN001
    """Click 提交报表 (the confirm() dialog is accepted by the page's dialog handler)."""
    page.get_by_test_id("submit-form").get_by_role("button", name="提交报表").click()


def review_card(page):  # noqa: ANN001, ANN201
    return page.get_by_test_id("review-entry").filter(has_text=STREET).filter(has_text=TASK)


def test_street_report_is_submitted_returned_fixed_and_approved_and_counts(
    page, demo_server, settings, tmp_path
):
    settings.UNIONPLAN_TODAY = DEMO_TODAY
    # Bootstrap scrolls smoothly to each saved entry's anchor; without the animation Playwright
    # need not wait for it, click after click down a long page.
    page.emulate_media(reduced_motion="reduce")
    page.on("dialog", lambda dialog: dialog.accept())
    reason = "律师驻点数量请附驻点名单及现场照片。"
    fixed = "坂田街道第四季度新增律师驻点2个（岗头、马安堂），驻点名单及现场照片已上传。"
    photo = tmp_path / "律师驻点现场照片.png"
    photo.write_bytes(PNG_BYTES)

    # 1. The district total before 坂田 reports.
    log_in(page, demo_server, "qyb")
    before, pending_before = lawyer_posts(page)
    log_out(page)

    # 2. 坂田's reporter opens the current quarter's report.
    log_in(page, demo_server, "bantian")
    open_nav(page, "季度填报")
    page.wait_for_url("**/reports/")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{STREET} · 2024年第四季度报表")
    expect(page.get_by_test_id("report-status")).to_have_text("未提交")
    entries = page.get_by_test_id("entry")
    numbers = [int(n) for n in (e.get_attribute("data-task-number") for e in entries.all())]
    assert TASK_NUMBER in numbers and len(numbers) > 10, numbers
    assert numbers == sorted(numbers)
    for card in entries.all():
        assert card.get_attribute("data-state") == "draft"

    # 3. Submitting an empty report lists what is missing. The page comes back with status 400,
    # which Chromium logs as a console error; so this step runs in a second tab of the same
    # session that tolerates exactly that message (and no other).
    tab = page.context.new_page()
    tab_errors: list[str] = []
    tab.on("console", lambda msg: tab_errors.append(msg.text) if msg.type == "error" else None)
    tab.on("pageerror", lambda exc: tab_errors.append(str(exc)))
    tab.on("dialog", lambda dialog: dialog.accept())
    tab.goto(page.url)
    submit_report(tab)
    missing = tab.get_by_test_id("missing")
    expect(missing).to_be_visible()
    expect(missing).to_contain_text(f"第 {TASK_NUMBER} 项“{TASK}”：请填写工作情况")
    assert missing.locator("li").count() == len(numbers)
    expect(tab.get_by_test_id("report-status")).to_have_text("未提交")
    tab.close()
    assert tab_errors == [BAD_REQUEST], tab_errors

    # 4. Every entry is filled in; task 10 also reports two lawyer posts and a photo.
    for number in numbers:
        if number == TASK_NUMBER:
            save_entry(
                page,
                number,
                "坂田街道第四季度新增律师驻点2个。",
                {INDICATOR: "2"},
            )
        else:
            save_entry(page, number, f"坂田街道第四季度围绕第{number}项工作组织开展相关活动。")
    card = entry_card(page, TASK_NUMBER)
    expect(
        card.locator("input[data-contribution]").and_(card.get_by_label(INDICATOR))
    ).to_have_value("2")
    upload = card.get_by_test_id("upload-form")
    upload.locator("input[type=file]").set_input_files(str(photo))
    upload.get_by_role("button", name="上传", exact=True).click()
    expect(page.get_by_role("alert").filter(has_text="佐证材料已上传。")).to_be_visible()
    link = entry_card(page, TASK_NUMBER).get_by_test_id("attachment-link")
    expect(link).to_have_text(photo.name)
    download = page.request.get(f"{demo_server.url}{link.get_attribute('href')}")
    assert download.status == 200
    assert download.headers["content-type"] == "image/png"
    assert download.body() == PNG_BYTES

    # 5. Submit.
    submit_report(page)
    expect(
        page.get_by_role("alert").filter(has_text="第四季度报表已提交，等待牵头部室审核。")
    ).to_be_visible()
    expect(page.get_by_test_id("missing")).to_have_count(0)
    expect(page.get_by_test_id("report-status")).to_have_text("已提交待审核")
    expect(page.get_by_test_id("entry-state")).to_have_count(len(numbers))
    assert set(page.get_by_test_id("entry-state").all_inner_texts()) == {"待审核"}
    expect(page.get_by_test_id("entry-form")).to_have_count(0)
    expect(page.get_by_test_id("submit-form")).to_have_count(0)
    log_out(page)

    # 6. 权益部 sees the two posts as waiting for review, not yet counted, and returns the entry.
    log_in(page, demo_server, "qyb")
    assert lawyer_posts(page) == (before, pending_before + 2)
    open_nav(page, "审核")
    page.wait_for_url("**/reviews/")
    review = review_card(page)
    expect(review).to_have_count(1)
    expect(review).to_contain_text("第四季度")
    expect(review.locator("li").filter(has_text=INDICATOR)).to_have_text(re.compile(r"：2$"))
    expect(review.get_by_role("link", name=photo.name)).to_be_visible()
    review.get_by_label("退回原因").fill(reason)
    review.get_by_role("button", name="退回").click()
    expect(
        page.get_by_role("alert").filter(has_text=f"已退回坂田第 {TASK_NUMBER} 项。")
    ).to_be_visible()
    expect(review_card(page)).to_have_count(0)
    log_out(page)

    # 7. 坂田 is notified, fixes the entry and submits again.
    log_in(page, demo_server, "bantian")
    unread = page.get_by_test_id("unread-count")
    expect(unread).to_be_visible()
    assert int(unread.inner_text()) >= 1
    open_nav(page, "季度填报")
    page.wait_for_url("**/reports/")
    expect(page.get_by_test_id("report-status")).to_have_text("部分退回")
    first = page.get_by_test_id("entry").first
    assert first.get_attribute("data-task-number") == str(TASK_NUMBER)
    assert first.get_attribute("data-state") == "returned"
    expect(first.get_by_test_id("return-reason")).to_contain_text(reason)
    expect(first.get_by_test_id("return-reason")).to_contain_text("权益部 工作人员")
    expect(first.get_by_test_id("entry-state")).to_have_text("已退回")
    expect(page.get_by_test_id("entry-form")).to_have_count(1)  # the others wait for review
    save_entry(page, TASK_NUMBER, fixed)
    card = entry_card(page, TASK_NUMBER)
    expect(card.get_by_label("工作情况")).to_have_value(fixed)
    expect(
        card.locator("input[data-contribution]").and_(card.get_by_label(INDICATOR))
    ).to_have_value("2")
    submit_report(page)
    expect(
        page.get_by_role("alert").filter(has_text="第四季度报表已提交，等待牵头部室审核。")
    ).to_be_visible()
    expect(page.get_by_test_id("report-status")).to_have_text("已提交待审核")
    assert entry_card(page, TASK_NUMBER).get_attribute("data-state") == "submitted"
    expect(entry_card(page, TASK_NUMBER).get_by_test_id("return-reason")).to_have_count(0)
    log_out(page)

    # 8. 权益部 approves the fixed entry; the two lawyer posts count on the task.
    log_in(page, demo_server, "qyb")
    open_nav(page, "审核")
    page.wait_for_url("**/reviews/")
    review = review_card(page)
    expect(review).to_have_count(1)
    expect(review).to_contain_text(fixed)
    review.get_by_role("button", name="通过").click()
    expect(
        page.get_by_role("alert").filter(has_text=f"已通过坂田第 {TASK_NUMBER} 项。")
    ).to_be_visible()
    expect(review_card(page)).to_have_count(0)
    after, pending_after = lawyer_posts(page)
    assert after - before == 2, (before, after)
    assert pending_after == pending_before


def test_reporter_cannot_open_another_units_report_or_attachment(page, demo_server, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from departments.models import User
    from reports.models import ReportingPeriod
    from reports.services import EntryInput, attachment_add, entry_save, report_open

    settings.UNIONPLAN_TODAY = DEMO_TODAY
    bantian = User.objects.get(username="bantian")
    period = ReportingPeriod.objects.get(plan__year=2024, kind="quarter", number=4)
    report = report_open(unit=bantian.unit, period=period, user=bantian)
    entry = report.entries.select_related("task").get(task__number=TASK_NUMBER)
    entry = entry_save(
        entry=entry,
        user=bantian,
        expected_version=entry.version,
        data=EntryInput(narrative="坂田街道第四季度新增律师驻点2个。"),
    )
    attachment = attachment_add(
        entry=entry,
        user=bantian,
        upload=SimpleUploadedFile("现场照片.png", PNG_BYTES, content_type="image/png"),
    )

    log_in(page, demo_server, "pinghu")
    base = demo_server.url
    for path in (
        f"/reports/{report.pk}/",
        f"/reports/attachments/{attachment.pk}/",
        f"/api/v1/attachments/{attachment.pk}/download/",
        f"/api/v1/attachments/{attachment.pk}/",
        f"/api/v1/reports/{report.pk}/",
    ):
        response = page.request.get(f"{base}{path}", max_redirects=0)
        assert response.status == 404, (path, response.status)
        assert PNG_BYTES not in response.body(), path
        assert "现场照片" not in response.text(), path

    # 坂田's own reporter opens both (the 404s are about the unit, not broken links).
    log_out(page)
    log_in(page, demo_server, "bantian")
    assert page.request.get(f"{base}/reports/{report.pk}/").status == 200
    own = page.request.get(f"{base}/reports/attachments/{attachment.pk}/")
    assert own.status == 200 and own.body() == PNG_BYTES
    open_nav(page, "季度填报")
    page.wait_for_url("**/reports/")
    expect(page.get_by_role("heading", level=1)).to_contain_text(STREET)
