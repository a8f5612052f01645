"""Checks on the figures people report: warnings to verify a number (请核实), never refusals.

Evaluation is pure: ``figure_warnings(figures, context)`` takes the figures in hand (a unit report's
contributions, or a progress update's actuals, by indicator id) and a ``CheckContext`` read once
for a whole page (``progress_warnings`` below for progress updates, reports.selectors for unit
reports) from the plan's cache, so that a list of a hundred entries costs no more than one.

What is checked:

- built in: a rate is between 0 and 100; a count is not negative (both are refused by the forms
  and services already, so these only catch figures that came in another way); a unit's
  cumulative contribution to a count (its approved figures of other reports plus this one) is not
  above its allocation (指标分解);
- administrators' rules (IndicatorRule): ``min``/``max`` compare **the figure being entered** (this
  report's contribution, or this period's figure of the lead department; a rate's value) with the
  bound; ``not_above``/``not_below`` compare **cumulative figures** of two indicators of the same
  plan in the same scope (for a count its running total including the figure being entered, for a
  rate its latest value), e.g. "培训人数累计不高于队伍人数". A rule whose other figure is not known
  in the scope is not evaluated: a missing figure is not a zero.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from tasks.models import (
    Indicator,
    IndicatorAllocation,
    IndicatorKind,
    IndicatorRule,
    KeyTask,
    MeasureUnit,
    ProgressUpdate,
    RuleKind,
    WorkPlan,
)
from tasks.standing import plan_cached

ZERO = Decimal(0)
HUNDRED = Decimal(100)
PLEASE_VERIFY = "请核实"


@dataclass(frozen=True)
class FigureWarning:
    """A figure that looks wrong: shown beside it, in yellow; it does not stop the figure."""

    indicator_id: int
    message: str


@dataclass
class CheckContext:
    """What evaluating figures needs besides the figures themselves, read once per page.

    ``indicators``: every indicator the figures and rules name (name, kind, measure unit).
    ``rules``: the administrators' rules, by the id of the indicator they check.
    ``known``: the scope's figure outside the figures in hand, by indicator id: for a count the
    sum of its other figures (a unit's approved contributions of other reports; the district's
    total of other periods), for a rate its latest value.
    ``allocations``: the unit's share of count indicators (empty outside a unit's scope).
    """

    indicators: Mapping[int, Indicator]
    rules: Mapping[int, list[IndicatorRule]] = field(default_factory=dict)
    known: Mapping[int, Decimal] = field(default_factory=dict)
    allocations: Mapping[int, Decimal] = field(default_factory=dict)


def rules_by_indicator(rules: Iterable[IndicatorRule]) -> dict[int, list[IndicatorRule]]:
    """Rules grouped by the indicator they check, in the order given."""
    grouped: dict[int, list[IndicatorRule]] = {}
    for rule in rules:
        grouped.setdefault(rule.indicator_id, []).append(rule)
    return grouped


def number_text(value: Decimal, indicator: Indicator) -> str:
    """A figure as people write it: "130 人", "95%", "12.5"."""
    number = format(value.normalize(), "f")
    unit = indicator.measure_unit
    if indicator.kind == IndicatorKind.RATE or unit == MeasureUnit.PERCENT:
        return f"{number}%"
    return f"{number} {unit}" if unit else number


def _verify(text: str, note: str = "") -> str:
    return f"{text}，{PLEASE_VERIFY}（{note}）" if note else f"{text}，{PLEASE_VERIFY}"


def _cumulative(
    indicator: Indicator, figures: Mapping[int, Decimal | None], context: CheckContext
) -> Decimal | None:
    """The indicator's running figure in the scope, the figure in hand included; None if the
    scope has no figure for it at all."""
    in_hand = figures.get(indicator.pk)
    known = context.known.get(indicator.pk)
    if indicator.kind == IndicatorKind.RATE:
        return in_hand if in_hand is not None else known
    if in_hand is None and known is None:
        return None
    return (known or ZERO) + (in_hand or ZERO)


def _built_in(
    indicator: Indicator,
    value: Decimal,
    figures: Mapping[int, Decimal | None],
    context: CheckContext,
) -> list[str]:
    name = indicator.name
    if indicator.kind == IndicatorKind.RATE:
        if value < ZERO or value > HUNDRED:
            return [_verify(f"{name}为 {number_text(value, indicator)}，比率应在 0 到 100% 之间")]
        return []
    if value < ZERO:
        return [_verify(f"{name}为 {number_text(value, indicator)}，不应为负数")]
    allocated = context.allocations.get(indicator.pk)
    if indicator.kind == IndicatorKind.COUNT and allocated is not None:
        total = _cumulative(indicator, figures, context) or ZERO
        if total > allocated:
            return [
                _verify(
                    f"{name}本单位累计 {number_text(total, indicator)}，"
                    f"超过本单位分解目标 {number_text(allocated, indicator)}"
                )
            ]
    return []


def _rule_message(
    rule: IndicatorRule,
    indicator: Indicator,
    figures: Mapping[int, Decimal | None],
    context: CheckContext,
) -> str | None:
    name = indicator.name
    if rule.kind in (RuleKind.MIN, RuleKind.MAX):
        value = figures.get(indicator.pk)
        if value is None or rule.bound is None:
            return None
        low = rule.kind == RuleKind.MIN and value < rule.bound
        high = rule.kind == RuleKind.MAX and value > rule.bound
        if not (low or high):
            return None
        what = "本期" if indicator.kind != IndicatorKind.RATE else ""
        word = "低于下限" if low else "高于上限"
        return _verify(
            f"{name}{what}填报 {number_text(value, indicator)}，"
            f"{word} {number_text(rule.bound, indicator)}",
            rule.note,
        )
    other = context.indicators.get(rule.other_id) if rule.other_id else None
    if other is None:
        return None
    mine = _cumulative(indicator, figures, context)
    theirs = _cumulative(other, figures, context)
    if mine is None or theirs is None:
        return None
    above = rule.kind == RuleKind.NOT_ABOVE and mine > theirs
    below = rule.kind == RuleKind.NOT_BELOW and mine < theirs
    if not (above or below):
        return None
    total = "累计" if indicator.kind == IndicatorKind.COUNT else "为"
    return _verify(
        f"{name}{total} {number_text(mine, indicator)}，{'高于' if above else '低于'}"
        f"{other.name} {number_text(theirs, other)}",
        rule.note,
    )


def figure_warnings(
    figures: Mapping[int, Decimal | None], context: CheckContext
) -> list[FigureWarning]:
    """The warnings on ``figures`` (by indicator id; None = not entered), in figure order.

    A relative rule is evaluated when either of its two indicators has a figure in hand; its
    warning goes beside the checked indicator's figure, else beside the other's."""
    warnings: list[FigureWarning] = []
    seen: set[tuple[int, str]] = set()

    def add(indicator_id: int, message: str) -> None:
        if (indicator_id, message) not in seen:
            seen.add((indicator_id, message))
            warnings.append(FigureWarning(indicator_id, message))

    in_hand = [i for i, v in figures.items() if v is not None and i in context.indicators]
    for indicator_id in in_hand:
        indicator = context.indicators[indicator_id]
        value = figures[indicator_id]
        assert value is not None
        for message in _built_in(indicator, value, figures, context):
            add(indicator_id, message)
        for rule in context.rules.get(indicator_id, ()):
            text = _rule_message(rule, indicator, figures, context)
            if text:
                add(indicator_id, text)
    # Rules on other indicators that compare with a figure in hand ("队伍人数" typed lower than
    # the trained count already reported): the warning goes beside the figure that was typed.
    hand = set(in_hand)
    for indicator_id, rules in context.rules.items():
        if indicator_id in hand or indicator_id not in context.indicators:
            continue
        for rule in rules:
            if rule.other_id in hand and rule.kind in (RuleKind.NOT_ABOVE, RuleKind.NOT_BELOW):
                text = _rule_message(rule, context.indicators[indicator_id], figures, context)
                if text:
                    add(rule.other_id, text)
    return warnings


def warnings_by_indicator(warnings: Iterable[FigureWarning]) -> dict[int, list[str]]:
    """Messages grouped by the indicator whose figure they stand beside."""
    grouped: dict[int, list[str]] = {}
    for warning in warnings:
        grouped.setdefault(warning.indicator_id, []).append(warning.message)
    return grouped


# --- reading a context (from the plan's cache: no query once a page has warmed it) -------------


@dataclass(frozen=True)
class PlanChecks:
    """A plan's check rules (each with both its indicators) and the units' allocations."""

    rules: list[IndicatorRule]
    allocations: dict[tuple[int, int], Decimal]  # (unit id, indicator id) -> target

    def rules_for(self, indicator_ids: Iterable[int]) -> list[IndicatorRule]:
        """The rules that check, or compare with, any of ``indicator_ids``."""
        ids = set(indicator_ids)
        return [r for r in self.rules if r.indicator_id in ids or r.other_id in ids]


def plan_checks(plan: WorkPlan) -> PlanChecks:
    """The plan's rules and allocations: two queries once per write of the plan (a rule's
    write gives the plan a new stamp, tasks/apps.py), then read from the cache."""

    def compute() -> PlanChecks:
        rules = IndicatorRule.objects.filter(indicator__task__plan=plan).select_related(
            "indicator", "other"
        )
        allocations = IndicatorAllocation.objects.filter(indicator__task__plan=plan)
        return PlanChecks(
            rules=list(rules.order_by("indicator_id", "pk")),
            allocations={
                (unit_id, indicator_id): target
                for unit_id, indicator_id, target in allocations.values_list(
                    "unit_id", "indicator_id", "target"
                )
            },
        )

    return plan_cached(plan, "figure-checks", compute)


def check_indicators(
    indicators: Iterable[Indicator], rules: Iterable[IndicatorRule]
) -> dict[int, Indicator]:
    """``indicators`` by id, with those the rules name besides them."""
    found = {i.pk: i for i in indicators}
    for rule in rules:
        found.setdefault(rule.indicator_id, rule.indicator)
        if rule.other is not None:
            found.setdefault(rule.other.pk, rule.other)
    return found


def progress_warnings(
    *,
    task: KeyTask,
    update: ProgressUpdate,
    district: Mapping[int, Decimal | None],
) -> list[FigureWarning]:
    """The warnings on a progress update's figures, in the district's scope.

    ``district``: each indicator's district figure by id, as the plan's cached figures hold it
    (a count's total of the lead department's figures of every period, this update's included,
    plus the units' approved contributions; a rate's latest value). ``update.actuals`` and
    ``task.indicators`` prefetched, ``task.plan`` loaded: no query once the plan's cache is warm.
    """
    figures: dict[int, Decimal | None] = {
        a.indicator_id: a.value for a in update.actuals.all() if a.value is not None
    }
    if not figures:
        return []
    rules = plan_checks(task.plan).rules_for(figures)
    indicators = check_indicators(task.indicators.all(), rules)
    known: dict[int, Decimal] = {}
    for pk, indicator in indicators.items():
        total = district.get(pk)
        if total is None:
            continue
        if indicator.kind == IndicatorKind.COUNT:
            known[pk] = total - (figures.get(pk) or ZERO)  # the figure in hand is added back
        else:
            known[pk] = total
    context = CheckContext(indicators=indicators, rules=rules_by_indicator(rules), known=known)
    return figure_warnings(figures, context)
