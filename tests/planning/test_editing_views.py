"""编辑工作要点 pages: administrators edit the plan; everybody else is refused."""

from __future__ import annotations

import pytest

from departments.models import Unit, UnitKind
from tasks.models import KeyTask, PlanStatus
from tests.factories import IndicatorFactory, KeyTaskFactory, SectionFactory, WorkPlanFactory


@pytest.fixture
def admin_client(world):
    return world.client("admin")


def task_form(world, **changes: object) -> dict:
    data = {
        "section": world.task.section_id,
        "title": "扩大工会法律服务覆盖面",
        "description": "新的工作内容。",
        "due_date": "2024-12-31",
        "participants_text": "",
        "lead_1": Unit.objects.get(name="权益部").pk,
        "lead_2": "",
        "lead_3": "",
        "participants": [p.unit_id for p in world.task.participants.all()],
        "q1": "10",
        "q2": "40",
        "q3": "70",
        "q4": "100",
    }
    data.update(changes)
    return data


def test_edit_page_lists_every_section_and_task_with_its_actions(world, admin_client):
    html = admin_client.get("/plans/2024/edit/").content.decode()
    assert html.count("data-task-number=") == 30
    for label in ("上移", "下移", "编辑", "删除", "新增板块", "新增重点工作", "新增指标"):
        assert label in html
    assert "扩大工会法律服务覆盖面" in html and "≥ 22 个" in html
    assert 'data-testid="publish-button"' not in html  # 2024 is active


def test_a_task_without_leads_shows_a_pending_badge_and_a_draft_a_publish_button(
    world, admin_client
):
    plan = WorkPlanFactory(year=2031, status=PlanStatus.DRAFT)
    KeyTaskFactory(section=SectionFactory(plan=plan, number=1), plan=plan, number=1)
    html = admin_client.get("/plans/2031/edit/").content.decode()
    assert 'data-testid="lead-pending"' in html and "待定" in html
    assert 'data-testid="publish-button"' in html
    response = admin_client.post("/plans/2031/publish/")
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE and plan.periods.count() == 4


def test_non_administrators_are_refused(world):
    for role in ("leader", "staff_lead", "reporter"):
        client = world.client(role)
        assert client.get("/plans/2024/edit/").status_code == 403
        response = client.post(f"/plans/edit/tasks/{world.task.pk}/", task_form(world))
        assert response.status_code == 403
    world.task.refresh_from_db()
    assert world.task.description != "新的工作内容。"


def test_unknown_or_malformed_ids_are_404(admin_client):
    for path in (
        "/plans/1999/edit/",
        "/plans/65536/edit/",
        "/plans/edit/tasks/0/",
        "/plans/edit/tasks/99999999999999999999/",
        "/plans/edit/sections/2147483648/delete/",
        "/plans/edit/indicators/123456789/",
        "/plans/edit/tasks/abc/",
    ):
        assert admin_client.get(path).status_code == 404, path


def test_admin_edits_a_task_with_leads_participants_and_node_targets(world, admin_client):
    bgs = Unit.objects.get(name="办公室")
    streets = list(Unit.objects.filter(kind=UnitKind.STREET, is_active=True))
    data = task_form(
        world,
        lead_1=bgs.pk,
        lead_2=Unit.objects.get(name="权益部").pk,
        participants=[s.pk for s in streets],
    )
    response = admin_client.post(f"/plans/edit/tasks/{world.task.pk}/", data)
    assert response.status_code == 302
    assert response["Location"].endswith(f"/plans/2024/edit/#task-{world.task.pk}")
    task = KeyTask.objects.get(pk=world.task.pk)
    assert task.description == "新的工作内容。"
    assert task.node_targets == [10, 40, 70, 100]
    assert list(task.leads.values_list("unit__name", flat=True)) == ["办公室", "权益部"]
    assert set(task.participants.values_list("unit_id", flat=True)) == {s.pk for s in streets}


