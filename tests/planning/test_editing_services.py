"""Editing a plan through its services: numbering, refusals, validation, history, publishing."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from departments.models import Unit, UnitKind
from history.models import Action, Event
from planning.services import editing
from planning.services.editing import IndicatorInput, PlanInput, TaskInput
from tasks.models import IndicatorKind, KeyTask, PlanStatus, ReportingPeriod, WorkPlan
from tests.factories import WorkPlanFactory


def task_input(name: str, **changes: object) -> TaskInput:
    fields: dict = {
        "title": name,
        "description": f"{name}的工作内容。",
        "due_date": dt.date(2030, 12, 31),
        **changes,
    }
    return TaskInput(**fields)


@pytest.fixture
def admin(world):
    return world.user("admin")


@pytest.fixture
def draft(admin):
    """A 2030 draft: 一 with tasks A, B; 二 with tasks C, D (numbered 1–4)."""
    plan = WorkPlanFactory(year=2030, status=PlanStatus.DRAFT)
    first = editing.section_create(plan=plan, user=admin, title="第一板块")
    second = editing.section_create(plan=plan, user=admin, title="第二板块")
    for section, titles in ((first, "AB"), (second, "CD")):
        for title in titles:
            editing.task_create(section=section, user=admin, data=task_input(title))
    return plan


def numbering(plan: WorkPlan) -> list[tuple[str, int, str]]:
    """(section numeral, task number, title) in plan order."""
    return [
        (t.section.numeral, t.number, t.title)
        for t in KeyTask.objects.filter(plan=plan).select_related("section").order_by("number")
    ]


def test_tasks_are_numbered_across_the_plan_in_section_order(draft):
    assert numbering(draft) == [("一", 1, "A"), ("一", 2, "B"), ("二", 3, "C"), ("二", 4, "D")]


def test_a_task_added_to_an_earlier_section_pushes_the_later_ones_down(draft, admin):
    first = draft.sections.get(number=1)
    task = editing.task_create(section=first, user=admin, data=task_input("E"))
    assert task.number == 3
    assert numbering(draft) == [
        ("一", 1, "A"),
        ("一", 2, "B"),
        ("一", 3, "E"),
        ("二", 4, "C"),
        ("二", 5, "D"),
    ]


def test_moving_a_task_swaps_it_with_its_neighbour_within_its_section(draft, admin):
    b = draft.tasks.get(title="B")
    editing.task_move(task=b, user=admin, direction="up")
    assert [t for _, _, t in numbering(draft)] == ["B", "A", "C", "D"]
    with pytest.raises(ValidationError) as exc:
        editing.task_move(task=draft.tasks.get(title="A"), user=admin, direction="down")
    assert exc.value.message_dict["direction"] == ["已是本板块最后一项。"]


def test_moving_a_task_to_another_section_puts_it_last_there_and_renumbers(draft, admin):
    a = draft.tasks.get(title="A")
    second = draft.sections.get(number=2)
    editing.task_update(task=a, user=admin, data=task_input("A"), section=second)
    assert numbering(draft) == [("一", 1, "B"), ("二", 2, "C"), ("二", 3, "D"), ("二", 4, "A")]


def test_moving_a_section_renumbers_sections_numerals_and_tasks(draft, admin):
    second = draft.sections.get(number=2)
    editing.section_move(section=second, user=admin, direction="up")
    assert numbering(draft) == [("一", 1, "C"), ("一", 2, "D"), ("二", 3, "A"), ("二", 4, "B")]
    assert list(draft.sections.values_list("numeral", "title")) == [
        ("一", "第二板块"),
        ("二", "第一板块"),
    ]
    with pytest.raises(ValidationError, match="已是第一个板块"):
        editing.section_move(section=second, user=admin, direction="up")


def test_deleting_a_task_renumbers_the_later_ones_and_is_recorded(draft, admin):
    b = draft.tasks.get(title="B")
    editing.task_delete(task=b, user=admin)
    assert numbering(draft) == [("一", 1, "A"), ("二", 2, "C"), ("二", 3, "D")]
    action = Action.objects.filter(plan=draft, verb="编辑计划").latest("pk")
    assert "删除第 2 项重点工作" in action.summary
    assert action.events.filter(kind="delete", object_repr__contains="B").exists()
    renumbered = Event.objects.get(action=action, object_repr="2. C")
    assert renumbered.changes == [["序号", "3", "2"]]  # one event, not the +1000 detour


def test_a_task_with_progress_or_instructions_cannot_be_deleted(world, admin):
    with pytest.raises(ValidationError) as exc:
        editing.task_delete(task=world.task, user=admin)
    assert "已有工作进展" in exc.value.message_dict["task"][0]
    assert world.plan.tasks.count() == 30


def test_a_section_with_tasks_cannot_be_deleted_and_an_empty_one_renumbers_the_rest(draft, admin):
    first = draft.sections.get(number=1)
    with pytest.raises(ValidationError, match="还有 2 项重点工作"):
        editing.section_delete(section=first, user=admin)
    for task in first.tasks.all():
        editing.task_delete(task=task, user=admin)
    editing.section_delete(section=first, user=admin)
    assert list(draft.sections.values_list("number", "numeral", "title")) == [(1, "一", "第二板块")]
    assert numbering(draft) == [("一", 1, "C"), ("一", 2, "D")]


def test_task_fields_are_validated_in_chinese(draft, admin):
    task = draft.tasks.get(title="A")
    cases = [
        ({"title": " "}, "title", "请填写重点工作名称。"),
        ({"due_date": dt.date(2031, 1, 1)}, "due_date", "完成时限应在 2030 年内。"),
        ({"node_targets": [10, 60]}, "node_targets", "季度节点目标须四个季度都填写"),
        ({"node_targets": [10, 60, 50, 100]}, "node_targets", "不能比上一季度低"),
        ({"node_targets": [10, 60, 80, 120]}, "node_targets", "0 到 100"),
    ]
    for changes, field, message in cases:
        data = task_input("A", **changes)
        with pytest.raises(ValidationError) as exc:
            editing.task_update(task=task, user=admin, data=data)
        assert message in exc.value.message_dict[field][0], changes
    task = editing.task_update(
        task=task, user=admin, data=task_input("A", node_targets=[10, 60, 80, 100])
    )
    assert task.node_targets == [10, 60, 80, 100]


def test_leads_are_ordered_departments_and_may_be_left_pending(draft, admin):
    task = draft.tasks.get(title="A")
    qyb, bgs = Unit.objects.get(name="权益部"), Unit.objects.get(name="办公室")
    editing.task_leads_set(task=task, user=admin, leads=[qyb, bgs])
    assert list(task.leads.values_list("unit__name", flat=True)) == ["权益部", "办公室"]
    editing.task_leads_set(task=task, user=admin, leads=[bgs, qyb])
    assert list(task.leads.values_list("unit__name", flat=True)) == ["办公室", "权益部"]
    street = Unit.objects.filter(kind=UnitKind.STREET).first()
    with pytest.raises(ValidationError, match="只能是区总部室"):
        editing.task_leads_set(task=task, user=admin, leads=[street])
    editing.task_leads_set(task=task, user=admin, leads=[])
    assert not task.leads.exists()
    event = Event.objects.filter(task=task, kind="update").latest("pk")
    assert event.changes == [["牵头部室", "办公室、权益部", "待定"]]


def test_participants_of_a_whole_kind_are_stored_as_its_group(draft, admin):
    task = draft.tasks.get(title="A")
    streets = list(Unit.objects.filter(kind=UnitKind.STREET, is_active=True))
    industry = Unit.objects.filter(kind=UnitKind.INDUSTRY).first()
    editing.task_participants_set(task=task, user=admin, participants=[*streets, industry])
    groups = dict(task.participants.values_list("unit__kind", "group").distinct())
    assert groups[UnitKind.STREET] == "各街道总工会"
    all_industry = Unit.objects.filter(kind=UnitKind.INDUSTRY, is_active=True).count()
    assert groups[UnitKind.INDUSTRY] == ("行业工会" if all_industry == 1 else "")
    editing.task_participants_set(task=task, user=admin, participants=streets[:2])
    assert set(task.participants.values_list("group", flat=True)) == {""}
    assert task.participants.count() == 2


def test_indicators_are_validated_and_allocated_to_participating_units_only(draft, admin):
    task = draft.tasks.get(title="A")
    streets = list(Unit.objects.filter(kind=UnitKind.STREET)[:2])
    editing.task_participants_set(task=task, user=admin, participants=streets)
    bad = [
        (IndicatorInput(name="", kind="count", target=Decimal(1)), "name"),
        (IndicatorInput(name="覆盖率", kind="rate", target=Decimal(120)), "target"),
        (IndicatorInput(name="场次", kind="count"), "target"),
    ]
    for data, field in bad:
        with pytest.raises(ValidationError) as exc:
            editing.indicator_create(task=task, user=admin, data=data)
        assert field in exc.value.message_dict
    data = IndicatorInput(
        name="场次", kind=IndicatorKind.COUNT, measure_unit="场", target=Decimal(5)
    )
    outsider = Unit.objects.filter(kind=UnitKind.COMMUNITY).first()
    with pytest.raises(ValidationError) as exc:
        editing.indicator_create(
            task=task, user=admin, data=data, allocations={outsider.pk: Decimal(1)}
        )
    assert "没有参与本项工作" in exc.value.message_dict[f"allocation_{outsider.pk}"][0]
    indicator = editing.indicator_create(
        task=task,
        user=admin,
        data=data,
        allocations={streets[0].pk: Decimal(3), streets[1].pk: None},
    )
    assert dict(indicator.allocations.values_list("unit_id", "target")) == {streets[0].pk: 3}
    with pytest.raises(ValidationError, match="同名指标"):
        editing.indicator_create(task=task, user=admin, data=data)
    editing.indicator_allocations_set(
        indicator=indicator, user=admin, allocations={streets[0].pk: None, streets[1].pk: 2}
    )
    assert dict(indicator.allocations.values_list("unit_id", "target")) == {streets[1].pk: 2}
    milestone = IndicatorInput(name="场次", kind=IndicatorKind.MILESTONE)
    indicator = editing.indicator_update(indicator=indicator, user=admin, data=milestone)
    assert indicator.target is None
    editing.indicator_delete(indicator=indicator, user=admin)
    assert not task.indicators.exists()


def test_an_indicator_with_reported_figures_cannot_be_deleted(world, admin):
    indicator = world.task.indicators.filter(actuals__isnull=False).first()
    assert indicator is not None
    with pytest.raises(ValidationError, match="不能删除"):
        editing.indicator_delete(indicator=indicator, user=admin)


def test_plan_meta_is_updated_and_recorded(draft, admin):
    editing.plan_update(
        plan=draft,
        user=admin,
        data=PlanInput(title="新标题", framework="123", paragraphs=["第一段", " ", "第二段 "]),
    )
    draft.refresh_from_db()
    assert (draft.title, draft.framework, draft.paragraphs) == (
        "新标题",
        "123",
        ["第一段", "第二段"],
    )
    action = Action.objects.filter(plan=draft).latest("pk")
    assert action.verb == "编辑计划" and action.actor == admin and action.source == "web"
    with pytest.raises(ValidationError, match="请填写标题"):
        editing.plan_update(plan=draft, user=admin, data=PlanInput(title=""))


def test_publishing_a_draft_activates_it_and_creates_the_four_quarters(draft, admin):
    plan = editing.plan_publish(plan=draft, user=admin)
    assert plan.status == PlanStatus.ACTIVE
    quarters = ReportingPeriod.objects.filter(plan=plan, kind="quarter")
    assert sorted(quarters.values_list("number", flat=True)) == [1, 2, 3, 4]
    assert Action.objects.filter(plan=plan, verb="发布计划").exists()
    with pytest.raises(ValidationError, match="只有草稿可以发布"):
        editing.plan_publish(plan=plan, user=admin)


def test_an_empty_draft_cannot_be_published(admin):
    plan = WorkPlanFactory(year=2031, status=PlanStatus.DRAFT)
    with pytest.raises(ValidationError, match="还没有重点工作"):
        editing.plan_publish(plan=plan, user=admin)
    assert not plan.periods.exists()
