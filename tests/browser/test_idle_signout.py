"""Journey: an idle session is warned a moment before it ends, 继续使用 keeps it, and when the
time is up the page lands on the sign-in page saying why. The limit is shortened to seconds."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from tests.browser.test_progress_journey import log_in

pytestmark = pytest.mark.browser


def test_idle_warning_continue_then_sign_out(page, demo_server, settings):
    settings.UNIONPLAN_TODAY = dt.date(2024, 10, 20)
    settings.UNIONPLAN_IDLE_SECONDS = 8
    settings.UNIONPLAN_IDLE_WARNING_SECONDS = 4
    log_in(page, demo_server, "qyb")
    page.wait_for_url("**/todo/")
    warning = page.get_by_test_id("idle-warning")
    expect(warning).to_be_visible(timeout=8_000)  # after 4 s without a request
    expect(warning).to_contain_text("您已 4 秒未操作，4 秒后将自动退出。")
    page.get_by_role("button", name="继续使用").click()
    expect(warning).to_be_hidden()
    # Past the first deadline (8 s + 1 s after sign-in): still signed in, the keep-alive counted.
    page.wait_for_timeout(6_000)
    assert page.url.endswith("/todo/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("待办")
    # Left alone: the warning comes back, then the page lands on the sign-in page with the reason.
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=%2Ftodo%2F$"), timeout=15_000)
    expect(page.get_by_role("alert")).to_contain_text("长时间未操作，已自动退出，请重新登录。")
    expect(page.get_by_label("密码")).to_be_visible()


def test_typing_in_the_report_workspace_keeps_the_session(page, demo_server, settings):
    """Autosave requests reach the server, so someone writing a report is never signed out."""
    from tests.browser.test_report_journey import narrative

    settings.UNIONPLAN_TODAY = dt.date(2024, 10, 20)
    settings.UNIONPLAN_IDLE_SECONDS = 8
    settings.UNIONPLAN_IDLE_WARNING_SECONDS = 4
    log_in(page, demo_server, "bantian")
    page.wait_for_url("**/reports/**")
    box = narrative(page, 1)
    for second in range(6):  # 15 s of writing, well past the 8 s limit
        box.press_sequentially(f"第{second}段。")
        page.wait_for_timeout(2_500)
        expect(page.get_by_test_id("idle-warning")).to_be_hidden()
    page.reload()
    assert "/reports/" in page.url
    expect(narrative(page, 1)).to_have_value(re.compile("第5段。$"))
