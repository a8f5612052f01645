"""Printing from Chromium (its PDF, as 打印 → 另存为 PDF gives it) on A4 landscape: the task list
prints every task of its filter, the dashboard is a leader's brief of at most two pages, and a
task page leaves its audit trail out unless 打印时包含操作记录 is ticked."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from pypdf import PdfReader

from tasks.models import KeyTask
from tasks.selectors import task_states
from tests.browser.conftest import ARTIFACTS
from unionplan.demo import DEMO_PASSWORD

pytestmark = pytest.mark.browser

# A4 landscape at 96 CSS px an inch, less the 12 mm margins of @page: the width a print lays out.
PAPER_WIDTH = 1030


@pytest.fixture(autouse=True)
def pinned(settings):
    settings.UNIONPLAN_TODAY = dt.date(2024, 10, 20)


def log_in(page, server, username: str) -> None:  # noqa: ANN001
    page.goto(f"{server.url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_label("密码").press("Enter")
    page.wait_for_load_state("networkidle")


@dataclass
class Printed:
    pdf: PdfReader
    path: Path

    @property
    def pages(self) -> list:
        return list(self.pdf.pages)


def printed(page, name: str) -> Printed:  # noqa: ANN001
    """The page as Chromium prints it on A4 landscape (kept in test-artifacts for people)."""
    page.set_viewport_size({"width": PAPER_WIDTH, "height": 900})
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    data = page.pdf(format="A4", landscape=True, print_background=True)
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"print-{name}.pdf"
    path.write_bytes(data)
    return Printed(PdfReader(io.BytesIO(data)), path)


def text_of(pdf: Printed) -> str:
    """The PDF's text by poppler's pdftotext (pypdf reads 龙 as the radical ⻰ of Noto CJK's
    shared glyph), without whitespace: table cells wrap titles across lines."""
    out = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(pdf.path), "-"], capture_output=True, check=True
    )
    return re.sub(r"\s+", "", out.stdout.decode())


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


# The print view opens the browser's print dialog by itself; the test notes that it asked and
# prints with page.pdf() instead (Chromium refuses page.pdf() while its own print is running).
NOTE_PRINT = "window.print = () => { window.__printAsked = true; };"


def wait_for_print_asked(page) -> None:  # noqa: ANN001
    """Polled from here: wait_for_function's string would need eval, which the policy forbids."""
    for _ in range(100):
        if page.evaluate("() => window.__printAsked === true"):
            return
        page.wait_for_timeout(100)
    raise AssertionError("the print view did not open the print dialog by itself")


def test_task_list_prints_every_task_of_the_filter_not_the_page_on_screen(page, demo_server):
    page.add_init_script(NOTE_PRINT)
    log_in(page, demo_server, "leader")
    page.goto(f"{demo_server.url}/tasks/")
    assert page.locator("tr[data-task-number]").count() == 15  # one page on screen
    page.get_by_test_id("print-all").click()
    page.wait_for_url("**print=1**")
    wait_for_print_asked(page)
    pdf = printed(page, "task-list")
    text = text_of(pdf)
    titles = list(KeyTask.objects.order_by("number").values_list("title", flat=True))
    assert len(titles) == 30
    assert [t for t in titles if squeeze(t) not in text] == []
    assert "共30项" in text and len(pdf.pages) <= 4

    # With a filter (严重滞后): its tasks only, every one of them.
    today = dt.date(2024, 10, 20)
    red = {s.task.title for s in task_states(KeyTask.objects.all(), today) if s.colour == "red"}
    assert 0 < len(red) < 30
    page.emulate_media(media="screen")
    page.goto(f"{demo_server.url}/tasks/?colour=red")
    page.get_by_test_id("print-all").click()
    page.wait_for_url("**print=1**")
    wait_for_print_asked(page)
    text = text_of(printed(page, "task-list-red"))
    assert [t for t in red if squeeze(t) not in text] == []
    assert [t for t in titles if t not in red and squeeze(t) in text] == []
    assert "筛选：严重滞后" in text


def test_dashboard_prints_as_a_brief_of_at_most_two_landscape_pages(page, demo_server):
    log_in(page, demo_server, "leader")
    page.goto(f"{demo_server.url}/dashboard/")
    page.wait_for_function("document.querySelectorAll('[data-chart] canvas').length >= 5")
    pdf = printed(page, "dashboard")
    assert 1 <= len(pdf.pages) <= 2
    box = pdf.pdf.pages[0].mediabox
    assert box.width > box.height  # landscape
    text = text_of(pdf)
    for heading in ("红黄绿灯", "滞后工作", "各板块完成情况", "各牵头部室完成情况", "考核排名"):
        assert heading in text
    assert "严重滞后" in text and "最近动态" not in text  # the brief leaves the feed out


def test_task_page_prints_without_its_audit_trail_unless_asked(page, demo_server):
    task = KeyTask.objects.get(number=10)
    log_in(page, demo_server, "leader")
    page.goto(f"{demo_server.url}/tasks/{task.pk}/")
    plain = printed(page, "task")
    text = text_of(plain)
    assert squeeze(task.title) in text and "全程留痕" not in text
    assert len(plain.pages) <= 3

    page.emulate_media(media="screen")
    page.set_viewport_size({"width": 1400, "height": 900})
    page.get_by_label("打印时包含操作记录").check()
    with_trail = printed(page, "task-with-trail")
    assert "全程留痕（操作记录）" in text_of(with_trail)
    assert len(with_trail.pages) > len(plain.pages)
    # The choice counts for one print only.
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert not page.get_by_label("打印时包含操作记录").is_checked()
