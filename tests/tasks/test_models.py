"""What the database itself refuses to store."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction

from history.recording import Source, recording
from tasks.models import Indicator, IndicatorKind, KeyTask, WorkPlan
from tests.factories import IndicatorFactory, KeyTaskFactory, WorkPlanFactory


def refused(create) -> bool:  # noqa: ANN001
    try:
        with transaction.atomic(), recording(actor=None, source=Source.SYSTEM, verb="准备测试数据"):
            create()
    except IntegrityError:
        return True
    return False


@pytest.mark.django_db
def test_two_plans_for_one_year_are_refused():
    WorkPlanFactory(year=2050)
    assert refused(lambda: WorkPlan.objects.create(year=2050, title="重复"))


@pytest.mark.django_db
def test_duplicate_task_number_in_a_plan_is_refused_but_allowed_across_plans():
    task = KeyTaskFactory(number=7)
    assert refused(
        lambda: KeyTask.objects.create(
            plan=task.plan,
            section=task.section,
            number=7,
            title="x",
            description="x",
            due_date=task.due_date,
        )
    )
    other = KeyTaskFactory(number=7)
    assert other.plan != task.plan


@pytest.mark.django_db
def test_negative_target_is_refused():
    task = KeyTaskFactory()
    assert refused(lambda: IndicatorFactory(task=task, target=-1))


@pytest.mark.django_db
def test_rate_over_one_hundred_percent_is_refused_but_a_count_over_100_is_fine():
    task = KeyTaskFactory()
    assert refused(
        lambda: IndicatorFactory(task=task, kind=IndicatorKind.RATE, measure_unit="%", target=101)
    )
    IndicatorFactory(task=task, kind=IndicatorKind.RATE, measure_unit="%", target=100)
    IndicatorFactory(task=task, kind=IndicatorKind.COUNT, target=140)


@pytest.mark.django_db
def test_count_indicator_without_target_is_refused_but_a_milestone_needs_none():
    task = KeyTaskFactory()
    assert refused(lambda: IndicatorFactory(task=task, target=None))
    with recording(actor=None, source=Source.SYSTEM, verb="准备测试数据"):
        Indicator.objects.create(task=task, name="建成", kind=IndicatorKind.MILESTONE)


@pytest.mark.django_db
def test_target_display_reads_as_the_plan_writes_it():
    task = KeyTaskFactory()
    assert (
        IndicatorFactory(task=task, comparator="gte", target=22, measure_unit="个").target_display
        == "≥ 22 个"
    )
    assert (
        IndicatorFactory(task=task, comparator="eq", target=55, measure_unit="家").target_display
        == "55 家"
    )
    rate = IndicatorFactory(task=task, kind="rate", comparator="gte", target=90, measure_unit="%")
    assert rate.target_display == "≥ 90%"
