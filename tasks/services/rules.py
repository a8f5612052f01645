"""Indicator check rules (指标校验规则): administrators set them per indicator; reporters and
reviewers see the warnings they raise (tasks.checks). Every write is recorded on the task."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from departments.models import User
from history.recording import Source, recording
from tasks.models import Indicator, IndicatorKind, IndicatorRule, RuleKind
from unionplan import policies

VERB_RULES = "设置校验规则"
NOTE_MAX = 200
CHECKED_KINDS = (IndicatorKind.COUNT, IndicatorKind.RATE)
BOUND_KINDS = (RuleKind.MIN, RuleKind.MAX)
RELATIVE_KINDS = (RuleKind.NOT_ABOVE, RuleKind.NOT_BELOW)
# Up to ten integer digits and two decimals, as the field stores them; nothing else.
_BOUND = re.compile(r"\d{1,10}(\.\d{1,2})?")


def bound_parse(value: str | Decimal | None) -> Decimal | None:
    """A bound as typed ("100", "95.5") or given; None when blank. ValueError when it is not a
    plain non-negative number with at most two decimals ("1e3", "NaN", "1,000", "-1")."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(value)
        text = format(value, "f")
    else:
        text = str(value).strip()
    if not text:
        return None
    if not _BOUND.fullmatch(text):
        raise ValueError(text)
    try:
        return Decimal(text)
    except InvalidOperation:
        raise ValueError(text) from None


def _validated(
    *,
    indicator: Indicator,
    kind: str,
    bound: str | Decimal | None,
    other: Indicator | None,
    note: str,
) -> tuple[Decimal | None, Indicator | None, str]:
    errors: dict[str, str] = {}
    if indicator.kind not in CHECKED_KINDS:
        errors["indicator"] = (
            f"指标“{indicator.name}”是{indicator.get_kind_display()}，只有数量型、比率型指标"
            "可以设置校验规则。"
        )
    parsed: Decimal | None = None
    if kind not in RuleKind.values:
        errors["kind"] = "请选择规则类型。"
    elif kind in BOUND_KINDS:
        other = None
        try:
            parsed = bound_parse(bound)
        except ValueError:
            errors["bound"] = "界限值须是不小于 0 的数字，最多两位小数，如 100 或 95.5。"
        else:
            if parsed is None:
                errors["bound"] = f"“{RuleKind(kind).label}”规则须填写界限值。"
            elif indicator.kind == IndicatorKind.RATE and parsed > 100:
                errors["bound"] = "界限值：比率型指标的界限值不能超过 100。"
    else:
        if other is None:
            errors["other"] = f"“{RuleKind(kind).label}”规则须选择比较指标。"
        elif other.pk == indicator.pk:
            errors["other"] = "比较指标不能是本指标自己。"
        elif other.task.plan_id != indicator.task.plan_id:
            errors["other"] = "比较指标须是同一年度工作要点中的指标。"
        elif other.kind not in CHECKED_KINDS:
            errors["other"] = f"比较指标“{other.name}”须是数量型或比率型指标。"
    note = (note or "").strip()
    if len(note) > NOTE_MAX:
        errors["note"] = f"提示语最多 {NOTE_MAX} 字，现为 {len(note)} 字。"
    if errors:
        raise ValidationError(errors)
    return parsed, other, note


def _require_admin(user: User) -> None:
    if not policies.can(user, "indicator.rules_manage"):
        raise PermissionDenied("只有系统管理员可以设置指标校验规则。")


def indicator_rule_create(
    *,
    indicator: Indicator,
    user: User,
    kind: str,
    bound: str | Decimal | None = None,
    other: Indicator | None = None,
    note: str = "",
    source: str = Source.WEB,
) -> IndicatorRule:
    """Add a check rule to an indicator (administrators only)."""
    _require_admin(user)
    parsed, other, note = _validated(
        indicator=indicator, kind=kind, bound=bound, other=other, note=note
    )
    summary = f"第 {indicator.task.number} 项指标“{indicator.name}”新增校验规则"
    with (
        transaction.atomic(),
        recording(actor=user, source=source, verb=VERB_RULES, summary=summary, task=indicator.task),
    ):
        rule = IndicatorRule(indicator=indicator, kind=kind, bound=parsed, other=other, note=note)
        rule.save()
    return rule


def indicator_rule_update(
    *,
    rule: IndicatorRule,
    user: User,
    kind: str,
    bound: str | Decimal | None = None,
    other: Indicator | None = None,
    note: str = "",
    source: str = Source.WEB,
) -> IndicatorRule:
    """Change a check rule (administrators only)."""
    _require_admin(user)
    indicator = rule.indicator
    parsed, other, note = _validated(
        indicator=indicator, kind=kind, bound=bound, other=other, note=note
    )
    summary = f"第 {indicator.task.number} 项指标“{indicator.name}”修改校验规则"
    with (
        transaction.atomic(),
        recording(actor=user, source=source, verb=VERB_RULES, summary=summary, task=indicator.task),
    ):
        current = IndicatorRule.objects.select_for_update().get(pk=rule.pk)
        current.kind, current.bound, current.other, current.note = kind, parsed, other, note
        current.save()
    return current


def indicator_rule_delete(*, rule: IndicatorRule, user: User, source: str = Source.WEB) -> None:
    """Remove a check rule (administrators only)."""
    _require_admin(user)
    indicator = rule.indicator
    summary = f"第 {indicator.task.number} 项指标“{indicator.name}”删除校验规则"
    with (
        transaction.atomic(),
        recording(actor=user, source=source, verb=VERB_RULES, summary=summary, task=indicator.task),
    ):
        current = IndicatorRule.objects.filter(pk=rule.pk).first()
        if current is not None:  # already gone: nothing to record
            current.delete()
