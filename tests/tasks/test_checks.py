"""Checks on reported figures (tasks.checks): pure evaluation, no database."""

from __future__ import annotations

from decimal import Decimal

from tasks.checks import CheckContext, FigureWarning, figure_warnings, rules_by_indicator
from tasks.models import Indicator, IndicatorKind, IndicatorRule, RuleKind

D = Decimal
TRAINED = Indicator(pk=1, name="培训人数", kind=IndicatorKind.COUNT, measure_unit="人")
TEAM = Indicator(pk=2, name="队伍人数", kind=IndicatorKind.COUNT, measure_unit="人")
RATE = Indicator(pk=3, name="建会率", kind=IndicatorKind.RATE, measure_unit="%")
POSTS = Indicator(pk=4, name="律师驻点", kind=IndicatorKind.COUNT, measure_unit="个")
ALL = {i.pk: i for i in (TRAINED, TEAM, RATE, POSTS)}


def context(*rules: IndicatorRule, **kwargs: object) -> CheckContext:
    return CheckContext(indicators=ALL, rules=rules_by_indicator(rules), **kwargs)  # type: ignore[arg-type]


def rule(
    indicator: Indicator,
    kind: str,
    *,
    bound: str | None = None,
    other: Indicator | None = None,
    note: str = "",
) -> IndicatorRule:
    return IndicatorRule(
        indicator=indicator,
        kind=kind,
        bound=D(bound) if bound is not None else None,
        other=other,
        note=note,
    )


def test_a_rate_must_lie_between_0_and_100():
    assert figure_warnings({3: D("95")}, context()) == []
    [warning] = figure_warnings({3: D("120")}, context())
    assert warning == FigureWarning(3, "建会率为 120%，比率应在 0 到 100% 之间，请核实")


def test_a_negative_count_is_questioned_not_refused():
    [warning] = figure_warnings({1: D("-3")}, context())
    assert "不应为负数" in warning.message and warning.indicator_id == 1


def test_a_units_cumulative_contribution_above_its_allocation_warns():
    # 2 approved before, 1 now: 3 against a share of 2.
    ctx = context(known={4: D("2")}, allocations={4: D("2")})
    [warning] = figure_warnings({4: D("1")}, ctx)
    assert warning.message == "律师驻点本单位累计 3 个，超过本单位分解目标 2 个，请核实"
    assert figure_warnings({4: D("0")}, ctx) == []  # exactly the share: fine


def test_min_and_max_check_the_figure_being_entered():
    ctx = context(
        rule(TRAINED, RuleKind.MAX, bound="500"),
        rule(RATE, RuleKind.MIN, bound="60"),
        known={1: D("900")},
    )
    assert figure_warnings({1: D("400")}, ctx) == []  # the total is 1300, this figure is 400
    [high] = figure_warnings({1: D("501")}, ctx)
    assert high.message == "培训人数本期填报 501 人，高于上限 500 人，请核实"
    [low] = figure_warnings({3: D("55.5")}, ctx)
    assert low.message == "建会率填报 55.5%，低于下限 60%，请核实"


def test_not_above_compares_cumulative_totals_of_two_indicators():
    ctx = context(rule(TRAINED, RuleKind.NOT_ABOVE, other=TEAM), known={1: D("100"), 2: D("120")})
    [warning] = figure_warnings({1: D("30")}, ctx)
    assert warning == FigureWarning(1, "培训人数累计 130 人，高于队伍人数 120 人，请核实")
    assert figure_warnings({1: D("20")}, ctx) == []  # 120 against 120


def test_typing_the_other_figure_too_low_warns_beside_it():
    ctx = context(rule(TRAINED, RuleKind.NOT_ABOVE, other=TEAM, note="培训人数不应超过队伍总人数"))
    warnings = figure_warnings({1: D("50"), 2: D("40")}, ctx)
    assert [w.indicator_id for w in warnings] == [1]
    only_team = figure_warnings(
        {2: D("40")}, context(rule(TRAINED, RuleKind.NOT_ABOVE, other=TEAM), known={1: D("50")})
    )
    assert only_team == [FigureWarning(2, "培训人数累计 50 人，高于队伍人数 40 人，请核实")]
    assert warnings[0].message.endswith("请核实（培训人数不应超过队伍总人数）")


def test_not_below_and_a_missing_other_figure():
    ctx = context(rule(TEAM, RuleKind.NOT_BELOW, other=POSTS))
    assert figure_warnings({2: D("3")}, ctx) == []  # no 律师驻点 figure: not a zero
    [warning] = figure_warnings({2: D("3"), 4: D("5")}, ctx)
    assert warning.message == "队伍人数累计 3 人，低于律师驻点 5 个，请核实"


def test_figures_not_entered_raise_nothing():
    ctx = context(rule(TRAINED, RuleKind.MIN, bound="1"), allocations={4: D("0")})
    assert figure_warnings({1: None, 4: None}, ctx) == []
