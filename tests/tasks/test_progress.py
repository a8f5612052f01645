"""Progress updates: who may write them, what they must contain, and no lost edits."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from history.models import Event
from tasks.models import IndicatorKind, ProgressUpdate
from tasks.selectors import task_queryset_with_progress, task_state
from tasks.services import ActualInput, ConflictError, ProgressInput, progress_save
from tasks.status import Colour

DAY = dt.date(2024, 10, 20)  # the demo's "today": about 80 % of the year elapsed


@pytest.fixture
def pinned(settings):
    settings.UNIONPLAN_TODAY = DAY
    return DAY


def data(**overrides) -> ProgressInput:
    values = {"status": "in_progress", "percent": 90, "progress": "第四季度持续推进。"}
    values.update(overrides)
    return ProgressInput(**values)


def save(world, role="staff_lead", version=0, period=4, **overrides):
    return progress_save(
        task=world.task,
        period=world.period(period),
        user=world.user(role),
        data=data(**overrides),
        expected_version=version,
    )


def state(world):
    task = task_queryset_with_progress(type(world.task).objects.filter(pk=world.task.pk)).get()
    return task_state(task, DAY)


def test_lead_department_saves_an_update_and_it_is_recorded(world, pinned):
    update = save(world)
    assert update.version == 1 and update.updated_by.username == "qyb"
    event = Event.objects.filter(object_type="tasks.progressupdate", object_id=str(update.pk)).get()
    assert event.actor.username == "qyb" and event.source == "web" and event.task == world.task
    assert ["完成进度（%）", "（空）", "90"] in event.changes
    assert state(world).percent == 90


def test_count_actuals_add_up_across_periods_and_rates_take_the_latest(world, pinned):
    indicators = {i.name: i for i in world.task.indicators.all()}
    lawyers = indicators["律师驻点"]
    before = next(s for s in state(world).indicators if s.indicator == lawyers).actual
    save(world, actuals={lawyers.pk: ActualInput(value=Decimal(3))})
    after = next(s for s in state(world).indicators if s.indicator == lawyers).actual
    assert after == before + 3


def test_edit_with_the_current_version_succeeds_and_bumps_it(world, pinned):
    first = save(world)
    second = save(world, version=first.version, percent=95)
    assert second.pk == first.pk and second.version == 2 and second.percent == 95


def test_stale_edit_is_refused_and_nothing_is_overwritten(world, pinned):
    first = save(world, progress="甲的内容")
    save(world, version=1, progress="乙先保存的内容")
    with pytest.raises(ConflictError) as info:
        save(world, version=1, progress="甲基于旧版本的内容")
    assert info.value.current.progress == "乙先保存的内容"
    assert "修改了第四季度的进展" in info.value.message
    assert ProgressUpdate.objects.get(pk=first.pk).progress == "乙先保存的内容"


def test_two_first_saves_of_the_same_period_cannot_both_win(world, pinned):
    save(world, progress="先到")
    with pytest.raises(ConflictError):
        save(world, progress="后到")
    assert ProgressUpdate.objects.get(task=world.task, period=world.period(4)).progress == "先到"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"percent": 101}, "percent", "0 到 100"),
        ({"percent": -1}, "percent", "0 到 100"),
        ({"progress": "  "}, "progress", "请填写进展情况"),
        ({"status": "done", "percent": 90}, "percent", "应为 100%"),
        ({"percent": 40}, "problems", "请填写存在问题"),
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(world, pinned, overrides, field, message):
    with pytest.raises(ValidationError) as info:
        save(world, **overrides)
    assert message in " ".join(info.value.message_dict[field])
    assert not ProgressUpdate.objects.filter(task=world.task, period=world.period(4)).exists()


def test_lagging_update_with_its_problems_stated_is_accepted(world, pinned):
    update = save(
        world, percent=40, problems="场地协调困难。", regression_reason="驻点选址推倒重来。"
    )
    assert update.problems == "场地协调困难。"
    assert state(world).colour == Colour.RED


def test_negative_count_and_rate_over_100_are_refused(world, pinned):
    count = world.task.indicators.filter(kind=IndicatorKind.COUNT).first()
    with pytest.raises(ValidationError) as info:
        save(world, actuals={count.pk: ActualInput(value=Decimal(-1))})
    assert "不能为负数" in info.value.message_dict[f"actual_{count.pk}"][0]
    rate = world.plan.tasks.get(number=11).indicators.filter(kind=IndicatorKind.RATE).first()
    with pytest.raises(ValidationError) as info:
        progress_save(
            task=rate.task,
            period=world.period(4),
            user=world.user("staff_lead"),
            data=data(actuals={rate.pk: ActualInput(value=Decimal(101))}),
            expected_version=0,
        )
    assert "不能超过 100%" in info.value.message_dict[f"actual_{rate.pk}"][0]


@pytest.mark.parametrize("role", ["staff_other", "leader", "reporter"])
def test_only_the_lead_department_may_update(world, pinned, role):
    with pytest.raises(PermissionDenied):
        save(world, role=role)


def test_locked_period_is_refused(world, pinned):
    period = world.period(4)
    period.is_locked = True
    period.save()
    with pytest.raises(ValidationError) as info:
        save(world)
    assert "已锁定" in info.value.message_dict["period"][0]


def test_said_done_is_not_done_until_the_indicators_are_met(world, pinned):
    save(world, status="done", percent=100)
    assert state(world).colour != Colour.DONE  # 律师驻点 etc. are short of target
    indicators = world.task.indicators.all()
    actuals = {i.pk: ActualInput(value=i.target) for i in indicators}
    save(world, version=1, status="done", percent=100, actuals=actuals)
    assert state(world).colour == Colour.DONE
