"""Journey: every role lands on its own work after logging in, on a wide screen and on a phone.

admin and 权益部 (qyb) land on 待办, the leader on 驾驶舱, 坂田's reporter on the report that is
due. "Today" is the demo's date (2024-10-20). Screenshots are kept in test-artifacts/.
"""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS
from tests.browser.test_progress_journey import log_in

pytestmark = pytest.mark.browser

DEMO_TODAY = dt.date(2024, 10, 20)
HOMES = {
    "admin": ("/todo/", "待办"),
    "leader": ("/dashboard/", "2024 年重点工作驾驶舱"),
    "qyb": ("/todo/", "待办"),
    "bantian": ("/reports/", "第三季度"),
}


@pytest.mark.parametrize("width", [1440, 375])
@pytest.mark.parametrize("username", list(HOMES))
def test_each_role_lands_on_its_home(page, demo_server, settings, username, width):
    settings.UNIONPLAN_TODAY = DEMO_TODAY
    page.set_viewport_size({"width": width, "height": 900 if width > 500 else 812})
    log_in(page, demo_server, username)
    path, heading = HOMES[username]
    page.wait_for_url(f"**{path}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(heading)
    if path == "/todo/":
        for section in ("reviews", "instructions", "stale", "returned"):
            expect(page.get_by_test_id(f"todo-{section}")).to_be_visible()
        expect(page.get_by_test_id("todo-health")).to_have_count(1 if username == "admin" else 0)
        if width > 500:  # on a phone the navigation is folded away
            badge = page.get_by_test_id("nav-badge-reviews")
            expect(badge).to_be_visible()
            assert int(badge.inner_text()) > 0
    sideways = page.evaluate("document.documentElement.scrollWidth > window.innerWidth")
    assert not sideways, f"{username} at {width}px scrolls sideways"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"home-{username}-{width}.png"), full_page=True)
