"""Journey: the 督办 loop of a 批示 in Chromium. The leader writes one on task 10 (lead 权益部)
with a 办理时限; days pass and it shows overdue in red on the task page, the 领导批示 list and the
dashboard; 权益部 (qyb) answers from its notification; the leader is notified, follows up (追问);
qyb answers again; the leader closes it (办结). Each side learns of each step by the bell.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tasks.models import Instruction, KeyTask
from tests.browser.conftest import ARTIFACTS
from unionplan.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

WRITTEN = dt.date(2024, 10, 20)
DEADLINE = "2024-10-25"
LATER = dt.date(2024, 10, 28)  # three days past the 办理时限
TEXT = "请权益部10月25日前报送律师驻点全覆盖方案。"


def rgb(css: str) -> tuple[int, int, int]:
    r, g, b = (int(x) for x in re.findall(r"\d+", css)[:3])
    return r, g, b


def is_red(css: str) -> bool:
    r, g, b = rgb(css)
    return r >= 150 and g <= 90 and b <= 90


def log_in(page, server, username: str) -> None:  # noqa: ANN001
    page.goto(f"{server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_label("密码").press("Enter")
    page.wait_for_load_state()


def unread(page) -> int:  # noqa: ANN001
    badge = page.get_by_test_id("unread-count")
    return int(badge.inner_text()) if badge.count() else 0


def open_notification(page, server, title: str) -> None:  # noqa: ANN001
    """Open the newest notification titled ``title``: it marks it read and leads to the thread."""
    page.goto(f"{server.url}/notifications/")
    item = page.get_by_test_id("notifications").locator("form").filter(has_text=title).first
    expect(item).to_contain_text("未读")
    item.get_by_role("button").click()
    page.wait_for_url(re.compile(r"/tasks/\d+/#instruction-\d+$"))


def thread(page):  # noqa: ANN001
    return page.get_by_test_id("instruction").filter(has_text=TEXT)


def shoot(page, name: str) -> None:  # noqa: ANN001
    ARTIFACTS.mkdir(exist_ok=True)
    for width, height in ((1440, 900), (375, 812)):
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(
            path=str(ARTIFACTS / f"instruction_loop_{name}_{width}.png"), full_page=True
        )
    page.set_viewport_size({"width": 1440, "height": 900})


def test_instruction_is_written_goes_overdue_and_is_answered_followed_up_and_closed(
    page, browser, demo_server, settings
):
    settings.UNIONPLAN_TODAY = WRITTEN
    task = KeyTask.objects.get(plan__year=2024, number=10)
    task_url = f"{demo_server.url}/tasks/{task.pk}/"

    # The leader writes the 批示 with a 办理时限.
    log_in(page, demo_server, "leader")
    page.goto(task_url)
    form = page.get_by_test_id("instruction-form")
    form.get_by_label("新批示").fill(TEXT)
    form.get_by_label("办理时限（可选）").fill(DEADLINE)
    form.get_by_role("button", name="发出批示").click()
    page.wait_for_url("**#instructions")
    expect(thread(page).get_by_test_id("instruction-deadline")).to_have_text("办理时限 2024-10-25")
    expect(thread(page).get_by_test_id("instruction-overdue")).to_have_count(0)
    instruction = Instruction.objects.get(text=TEXT)

    # Days pass: the 批示 is overdue, in red, on the task page, the list and the dashboard.
    settings.UNIONPLAN_TODAY = LATER
    page.goto(task_url)
    overdue = thread(page).get_by_test_id("instruction-overdue")
    expect(overdue).to_have_text(re.compile("已逾期 3 天"))
    assert is_red(overdue.evaluate("el => getComputedStyle(el).backgroundColor"))
    shoot(page, "task_overdue")
    page.goto(f"{demo_server.url}/instructions/")
    row = page.get_by_test_id("instruction-row").filter(has_text=TEXT)
    expect(row.get_by_test_id("instruction-overdue")).to_have_text(re.compile("已逾期 3 天"))
    assert is_red(
        row.get_by_test_id("instruction-overdue").evaluate(
            "el => getComputedStyle(el).backgroundColor"
        )
    )
    page.get_by_label("仅看逾期").check()
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url("**overdue=1**")
    expect(page.get_by_test_id("instruction-row").filter(has_text=TEXT)).to_have_count(1)
    shoot(page, "list_overdue")
    page.goto(f"{demo_server.url}/dashboard/")
    count = page.get_by_test_id("overdue-instruction-count")
    expect(count).to_contain_text("已逾期 1 件")
    assert is_red(count.evaluate("el => getComputedStyle(el).backgroundColor"))

    # 权益部 was notified; it answers from the notification.
    staff_context = browser.new_context(
        locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1440, "height": 900}
    )
    staff = staff_context.new_page()
    staff.set_default_timeout(15_000)
    errors: list[str] = []
    staff.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    staff.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(staff, demo_server, "qyb")
    assert unread(staff) >= 1
    open_notification(staff, demo_server, "领导批示：第 10 项")
    assert staff.url.endswith(f"#instruction-{instruction.pk}")
    thread(staff).get_by_label("答复办理情况").fill("已拟定覆盖方案，10月30日前报送。")
    thread(staff).get_by_role("button", name="提交答复").click()
    expect(staff.get_by_role("alert").filter(has_text="答复已保存")).to_be_visible()
    expect(thread(staff).get_by_test_id("instruction-state")).to_have_text("已答复")
    expect(thread(staff).get_by_test_id("instruction-overdue")).to_have_count(0)

    # The leader is notified and follows up (追问) in the same thread.
    page.goto(f"{demo_server.url}/dashboard/")
    assert unread(page) >= 1
    open_notification(page, demo_server, "批示已答复：第 10 项")
    expect(thread(page)).to_contain_text("已拟定覆盖方案")
    thread(page).get_by_test_id("follow-up").locator("summary").click()
    thread(page).get_by_label("追问内容").fill("方案请细化到每个街道。")
    thread(page).get_by_label("新的办理时限（可选）").fill("2024-11-05")
    thread(page).get_by_role("button", name="发送追问").click()
    expect(page.get_by_role("alert").filter(has_text="追问已发送")).to_be_visible()
    expect(thread(page).get_by_test_id("instruction-state")).to_have_text("待办理")
    expect(thread(page).get_by_test_id("instruction-deadline")).to_have_text("办理时限 2024-11-05")

    # 权益部 answers the follow-up.
    open_notification(staff, demo_server, "领导追问：第 10 项")
    thread(staff).get_by_label("答复办理情况").fill("已细化到11个街道，见附表。")
    thread(staff).get_by_role("button", name="提交答复").click()
    expect(staff.get_by_role("alert").filter(has_text="答复已保存")).to_be_visible()

    # The leader closes it (办结); nothing more can be added.
    open_notification(page, demo_server, "批示已答复：第 10 项")
    thread(page).get_by_test_id("close").locator("summary").click()
    thread(page).get_by_label("办结意见（可选）").fill("同意，办结。")
    thread(page).get_by_role("button", name="确认办结").click()
    expect(page.get_by_role("alert").filter(has_text="批示已办结")).to_be_visible()
    closed = thread(page)
    expect(closed.get_by_test_id("instruction-state")).to_have_text("已办结")
    kinds = [
        m.get_attribute("data-kind") for m in closed.get_by_test_id("instruction-message").all()
    ]
    assert kinds == ["answer", "follow_up", "answer", "close"]
    expect(closed.get_by_test_id("follow-up-form")).to_have_count(0)
    shoot(page, "task_closed")

    open_notification(staff, demo_server, "批示已办结：第 10 项")
    expect(thread(staff).get_by_test_id("answer-form")).to_have_count(0)
    # Every step is in the task's history.
    timeline = staff.get_by_test_id("timeline-entry").all_inner_texts()
    for verb in ("批示", "答复", "追问", "办结"):
        assert any(verb in entry for entry in timeline), verb
    staff_context.close()
    assert errors == [], f"browser console errors: {errors}"
