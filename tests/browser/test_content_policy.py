"""The Content-Security-Policy holds on every page: no page of the crawl breaks a rule.

Each role (administrator, leader, department staff, street reporter) signs in, walks every page
its navigation reaches (one page per URL shape, so 29 task pages count once) and every GET page of
the permission matrix it may open, and does what runs scripts: the user menu, a modal, the
dashboard's charts, an htmx request, the progress form and the report's autosave. A violation
(the browser's ``securitypolicyviolation`` event or its "Refused to …" console error) or any
other console error fails the test, naming the page.
"""

from __future__ import annotations

import re
from urllib.parse import urljoin, urlparse

import pytest
from django.core.exceptions import ValidationError
from playwright.sync_api import expect

from tasks.models import WorkPlan
from tests.browser.test_report_journey import DEMO_TODAY, log_in
from tests.conftest import World
from tests.test_policies import MATRIX

pytestmark = pytest.mark.browser

# Crawl role → the demo user and the permission matrix's column for it.
ROLES = {
    "admin": ("admin", "admin"),
    "leader": ("leader", "leader"),
    "staff": ("qyb", "staff_lead"),
    "reporter": ("bantian", "reporter"),
}
# Not pages: signing out, files, the API and Django's admin beyond the pages visited on purpose.
SKIP = re.compile(
    r"logout|/api/v1/|/api/schema|/admin/|\.(xlsx|docx|pdf|zip|png|jpe?g)$|/download|/file"
    r"|/template|print=1"
)
ADMIN_PAGES = ["/admin/", "/admin/tasks/keytask/", "/admin/tasks/keytask/{task}/change/"]
# The API documentation and DRF's browsable API (a list and a form with its filters).
DOCS_PAGES = ["/api/docs/", "/api/redoc/", "/api/v1/plans/", "/api/v1/tasks/{task}/progress/"]

WATCH = """
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolation(
    `${e.violatedDirective} blocked ${e.blockedURI || "inline"} at ${e.sourceFile}:${e.lineNumber}`
  );
});
"""


def shape(url: str) -> str:
    """One crawl entry per page kind: numbers and query values do not make a new page."""
    parts = urlparse(url)
    keys = sorted({pair.split("=")[0] for pair in parts.query.split("&") if pair})
    return re.sub(r"\d+", "N", parts.path) + "?" + "&".join(keys)


class Crawl:
    def __init__(self, browser, server, role: str) -> None:  # noqa: ANN001
        self.server = server
        self.context = browser.new_context(
            locale="zh-CN", timezone_id="Asia/Shanghai", viewport={"width": 1400, "height": 900}
        )
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.problems: list[str] = []
        self.visited: list[str] = []
        self.page.expose_function(
            "__cspViolation", lambda text: self.problems.append(f"{self.where()}: CSP {text}")
        )
        self.page.add_init_script(WATCH)
        self.page.on(
            "console",
            lambda msg: (
                self.problems.append(f"{self.where()}: console {msg.text}")
                if msg.type == "error"
                else None
            ),
        )
        self.page.on("pageerror", lambda exc: self.problems.append(f"{self.where()}: {exc}"))
        self.page.on("dialog", lambda dialog: dialog.dismiss())

    def where(self) -> str:
        return urlparse(self.page.url).path

    def is_html_page(self, path: str) -> bool:
        response = self.page.request.get(self.server.url + path, max_redirects=0)
        disposition = response.headers.get("content-disposition", "")
        return (
            response.status == 200
            and response.headers.get("content-type", "").startswith("text/html")
            and "attachment" not in disposition
            and b"<html" in response.body()[:300].lower()  # not an htmx fragment (a job's row)
        )

    def visit(self, path: str) -> None:
        self.page.goto(self.server.url + path)
        self.page.wait_for_load_state("networkidle")
        self.visited.append(path)

    def links(self) -> list[str]:
        hrefs = self.page.eval_on_selector_all("a[href]", "nodes => nodes.map(n => n.href)")
        here = urlparse(self.server.url).netloc
        found = []
        for href in hrefs:
            url = urljoin(self.page.url, href).split("#")[0]
            parts = urlparse(url)
            if parts.netloc == here and not SKIP.search(url):
                found.append(parts.path + (f"?{parts.query}" if parts.query else ""))
        return found

    def crawl(self, extra: list[str]) -> None:
        seen: set[str] = set()
        queue = ["/", *extra]
        while queue:
            path = queue.pop(0)
            if shape(path) in seen:
                continue
            seen.add(shape(path))
            if not self.is_html_page(path) and path != "/":
                continue
            self.visit(path)
            queue.extend(self.links())


