"""Pages of the plan: start page, overview with filters, task page, empty states."""

from __future__ import annotations

from tasks.models import PlanStatus, WorkPlan
from tests.factories import IndicatorFactory, KeyTaskFactory, SectionFactory


def test_plan_in_the_navigation_opens_the_current_plan(world):
    # The start page ("/") sends each role to its own work (tests/dashboard/test_todo.py).
    response = world.client("leader").get("/plans/")
    assert response.status_code == 302 and response["Location"] == "/plans/2024/"


def test_anonymous_visitor_is_sent_to_login(world):
    response = world.client("anonymous").get("/plans/2024/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_overview_shows_every_section_and_task_with_its_leads_and_targets(world):
    html = world.client("reporter").get("/plans/2024/").content.decode()
    assert "龙岗区总工会2024年工作思路及要点" in html
    for numeral in "一二三四五":
        assert f"{numeral}、" in html
    assert html.count("data-task-number=") == 30
    assert "扩大工会法律服务覆盖面" in html and "≥ 22 个" in html and "≥ 90%" in html
    assert "办公室</span><span" in html  # task 14's three leads in order
    assert "“123430”工作思路" in html


def test_overview_filters_by_lead_department_and_keyword(world):
    from departments.models import Unit

    jsw = Unit.objects.get(name="经审委")
    html = world.client("leader").get(f"/plans/2024/?lead={jsw.pk}").content.decode()
    assert html.count("data-task-number=") == 1 and "提升经审工作质效" in html
    html = world.client("leader").get("/plans/2024/?q=法律服务").content.decode()
    assert 'data-task-number="10"' in html and "符合条件的重点工作 1 项" in html


def test_overview_says_so_when_nothing_matches(world):
    html = world.client("leader").get("/plans/2024/?q=不存在的关键词").content.decode()
    assert 'data-testid="empty-state"' in html and "没有符合条件的重点工作" in html


def test_unknown_year_is_a_clear_not_found(world):
    response = world.client("leader").get("/plans/1999/")
    assert response.status_code == 404


def test_draft_plan_is_hidden_from_everyone_but_admins(world):
    WorkPlan.objects.create(year=2025, title="2025年工作要点（草稿）", status=PlanStatus.DRAFT)
    assert world.client("leader").get("/plans/2025/").status_code == 404
    assert world.client("admin").get("/plans/2025/").status_code == 200


def test_start_page_without_any_plan_says_what_to_do(db):
    from django.test import Client

    from tests.factories import UserFactory

    WorkPlan.objects.update(status=PlanStatus.DRAFT)  # nothing published: only drafts
    client = Client()
    client.force_login(UserFactory())
    html = client.get("/").content.decode()
    assert "还没有可查看的工作要点" in html


def test_task_page_shows_description_leads_participants_and_indicators(world):
    html = world.client("staff_other").get(f"/tasks/{world.task.pk}/").content.decode()
    assert "为55家三级、四级工会联合会配备法律顾问" in html
    assert "权益部" in html and "坂田" in html and "≥ 100 场" in html


def test_overview_runs_a_fixed_number_of_queries_however_many_tasks(
    world, django_assert_max_num_queries
):
    client = world.client("leader")
    with django_assert_max_num_queries(14):
        client.get("/plans/2024/")
    section = SectionFactory(plan=world.plan, number=6)
    for _ in range(40):
        task = KeyTaskFactory(section=section, plan=world.plan, number=100 + _)
        IndicatorFactory(task=task)
        IndicatorFactory(task=task)
    with django_assert_max_num_queries(14):
        response = client.get("/plans/2024/")
    assert response.content.decode().count("data-task-number=") == 70
