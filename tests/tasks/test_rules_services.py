"""Indicator check rules: what administrators may set, the errors that name the field, and the
record every change leaves."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from history.models import Action, Event
from tasks.models import IndicatorRule, KeyTask, RuleKind
from tasks.services.rules import (
    indicator_rule_create,
    indicator_rule_delete,
    indicator_rule_update,
)


def _indicators(world):  # noqa: ANN001, ANN202
    task = world.task  # task 10: four count indicators
    first, second = list(task.indicators.order_by("order"))[:2]
    return first, second


def _errors(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


def test_min_and_max_need_a_plain_bound(world):
    admin = world.user("admin")
    indicator, _ = _indicators(world)
    with pytest.raises(ValidationError) as missing:
        indicator_rule_create(indicator=indicator, user=admin, kind=RuleKind.MIN, bound="")
    assert "界限值" in _errors(missing)["bound"][0]
    for typed in ("1e3", "NaN", "1,000", "-1", "12.345", "十"):
        with pytest.raises(ValidationError) as bad:
            indicator_rule_create(indicator=indicator, user=admin, kind=RuleKind.MAX, bound=typed)
        assert "界限值" in _errors(bad)["bound"][0], typed
    with pytest.raises(ValidationError) as kind:
        indicator_rule_create(indicator=indicator, user=admin, kind="between", bound="3")
    assert "规则" in _errors(kind)["kind"][0]


def test_relative_rules_need_another_indicator_of_the_same_plan(world):
    admin = world.user("admin")
    indicator, other = _indicators(world)
    with pytest.raises(ValidationError) as missing:
        indicator_rule_create(indicator=indicator, user=admin, kind=RuleKind.NOT_ABOVE)
    assert "比较指标" in _errors(missing)["other"][0]
    with pytest.raises(ValidationError) as itself:
        indicator_rule_create(
            indicator=indicator, user=admin, kind=RuleKind.NOT_ABOVE, other=indicator
        )
    assert "本指标自己" in _errors(itself)["other"][0]
    elsewhere = KeyTask.objects.exclude(plan=world.plan).filter(indicators__kind="count").first()
    if elsewhere is not None:
        with pytest.raises(ValidationError) as plan:
            indicator_rule_create(
                indicator=indicator,
                user=admin,
                kind=RuleKind.NOT_BELOW,
                other=elsewhere.indicators.filter(kind="count").first(),
            )
        assert "同一年度" in _errors(plan)["other"][0]


def test_only_administrators_set_rules(world):
    indicator, _ = _indicators(world)
    for role in ("staff_lead", "leader", "reporter"):
        with pytest.raises(PermissionDenied):
            indicator_rule_create(
                indicator=indicator, user=world.user(role), kind=RuleKind.MAX, bound="5"
            )
    assert not IndicatorRule.objects.exists()


def test_every_change_of_a_rule_is_recorded_on_its_task(world):
    admin = world.user("admin")
    indicator, other = _indicators(world)
    rule = indicator_rule_create(
        indicator=indicator, user=admin, kind=RuleKind.MAX, bound="50", other=other, note=" 上限 "
    )
    assert (rule.bound, rule.other, rule.note) == (Decimal("50"), None, "上限")
    rule = indicator_rule_update(
        rule=rule, user=admin, kind=RuleKind.NOT_ABOVE, bound="50", other=other
    )
    assert (rule.kind, rule.bound, rule.other_id) == (RuleKind.NOT_ABOVE, None, other.pk)
    indicator_rule_delete(rule=rule, user=admin)
    assert not IndicatorRule.objects.exists()
    actions = Action.objects.filter(task=world.task, verb="设置校验规则").order_by("pk")
    assert [a.summary for a in actions] == [
        f"第 10 项指标“{indicator.name}”新增校验规则",
        f"第 10 项指标“{indicator.name}”修改校验规则",
        f"第 10 项指标“{indicator.name}”删除校验规则",
    ]
    assert [e.kind for e in Event.objects.filter(action__in=actions).order_by("pk")] == [
        "create",
        "update",
        "delete",
    ]
    assert all(a.actor_id == admin.pk for a in actions)


def test_the_lead_department_sees_the_warning_beside_its_saved_figure(world):
    from decimal import Decimal as D

    from tasks.services import ActualInput, ProgressInput, progress_save

    indicator, _ = _indicators(world)
    indicator_rule_create(
        indicator=indicator, user=world.user("admin"), kind=RuleKind.MAX, bound="5"
    )
    q4 = world.period(4)
    progress_save(
        task=world.task,
        period=q4,
        user=world.user("staff_lead"),
        data=ProgressInput(
            status="in_progress",
            percent=90,
            progress="推进中",
            problems="无",
            actuals={indicator.pk: ActualInput(value=D("8"))},
        ),
        expected_version=0,
    )
    page = world.client("staff_lead").get(f"/tasks/{world.task.pk}/?period={q4.pk}")
    unit = indicator.measure_unit
    assert f"{indicator.name}本期填报 8 {unit}，高于上限 5 {unit}，请核实" in page.content.decode()