def matrix_pages(world: World, column: str) -> list[str]:
    """The GET routes of the permission matrix that answer this role with a page."""
    paths = []
    for name, row in sorted(MATRIX.items()):
        if row.method != "get" or row.json or row.expected.get(column) != 200:
            continue
        # API rows answer anonymous callers 401; the admin and documentation come in interact().
        api = row.expected.get("anonymous") == 401 or name.startswith(("api-", "admin:"))
        if api or "download" in name:
            continue
        try:
            path = row.path(world)
        except ValidationError:
            continue  # its set-up clashes with an earlier row's (a report already submitted)
        if not SKIP.search(path):
            paths.append(path)
    return paths


def interact(crawl: Crawl, role: str) -> None:
    """What runs scripts beyond loading a page, for this role."""
    page = crawl.page
    crawl.visit("/help/")
    page.get_by_test_id("user-menu").click()
    expect(page.get_by_role("button", name="退出登录")).to_be_visible()
    if role in ("admin", "leader"):
        crawl.visit("/dashboard/")
        chart = page.locator("[data-chart=sections] canvas").first
        expect(chart).to_be_visible()
        box = chart.bounding_box()
        assert box is not None
        page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_timeout(300)  # ECharts' tooltip is HTML with inline styles
    if role == "admin":
        crawl.visit("/plans/manage/")
        page.locator("[data-bs-toggle=modal]").first.click()
        expect(page.locator(".modal.show")).to_be_visible()
        task = WorkPlan.objects.get(year=2024).tasks.get(number=10).pk
        for path in ADMIN_PAGES + DOCS_PAGES:
            crawl.visit(path.format(task=task))
            if path in ("/api/docs/", "/api/redoc/"):  # drawn by their scripts
                expect(page.get_by_text("unionplan API").first).to_be_visible()
    if role == "staff":
        crawl.visit("/reviews/")
        box = page.locator('input[type=checkbox][name=entries][form="batch-form"]').first
        if box.count():
            box.check()
            page.locator("#batch-open").click()
            expect(page.locator(".modal.show")).to_be_visible()
        # The task page's progress form swaps itself by htmx when the period changes.
        crawl.visit(f"/tasks/{WorkPlan.objects.get(year=2024).tasks.get(number=10).pk}/")
        select = page.locator("form[data-progress-form] select[name=period]")
        options = select.locator("option").evaluate_all("nodes => nodes.map(n => n.value)")
        with page.expect_response(lambda r: "/tasks/" in r.url and r.request.method == "GET"):
            select.select_option(options[0] if len(options) > 1 else options[-1])
        page.locator("form[data-progress-form] textarea").first.fill("本期进展：已开展。")
    if role == "reporter":
        crawl.visit("/reports/")
        narrative = page.locator("[data-testid=report-page] textarea.narrative:visible").first
        narrative.fill("第四季度已开展普法宣传。")
        expect(page.locator(".entry-save-state").first).to_have_text(re.compile("已暂存"))


@pytest.mark.parametrize("role", list(ROLES))
def test_no_page_breaks_the_content_security_policy(browser, demo_server, settings, role):
    settings.UNIONPLAN_TODAY = DEMO_TODAY
    username, column = ROLES[role]
    plan = WorkPlan.objects.get(year=2024)
    crawl = Crawl(browser, demo_server, role)
    try:
        log_in(crawl.page, demo_server, username)
        interact(crawl, role)
        # The matrix's pages after the interactions: building them submits 坂田's reports.
        crawl.crawl(matrix_pages(World(plan=plan, task=plan.tasks.get(number=10)), column))
    finally:
        crawl.context.close()
    print(f"{role}: {len(crawl.visited)} pages")
    assert len(crawl.visited) > 10, crawl.visited
    assert crawl.problems == [], "\n".join(crawl.problems)


def test_the_crawl_sees_a_violation(browser, demo_server):
    """The watch is live: an inline handler and an htmx hx-on attribute are refused and reported."""
    crawl = Crawl(browser, demo_server, "anonymous")
    try:
        crawl.visit("/accounts/login/")
        crawl.page.evaluate(
            """() => {
              document.body.insertAdjacentHTML("beforeend",
                '<img src="/static/favicon.svg" onload="window.ran = 1">'
                + '<button id="canary" hx-on:click="window.ran = 2">x</button>');
              htmx.process(document.getElementById("canary"));
            }"""
        )
        crawl.page.click("#canary")
        crawl.page.wait_for_timeout(300)
        assert crawl.page.evaluate("window.ran") is None  # neither ran
    finally:
        crawl.context.close()
    assert any("CSP script-src-attr blocked inline" in p for p in crawl.problems), crawl.problems
    assert any("inline event handler violates" in p for p in crawl.problems)
    assert any("htmx:evalDisallowedError" in p for p in crawl.problems)
