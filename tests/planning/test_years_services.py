"""复制为下一年度: what is copied into next year's draft, what is not, and when it is refused."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from departments.models import User
from history.models import Action, Event
from history.recording import Source, recording
from planning.services.copying import next_year_title, plan_copy_to_next_year
from reports.models import UnitReport
from tasks.models import (
    Indicator,
    IndicatorActual,
    IndicatorAllocation,
    KeyTask,
    PlanStatus,
    ProgressUpdate,
    TaskLead,
    TaskParticipant,
    WorkPlan,
)
from tests.factories import WorkPlanFactory


def admin() -> User:
    return User.objects.get(username="admin")


def task_rows(plan: WorkPlan) -> list[tuple]:
    return list(
        plan.tasks.order_by("number").values_list(
            "section__number",
            "number",
            "title",
            "description",
            "participants_text",
            "node_targets",
        )
    )


def test_copy_creates_a_draft_for_the_next_year_with_the_title_moved_on(world):
    new = plan_copy_to_next_year(plan=world.plan, actor=admin())

    assert new.year == 2025
    assert new.status == PlanStatus.DRAFT
    assert (
        new.title
        == world.plan.title.replace("2024年", "2025年")
        == "龙岗区总工会2025年工作思路及要点"
    )
    assert new.framework == world.plan.framework
    assert new.paragraphs == world.plan.paragraphs
    assert new.source_text == ""
    world.plan.refresh_from_db()
    assert world.plan.status == PlanStatus.ACTIVE  # the source is untouched


def test_copy_copies_sections_tasks_leads_participants_indicators_and_allocations(world):
    source = world.plan
    with recording(actor=None, source=Source.SYSTEM, verb="测试"):
        task = source.tasks.get(number=10)
        task.node_targets = [10, 40, 70, 100]
        task.save()
    section = source.sections.get(number=1)
    section.description = "围绕中心，重点做好以下工作："
    section.save()

    new = plan_copy_to_next_year(plan=source, actor=admin())

    assert list(new.sections.values_list("number", "numeral", "title", "description")) == list(
        source.sections.values_list("number", "numeral", "title", "description")
    )
    assert task_rows(new) == task_rows(source)
    assert new.tasks.get(number=10).node_targets == [10, 40, 70, 100]
    assert {t.due_date for t in new.tasks.all()} == {dt.date(2025, 12, 31)}

    def leads(plan: WorkPlan) -> list[tuple]:
        return list(
            TaskLead.objects.filter(task__plan=plan)
            .order_by("task__number", "order")
            .values_list("task__number", "unit_id", "order")
        )

    def participants(plan: WorkPlan) -> set[tuple]:
        return set(
            TaskParticipant.objects.filter(task__plan=plan).values_list(
                "task__number", "unit_id", "group"
            )
        )

    def indicators(plan: WorkPlan) -> list[tuple]:
        return list(
            Indicator.objects.filter(task__plan=plan)
            .order_by("task__number", "order")
            .values_list(
                "task__number",
                "order",
                "name",
                "kind",
                "measure_unit",
                "comparator",
                "target",
                "per_unit_target",
                "source_text",
            )
        )

    def allocations(plan: WorkPlan) -> set[tuple]:
        return set(
            IndicatorAllocation.objects.filter(indicator__task__plan=plan).values_list(
                "indicator__task__number", "indicator__name", "unit_id", "target"
            )
        )

    assert leads(new) == leads(source) and leads(new)
    assert participants(new) == participants(source) and participants(new)
    assert indicators(new) == indicators(source) and indicators(new)
    assert allocations(new) == allocations(source) and allocations(new)


def test_copy_leaves_progress_and_reports_behind_and_creates_the_new_quarters(world):
    assert ProgressUpdate.objects.filter(task__plan=world.plan).exists()  # the demo has progress

    new = plan_copy_to_next_year(plan=world.plan, actor=admin())

    assert not ProgressUpdate.objects.filter(task__plan=new).exists()
    assert not IndicatorActual.objects.filter(indicator__task__plan=new).exists()
    assert not UnitReport.objects.filter(period__plan=new).exists()
    periods = list(new.periods.order_by("number"))
    assert [(p.kind, p.number, p.start_date, p.end_date) for p in periods] == [
        ("quarter", 1, dt.date(2025, 1, 1), dt.date(2025, 3, 31)),
        ("quarter", 2, dt.date(2025, 4, 1), dt.date(2025, 6, 30)),
        ("quarter", 3, dt.date(2025, 7, 1), dt.date(2025, 9, 30)),
        ("quarter", 4, dt.date(2025, 10, 1), dt.date(2025, 12, 31)),
    ]
    assert not any(p.is_locked for p in periods)


def test_copy_leaves_out_inactive_units(world):
    lead = TaskLead.objects.filter(task=world.task).select_related("unit").first()
    unit = lead.unit
    unit.is_active = False
    unit.save()

    new = plan_copy_to_next_year(plan=world.plan, actor=admin())

    assert not TaskLead.objects.filter(task__plan=new, unit=unit).exists()
    assert not TaskParticipant.objects.filter(task__plan=new, unit=unit).exists()
    assert not IndicatorAllocation.objects.filter(indicator__task__plan=new, unit=unit).exists()
    assert new.tasks.count() == world.plan.tasks.count()


def test_copy_is_refused_when_the_next_year_already_has_a_plan(world):
    plan_copy_to_next_year(plan=world.plan, actor=admin())
    tasks_before = KeyTask.objects.count()

    with pytest.raises(ValidationError) as refused:
        plan_copy_to_next_year(plan=world.plan, actor=admin())

    assert "2025 年工作要点已存在" in refused.value.messages[0]
    assert KeyTask.objects.count() == tasks_before
    assert Action.objects.filter(verb="复制计划").count() == 1


def test_copy_is_refused_beyond_the_last_year(world):
    plan = WorkPlanFactory(year=2100)

    with pytest.raises(ValidationError, match="年度超出范围"):
        plan_copy_to_next_year(plan=plan, actor=admin())
    assert not WorkPlan.objects.filter(year=2101).exists()


def test_copy_is_refused_to_non_administrators(world):
    with pytest.raises(PermissionDenied):
        plan_copy_to_next_year(plan=world.plan, actor=User.objects.get(username="qyb"))
    assert not WorkPlan.objects.filter(year=2025).exists()


def test_a_due_date_of_29_february_becomes_28_february(world):
    with recording(actor=None, source=Source.SYSTEM, verb="测试"):
        task = world.plan.tasks.get(number=3)
        task.due_date = dt.date(2024, 2, 29)
        task.save()

    new = plan_copy_to_next_year(plan=world.plan, actor=admin())

    assert new.tasks.get(number=3).due_date == dt.date(2025, 2, 28)
    assert new.tasks.get(number=4).due_date == dt.date(2025, 12, 31)


def test_copy_is_one_action_in_the_new_plans_history(world):
    user = admin()
    new = plan_copy_to_next_year(plan=world.plan, actor=user)

    action = Action.objects.get(plan=new)
    assert action.verb == "复制计划"
    assert action.summary == "由2024年工作要点复制为2025年草稿"
    assert action.actor == user
    assert action.source == "web"
    events = list(Event.objects.filter(plan=new))
    assert len(events) == 1
    assert events[0].action == action
    assert events[0].object_type == "tasks.workplan"
    assert ["重点工作", "（空）", f"{world.plan.tasks.count()} 项"] in events[0].changes


def test_copy_takes_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    # 40, and 4 for the new quarters: each gives the new plan's figures a new stamp.
    with django_assert_max_num_queries(44):
        plan_copy_to_next_year(plan=world.plan, actor=admin())


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("龙岗区总工会2024年工作思路及要点", "龙岗区总工会2025年工作思路及要点"),
        ("2024 工作要点", "2025 工作要点"),
        ("工作要点", "2025年工作要点"),
    ],
)
def test_next_year_title(title, expected):
    assert next_year_title(title, 2024) == expected


def test_targets_are_copied_exactly(world):
    new = plan_copy_to_next_year(plan=world.plan, actor=admin())
    copied = Indicator.objects.get(task__plan=new, task__number=10, name="律师驻点")
    assert copied.target == Decimal("22.00")
