"""Journeys of a street federation's reporter: the overdue report opens from the red banner,
entries save themselves as they are typed, evidence uploads several files at once, and 提交报表
saves, checks and asks once; a returned entry is fixed and sent back.

"Today" is pinned to the demo's date (2024-10-20): 坂田's 第三季度 (due 2024-10-10) is then
overdue and not submitted; 第四季度 (due 2025-01-10) is open.
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
    # Each role's home: reporters 季度填报, department staff 待办.
    page.wait_for_url(re.compile(r"/(reports|todo|dashboard)/(\?.*)?$"))


def log_out(page) -> None:  # noqa: ANN001
    page.get_by_test_id("user-menu").click()  # 退出登录 is in the user menu
    page.get_by_role("button", name="退出登录").click()
    page.wait_for_url("**/accounts/login/**")


def open_nav(page, label: str) -> None:  # noqa: ANN001
    # A badge adds "，N 条待处理" to the link's name (审核, 领导批示).
    page.get_by_role("navigation", name="主导航").get_by_role(
        "link", name=re.compile(rf"^{re.escape(label)}(\s*，\d+ 条待处理)?$")
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


class Actions:
    """Counts what a person does: each click, each typing into a field, each file choice."""

    def __init__(self, page) -> None:  # noqa: ANN001
        self.page = page
        self.count = 0

    def fill(self, locator, text: str) -> None:  # noqa: ANN001
        locator.click()  # the click and the typing are one action: tap the field, type
        locator.fill(text)
        self.count += 1

    def click(self, locator) -> None:  # noqa: ANN001
        locator.click()
        self.count += 1

    def choose_files(self, locator, files: list) -> None:  # noqa: ANN001
        locator.set_input_files(files)
        self.count += 1


def narrative(page, number: int):  # noqa: ANN001, ANN201
    return entry_card(page, number).get_by_test_id("entry-form").locator("textarea")


def submit_button(page):  # noqa: ANN001, ANN201
    return page.get_by_test_id("submit-form").get_by_role("button", name="提交报表")


@pytest.mark.parametrize("width", [1440, 375])
def test_reporter_fills_a_29_entry_report_without_losing_a_word(
    page, demo_server, settings, tmp_path, width
):
    """Three entries typed without pressing anything, two photos chosen at once, one entry
    本期不涉及, the rest started from last quarter's text, then 提交报表: everything typed is saved
    and shown, in at most 40 actions and one page load."""
    settings.UNIONPLAN_TODAY = DEMO_TODAY
    page.set_viewport_size({"width": width, "height": 900 if width > 500 else 812})
    page.emulate_media(reduced_motion="reduce")
    prompts: list[str] = []

    def on_dialog(dialog) -> None:  # noqa: ANN001
        prompts.append(dialog.type)
        if dialog.type == "beforeunload":
            dialog.dismiss()  # "stay on this page"
        else:
            dialog.accept()

    page.on("dialog", on_dialog)
    photos = []
    for name in ("律师驻点一.png", "律师驻点二.png"):
        photo = tmp_path / name
        photo.write_bytes(PNG_BYTES)
        photos.append(str(photo))

    # 1. The red banner on the landing page says 第三季度 is overdue and leads to it.
    log_in(page, demo_server, "bantian")
    banner = page.get_by_test_id("due-banner")
    expect(banner).to_contain_text("2024年第三季度报表已逾期 10 天未报")
    loads: list[str] = []
    page.on("load", lambda: loads.append(page.url))
    actions = Actions(page)
    actions.click(banner.get_by_role("link", name="去填报"))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{STREET} · 2024年第三季度报表")
    entries = page.get_by_test_id("entry")
    expect(entries).to_have_count(29)
    expect(page.get_by_test_id("submit-form")).to_be_visible()  # the whole page is in
    numbers = [int(n) for n in (e.get_attribute("data-task-number") for e in entries.all())]
    assert TASK_NUMBER in numbers
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "sideways scrolling"

    # 2. Type into three entries, pressing nothing (task 10 with its figure too).
    typed = {
        numbers[0]: "坂田街道第三季度组织职工理论学习 6 场。",
        numbers[1]: "坂田街道第三季度开展劳模工匠进企业宣讲 2 场。",
        TASK_NUMBER: "坂田街道第三季度新增律师驻点 2 个（岗头、马安堂）。",
    }
    for number, text in typed.items():
        actions.fill(narrative(page, number), text)
    card = entry_card(page, TASK_NUMBER)
    actions.fill(card.locator("input[data-contribution]").and_(card.get_by_label(INDICATOR)), "2")

    # 3. Leaving the page now asks first; staying keeps the text.
    if width >= 992:  # on a phone the menu is collapsed; the prompt is the same page code
        nav = page.get_by_role("navigation", name="主导航")
        nav.get_by_role("link", name="重点工作", exact=True).click(no_wait_after=True)
        page.wait_for_timeout(500)
        assert "beforeunload" in prompts, prompts
        assert "/reports/" in page.url
    expect(narrative(page, TASK_NUMBER)).to_have_value(typed[TASK_NUMBER])

    # 4. Two photos chosen at once into a fourth entry upload, each with a progress bar.
    fourth = numbers[3]
    actions.choose_files(entry_card(page, fourth).get_by_test_id("upload-input"), photos)
    expect(entry_card(page, fourth).get_by_test_id("attachment-link")).to_have_count(2)
    expect(entry_card(page, fourth).locator(".attachment-thumb img")).to_have_count(2)

    # 5. One entry does not concern 坂田 this quarter.
    na = numbers[4]
    actions.click(entry_card(page, na).get_by_test_id("not-applicable"))
    actions.fill(
        entry_card(page, na).get_by_test_id("not-applicable-reason"), "本季度辖区内无此项工作。"
    )

    # 6. The rest start from last quarter's text.
    actions.click(page.get_by_test_id("copy-all-previous"))
    expect(page.get_by_test_id("copy-all-previous")).to_contain_text("个空白条目填入上期内容")

    # 7. 提交报表 saves everything first, checks, then asks once.
    actions.click(submit_button(page))
    dialog = page.locator("#submit-confirm")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("共 29 个条目")
    assert len(loads) == 1, loads  # everything so far happened on one page load
    loads_before_submit = len(loads)
    actions.click(dialog.get_by_role("button", name="确定提交"))
    expect(
        page.get_by_role("alert").filter(
            has_text="第三季度报表已提交（逾期提交），等待牵头部室审核。"
        )
    ).to_be_visible()
    assert actions.count <= 40, actions.count
    expect(page.get_by_test_id("report-status")).to_have_text("已提交待审核")
    assert set(page.get_by_test_id("entry-state").all_inner_texts()) == {"待审核"}
    for number, text in typed.items():
        expect(entry_card(page, number).get_by_test_id("entry-narrative")).to_have_text(text)
    expect(entry_card(page, na).get_by_test_id("entry-na")).to_have_text(
        "本期不涉及：本季度辖区内无此项工作。"
    )
    expect(entry_card(page, fourth).get_by_test_id("attachment-link")).to_have_count(2)
    figure = entry_card(page, TASK_NUMBER).locator("li").filter(has_text=INDICATOR)
    expect(figure.get_by_test_id("contribution-value")).to_have_text("2")
    expect(page.get_by_test_id("due-banner")).to_have_count(0)
    assert page.evaluate("document.documentElement.scrollWidth") <= width, "sideways scrolling"
    print(f"{width}px: {actions.count} actions, {loads_before_submit} page load before submitting")


def test_submit_with_gaps_lists_links_that_jump_to_the_entries(page, demo_server, settings):
    settings.UNIONPLAN_TODAY = DEMO_TODAY
    log_in(page, demo_server, "bantian")
    page.goto(f"{demo_server.url}/reports/")
    first = int(page.get_by_test_id("entry").first.get_attribute("data-task-number"))
    narrative(page, first).fill("只填了第一项。")
    submit_button(page).click()
    missing = page.get_by_test_id("missing-live")
    expect(missing).to_be_visible()
    expect(missing).to_contain_text("请先补全以下 28 项")
    expect(page.locator("#submit-confirm")).to_be_hidden()
    missing.get_by_role("link").filter(has_text=f"第 {TASK_NUMBER} 项").click()
    expect(narrative(page, TASK_NUMBER)).to_be_focused()
    page.reload()
    expect(narrative(page, first)).to_have_value("只填了第一项。")  # saved before the check


def test_returned_entry_comes_first_and_is_fixed_and_resubmitted(page, demo_server, settings):
    """A returned entry is on top with its reason; the fixed text saves itself and goes back."""
    from departments.models import User
    from reports.models import ReportEntry
    from reports.services import entry_review

    settings.UNIONPLAN_TODAY = DEMO_TODAY
    log_in(page, demo_server, "bantian")
    page.goto(f"{demo_server.url}/reports/")
    page.get_by_test_id("copy-all-previous").click()
    submit_button(page).click()
    page.locator("#submit-confirm").get_by_role("button", name="确定提交").click()
    expect(page.get_by_test_id("report-status")).to_have_text("已提交待审核")
    q3 = ReportEntry.objects.get(
        report__unit__name=STREET, report__period__number=3, task__number=TASK_NUMBER
    )
    reason = "请补充驻点名单。"
    entry_review(
        entry=q3,
        user=User.objects.get(username="qyb"),
        approve=False,
        reason=reason,
        expected_version=q3.version,
    )
    page.goto(f"{demo_server.url}/plans/2024/")
    expect(page.get_by_test_id("due-banner")).to_contain_text("有 1 个条目被退回")
    page.get_by_test_id("due-banner").get_by_role("link").click()
    first = page.get_by_test_id("entry").first
    assert first.get_attribute("data-task-number") == str(TASK_NUMBER)
    expect(first.get_by_test_id("return-reason")).to_contain_text(reason)
    fixed = "坂田街道第三季度新增律师驻点 2 个，名单已上传。"
    narrative(page, TASK_NUMBER).fill(fixed)
    submit_button(page).click()
    dialog = page.locator("#submit-confirm")
    expect(dialog).to_contain_text("共 1 个条目")
    dialog.get_by_role("button", name="确定提交").click()
    expect(page.get_by_test_id("report-status")).to_have_text("已提交待审核")
    expect(entry_card(page, TASK_NUMBER).get_by_test_id("entry-narrative")).to_have_text(fixed)


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
