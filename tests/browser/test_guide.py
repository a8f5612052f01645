"""使用说明: its screenshots are taken here from the real pages, and every role finds its part.

The pictures are written to ``static/guide/``, so the guide always shows the pages as they are.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.test_progress_journey import log_in
from unionplan.guide import SHOTS

pytestmark = pytest.mark.browser

GUIDE_DIR = Path(__file__).resolve().parents[2] / "static" / "guide"
ROLE_SECTIONS = {"leader": "leader", "qyb": "staff", "bantian": "reporter", "admin": "admin"}


def test_guide_pictures_come_from_the_real_pages_and_each_role_finds_its_part(browser, demo_server):  # noqa: ANN001
    GUIDE_DIR.mkdir(exist_ok=True)
    for username, section in ROLE_SECTIONS.items():
        context = browser.new_context(
            locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1440, "height": 900}
        )
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        log_in(page, demo_server, username)
        page.wait_for_load_state()
        for shot in (s for s in SHOTS if s.username == username):
            response = page.goto(f"{demo_server.url}{shot.path}")
            assert response is not None and response.status == 200, shot.path
            page.wait_for_load_state("networkidle")
            page.screenshot(path=str(GUIDE_DIR / f"{shot.name}.jpg"), type="jpeg", quality=70)

        page.goto(f"{demo_server.url}/help/")
        mine = page.get_by_role("navigation", name="按角色查看").locator("a.active")
        expect(mine).to_have_attribute("href", f"#guide-{section}")
        expect(mine).to_contain_text("我的角色")
        assert errors == []
        context.close()

    # Every picture the guide shows exists and loads.
    assert {p.stem for p in GUIDE_DIR.glob("*.jpg")} >= {shot.name for shot in SHOTS}
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    log_in(page, demo_server, "admin")
    page.goto(f"{demo_server.url}/help/")
    images = page.get_by_test_id("guide-shot").locator("img")
    expect(images).to_have_count(len(SHOTS))
    for image in images.all():
        image.scroll_into_view_if_needed()
        expect(image).to_have_js_property("complete", True)
        assert image.evaluate("img => img.naturalWidth") > 0, image.get_attribute("src")
    context.close()


def test_the_guide_is_in_the_user_menu(page, demo_server):  # noqa: ANN001
    log_in(page, demo_server, "qyb")
    page.get_by_test_id("user-menu").click()
    page.get_by_role("link", name="使用说明").click()
    page.wait_for_url("**/help/")
    expect(page.get_by_role("heading", level=1)).to_have_text("使用说明")