def test_bad_task_input_re_renders_with_chinese_errors_and_keeps_what_was_typed(
    world, admin_client
):
    data = task_form(world, title="", description="我刚写的内容", q2="", q3="50", q4="30")
    response = admin_client.post(f"/plans/edit/tasks/{world.task.pk}/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "该字段是必填项。" in html  # Django's own message, in Chinese
    assert "我刚写的内容" in html and 'value="50"' in html
    data = task_form(world, q3="50", q4="30", lead_2=Unit.objects.get(name="权益部").pk)
    html = admin_client.post(f"/plans/edit/tasks/{world.task.pk}/", data).content.decode()
    assert "季度节点目标不能比上一季度低。" in html and "同一部室只能选择一次。" in html
    data = task_form(world, q1="abc", due_date="2024-02-30", section="99999999999")
    response = admin_client.post(f"/plans/edit/tasks/{world.task.pk}/", data)
    assert response.status_code == 400
    assert "输入整数" in response.content.decode()


def test_admin_adds_a_task_to_a_section_and_the_later_tasks_move_down(world, admin_client):
    first = world.plan.sections.get(number=1)
    last_in_first = first.tasks.order_by("-number").first().number
    data = task_form(world, section=first.pk, title="新增的重点工作", q1="", q2="", q3="", q4="")
    response = admin_client.post(f"/plans/edit/sections/{first.pk}/tasks/new/", data)
    assert response.status_code == 302
    task = KeyTask.objects.get(title="新增的重点工作")
    assert task.number == last_in_first + 1 and task.node_targets == []
    assert world.plan.tasks.count() == 31 and world.plan.tasks.get(number=31)


def test_task_delete_asks_first_and_refuses_a_worked_task(world, admin_client):
    html = admin_client.get(f"/plans/edit/tasks/{world.task.pk}/delete/").content.decode()
    assert 'data-testid="delete-blocked"' in html
    response = admin_client.post(f"/plans/edit/tasks/{world.task.pk}/delete/", follow=True)
    assert "已有工作进展" in response.content.decode()
    assert KeyTask.objects.filter(pk=world.task.pk).exists()


def test_moving_sections_and_tasks_through_the_buttons(world, admin_client):
    second = world.plan.sections.get(number=2)
    response = admin_client.post(f"/plans/edit/sections/{second.pk}/move/", {"direction": "up"})
    assert response.status_code == 302
    second.refresh_from_db()
    assert (second.number, second.numeral) == (1, "一")
    assert second.tasks.order_by("number").first().number == 1
    response = admin_client.post(
        f"/plans/edit/sections/{second.pk}/move/", {"direction": "sideways"}, follow=True
    )
    assert "移动方向只能是上移或下移。" in response.content.decode()


def test_admin_adds_an_indicator_with_allocations(world, admin_client):
    street = world.task.participants.filter(unit__kind=UnitKind.STREET).first().unit
    data = {
        "name": "新指标",
        "kind": "count",
        "measure_unit": "场",
        "comparator": "gte",
        "target": "12",
        "per_unit_target": "",
        f"allocation_{street.pk}": "3",
    }
    response = admin_client.post(f"/plans/edit/tasks/{world.task.pk}/indicators/new/", data)
    assert response.status_code == 302
    indicator = world.task.indicators.get(name="新指标")
    assert list(indicator.allocations.values_list("unit_id", "target")) == [(street.pk, 3)]
    bad = {
        **data,
        "name": "另一个",
        "kind": "rate",
        "target": "150",
        f"allocation_{street.pk}": "-1",
    }
    response = admin_client.post(f"/plans/edit/indicators/{indicator.pk}/", bad)
    assert response.status_code == 400
    html = response.content.decode()
    assert "另一个" in html and "确保该值大于或等于0" in html.replace(" ", "")


def test_rate_above_100_is_refused_with_the_services_message(world, admin_client):
    indicator = IndicatorFactory(task=world.task, name="覆盖率", kind="rate", target=90)
    data = {
        "name": "覆盖率",
        "kind": "rate",
        "measure_unit": "%",
        "comparator": "gte",
        "target": "150",
    }
    response = admin_client.post(f"/plans/edit/indicators/{indicator.pk}/", data)
    assert response.status_code == 400
    assert "比率型指标的目标值不能超过 100%。" in response.content.decode()


def test_edit_page_runs_a_fixed_number_of_queries(
    world, admin_client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(16):
        admin_client.get("/plans/2024/edit/")
    section = SectionFactory(plan=world.plan, number=6, numeral="六")
    for n in range(30):
        task = KeyTaskFactory(section=section, plan=world.plan, number=100 + n)
        IndicatorFactory(task=task)
    with django_assert_max_num_queries(16):
        response = admin_client.get("/plans/2024/edit/")
    assert response.content.decode().count("data-task-number=") == 60


def test_overview_offers_administrators_the_edit_link(world):
    assert "编辑工作要点" in world.client("admin").get("/plans/2024/").content.decode()
    assert "编辑工作要点" not in world.client("leader").get("/plans/2024/").content.decode()
