"""Every role lands on its own work: the homes after login, 待办 and the navigation's badges."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext

from departments.models import User
from reports.models import EntryState, ReportEntry, ReportingPeriod
from reports.services import entry_review
from tasks.models import Instruction, PlanStatus, ProgressStatus, WorkPlan
from tasks.services.progress import ProgressInput, progress_save
from unionplan.context_processors import navigation
from unionplan.demo import DEMO_PASSWORD

TODAY = dt.date(2024, 10, 20)


@pytest.fixture(autouse=True)
def pinned(settings):
    settings.UNIONPLAN_TODAY = TODAY


def todo_html(world, role: str) -> str:
    response = world.client(role).get("/todo/")
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, name: str) -> str:
    """The HTML of one 待办 section (data-testid="todo-<name>")."""
    match = re.search(rf'<section[^>]*data-testid="todo-{name}".*?</section>', html, re.S)
    assert match, f"no section {name}"
    return match.group(0)


def section_count(html: str, name: str) -> int:
    found = re.search(r'data-testid="count">(\d+)<', section(html, name))
    assert found
    return int(found.group(1))


def waiting_for(unit_id: int) -> int:
    return (
        ReportEntry.objects.filter(state=EntryState.SUBMITTED, task__leads__unit_id=unit_id)
        .distinct()
        .count()
    )


# --- homes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("username", "home"),
    [("admin", "/todo/"), ("leader", "/dashboard/"), ("qyb", "/todo/"), ("bantian", "/reports/")],
)
def test_each_role_lands_on_its_own_work_after_login(world, username, home):
    client = Client()
    response = client.post(
        "/accounts/login/", {"username": username, "password": DEMO_PASSWORD}, follow=True
    )
    assert response.redirect_chain[0] == ("/", 302)
    assert response.redirect_chain[-1][0] == home
    assert response.status_code == 200


def test_reporter_lands_on_the_report_that_is_due(world):
    # 坂田 has not submitted the third quarter (due 10 October): that report opens first.
    html = world.client("reporter").get("/reports/").content.decode()
    assert "第三季度" in html


def test_without_a_published_plan_home_says_so_instead_of_redirecting(world):
    WorkPlan.objects.update(status=PlanStatus.DRAFT)
    for role in ("leader", "reporter", "staff_lead"):
        response = world.client(role).get("/")
        assert response.status_code == 200
        assert response.templates[0].name == "tasks/plan_empty.html"


def test_plan_in_the_navigation_opens_the_current_plan(world):
    response = world.client("staff_lead").get("/plans/")
    assert response.status_code == 302 and response["Location"] == "/plans/2024/"
    assert nav(world, "staff_lead")["plan"]["url"] == "/plans/"


@pytest.mark.parametrize("role", ["leader", "reporter", "reporter_other"])
def test_leaders_and_reporters_are_refused_todo(world, role):
    assert world.client(role).get("/todo/").status_code == 403


# --- 待办 ----------------------------------------------------------------------------------------


def test_staff_todo_shows_reviews_waiting_for_their_department(world):
    qyb = world.user("staff_lead")
    html = todo_html(world, "staff_lead")
    waiting = waiting_for(qyb.unit_id)
    assert waiting > 0  # the demo's third quarter of 建筑业工会 and 布吉
    assert section_count(html, "reviews") == waiting
    reviews = section(html, "reviews")
    assert "龙岗区建筑业工会联合会 · 2024年第三季度" in reviews
    assert "/reviews/?report=" in reviews
    assert "权益部" in html and "全部部室" not in html


def test_reviews_empty_state(world):
    ReportEntry.objects.filter(state=EntryState.SUBMITTED).update(state=EntryState.APPROVED)
    html = todo_html(world, "staff_lead")
    assert section_count(html, "reviews") == 0
    assert "暂无待审核条目" in section(html, "reviews")


def test_open_instructions_oldest_deadline_first_and_overdue_in_red(world):
    late = world.open_instruction()
    soon = world.open_instruction()
    undated = world.open_instruction()
    Instruction.objects.filter(pk=late.pk).update(deadline=dt.date(2024, 10, 15))
    Instruction.objects.filter(pk=soon.pk).update(deadline=dt.date(2024, 10, 30))
    html = section(todo_html(world, "staff_lead"), "instructions")
    assert section_count(html, "instructions") == 3
    order = [int(pk) for pk in re.findall(r'data-instruction="(\d+)"', html)]
    assert order == [late.pk, soon.pk, undated.pk]
    late_row = re.search(rf'data-instruction="{late.pk}".*?</li>', html, re.S).group(0)
    assert 'class="text-nowrap text-danger fw-semibold"' in late_row
    assert "已逾期 5 天" in late_row and "时限 10月15日" in late_row
    soon_row = re.search(rf'data-instruction="{soon.pk}".*?</li>', html, re.S).group(0)
    assert "text-danger" not in soon_row and "已逾期" not in soon_row
    assert "未定时限" in html


def test_another_departments_instructions_are_not_in_the_todo(world):
    world.open_instruction()  # task 10: 权益部
    html = todo_html(world, "staff_other")
    assert "暂无待办理的批示" in section(html, "instructions")
    assert section_count(html, "instructions") == 0


def test_answered_instructions_leave_the_todo(world):
    instruction = world.open_instruction()
    Instruction.objects.filter(pk=instruction.pk).update(state="answered")
    assert section_count(todo_html(world, "staff_lead"), "instructions") == 0


def test_tasks_without_an_update_this_period_are_listed_until_updated(world):
    html = section(todo_html(world, "staff_lead"), "stale")
    assert 'data-task="10"' in html and "上次：第三季度" in html
    assert "第四季度" in html
    before = section_count(html, "stale")
    progress_save(
        task=world.task,
        period=world.period(4),
        user=world.user("staff_lead"),
        data=ProgressInput(status=ProgressStatus.IN_PROGRESS, percent=90, progress="推进中"),
        expected_version=0,
    )
    html = section(todo_html(world, "staff_lead"), "stale")
    assert 'data-task="10"' not in html
    assert section_count(html, "stale") == before - 1


def test_returned_entries_and_late_units_on_the_departments_tasks(world):
    html = section(todo_html(world, "staff_lead"), "returned")
    assert "暂无退回待修改的条目" in html
    late = re.search(r'data-testid="late".*?</ul>', html, re.S).group(0)
    assert "第三季度报表 10月10日 截止，已逾期 10 天" in late
    assert "坂田" in late  # 坂田 leaves its third quarter to the visitor

    report = world.report(period=3, submit=True)
    entry = world.entry(report)
    entry_review(
        entry=entry,
        user=world.user("staff_lead"),
        approve=False,
        reason="请补充现场照片。",
        expected_version=entry.version,
    )
    html = section(todo_html(world, "staff_lead"), "returned")
    returned = re.search(r'data-testid="returned".*?</ul>', html, re.S).group(0)
    assert "坂田街道总工会 · 第三季度 · 第 10 项" in returned
    assert "请补充现场照片" in returned
    assert f"/reviews/?state=returned&amp;report={report.pk}" in returned
    third = re.search(r"第三季度报表.*?</li>", html, re.S).group(0)
    assert "坂田" not in third  # submitted now: no longer late


def test_admin_sees_every_department_and_the_system(world):
    world.failed_job()
    ReportingPeriod.objects.filter(pk=world.period(1).pk).update(is_locked=True)
    html = todo_html(world, "admin")
    assert "全部部室" in html
    reviews = section(html, "reviews")
    assert (
        section_count(html, "reviews")
        == ReportEntry.objects.filter(state=EntryState.SUBMITTED).count()
    )
    assert "lead-badge" in reviews and "权益部" in reviews and "宣教部" in reviews
    health = section(html, "health")
    failed = re.search(r'data-testid="failed-jobs".*?</div>', health, re.S).group(0)
    assert 'data-testid="count">1<' in failed and "测试失败原因" in failed
    assert "/reports/jobs/#job-" in failed
    to_lock = re.search(r'data-testid="periods-to-lock".*?</div>', health, re.S).group(0)
    assert "2024年第二季度" in to_lock and "2024年第三季度" in to_lock
    assert "2024年第一季度" not in to_lock  # locked
    assert "2024年第四季度" not in to_lock  # not yet due
    assert "/admin/tasks/reportingperiod/?is_locked__exact=0" in to_lock
    accounts = re.search(r'data-testid="accounts".*?</div>', health, re.S).group(0)
    assert f"<strong>{User.objects.filter(is_active=True).count()}</strong> 个" in accounts


def test_staff_do_not_see_the_system_section(world):
    assert 'data-testid="todo-health"' not in todo_html(world, "staff_lead")


def test_every_link_on_the_todo_opens(world):
    world.open_instruction()
    world.failed_job()
    for role in ("staff_lead", "admin"):
        client = world.client(role)
        html = todo_html(world, role)
        for url in sorted(internal_links(html)):
            assert client.get(url).status_code < 400, (role, url)


def give_back(world, entry: ReportEntry) -> None:
    entry.refresh_from_db()
    entry_review(
        entry=entry,
        user=world.user("staff_lead"),
        approve=False,
        reason="请补充。",
        expected_version=entry.version,
    )


@pytest.mark.parametrize("role", ["staff_lead", "admin"])
def test_todo_queries_do_not_grow_with_data(world, role, django_assert_max_num_queries):
    client = world.client(role)
    world.open_instruction()
    world.failed_job()
    mine = world.report(period=3, submit=True).entries.filter(
        task__leads__unit=world.user("staff_lead").unit
    )
    entries = list(mine)
    give_back(world, entries[0])
    with CaptureQueriesContext(connection) as before:
        client.get("/todo/")
    for _ in range(5):
        world.open_instruction()
    for entry in entries[1:]:
        give_back(world, entry)
    world.report(period=4, submit=True)
    world.failed_job()
    world.failed_job()
    with django_assert_max_num_queries(len(before.captured_queries)):
        client.get("/todo/")
    with django_assert_max_num_queries(30):
        client.get("/todo/")


# --- navigation -------------------------------------------------------------------------------


def nav(world, role: str) -> dict[str, dict]:
    request = RequestFactory().get("/")
    request.user = world.user(role)
    return {item["key"]: item for item in navigation(request)["nav_items"]}


def test_todo_is_the_first_item_for_staff_and_admins_only(world):
    for role in ("staff_lead", "admin"):
        assert next(iter(nav(world, role))) == "todo"
    for role in ("leader", "reporter"):
        assert "todo" not in nav(world, role)


def test_review_badge_counts_entries_waiting_for_the_users_review(world):
    qyb = world.user("staff_lead")
    items = nav(world, "staff_lead")
    assert items["reviews"]["badge"] == waiting_for(qyb.unit_id)
    html = todo_html(world, "staff_lead")
    count = waiting_for(qyb.unit_id)
    assert f'data-testid="nav-badge-reviews" aria-hidden="true">{count}</span>' in html
    assert f'<span class="visually-hidden">，{count} 条待处理</span>' in html
    assert f'title="{count} 条报送条目待您审核"' in html


def test_instruction_badge_for_staff_counts_their_open_instructions(world):
    assert nav(world, "staff_lead")["instructions"]["badge"] == 0
    world.open_instruction()
    assert nav(world, "staff_lead")["instructions"]["badge"] == 1
    assert nav(world, "staff_other")["instructions"]["badge"] == 0
    html = todo_html(world, "staff_lead")
    assert 'data-testid="nav-badge-instructions" aria-hidden="true">1</span>' in html


def test_instruction_badge_for_leaders_counts_answers_waiting_for_their_reading(world):
    # The demo's instruction on task 14 was answered by 宣教部 and waits for the leader.
    item = nav(world, "leader")["instructions"]
    assert item["badge"] == Instruction.objects.filter(state="answered").count() == 1
    assert "待您阅处" in item["badge_title"]
    world.open_instruction()  # open ones wait for the department, not the leader
    assert nav(world, "leader")["instructions"]["badge"] == 1


@pytest.mark.parametrize(("role", "most"), [("staff_lead", 3), ("admin", 3), ("leader", 2)])
def test_navigation_costs_at_most_two_queries_more_than_the_unread_count(world, role, most):
    request = RequestFactory().get("/")
    request.user = world.user(role)
    with CaptureQueriesContext(connection) as queries:
        navigation(request)
    assert len(queries.captured_queries) <= most


# --- dashboards link only to what their reader may open ---------------------------------------


def internal_links(html: str) -> set[str]:
    links = set()
    for href in re.findall(r'href="([^"]+)"', html):
        url = unescape(href).split("#")[0]
        if url.startswith("/") and not url.startswith(("/static/", "/admin/", "/api/")):
            links.add(url)
    return links


@pytest.mark.parametrize("role", ["leader", "reporter"])
def test_dashboard_links_open_for_their_reader(world, role):
    client = world.client(role)
    html = client.get("/dashboard/").content.decode()
    links = internal_links(html)
    assert links
    refused = {url: client.get(url).status_code for url in links}
    assert {url: s for url, s in refused.items() if s >= 400} == {}
    if role == "reporter":
        assert "/reports/grid/" not in {u.split("?")[0] for u in links}
