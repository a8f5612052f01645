"""指标校验规则: each indicator of a plan with its check rules, and the pages that add, change
and remove them. Administrators only; the warnings they raise are shown to reporters and
reviewers (tasks.checks)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods

from planning.rule_forms import RuleForm
from tasks.checks import number_text
from tasks.models import Indicator, IndicatorKind, IndicatorRule, RuleKind, WorkPlan
from tasks.services import rules as rule_services
from unionplan import policies

if TYPE_CHECKING:
    from departments.http import SignedInHttpRequest

GET_POST = require_http_methods(["GET", "POST"])
CHECKED_KINDS = (IndicatorKind.COUNT, IndicatorKind.RATE)


def rule_text(rule: IndicatorRule) -> str:
    """A rule as the page reads it: "本期填报不高于 500 人", "累计不高于“队伍人数”（第 3 项）"."""
    indicator = rule.indicator
    if rule.kind in (RuleKind.MIN, RuleKind.MAX) and rule.bound is not None:
        word = "不低于" if rule.kind == RuleKind.MIN else "不高于"
        what = "比率" if indicator.kind == IndicatorKind.RATE else "每次填报"
        return f"{what}{word} {number_text(rule.bound, indicator)}"
    other = rule.other
    if other is None:
        return rule.get_kind_display()
    word = "不高于" if rule.kind == RuleKind.NOT_ABOVE else "不低于"
    where = "" if other.task_id == indicator.task_id else f"（第 {other.task.number} 项）"
    return f"累计{word}“{other.name}”{where}"


def _plan(request: SignedInHttpRequest, year: int) -> WorkPlan:
    policies.require(request.user, "indicator.rules_manage")
    if not 2000 <= year <= 2100:
        raise Http404("没有该年度的工作要点。")
    return get_object_or_404(WorkPlan, year=year)


def _indicator(request: SignedInHttpRequest, pk: int) -> Indicator:
    policies.require(request.user, "indicator.rules_manage")
    return get_object_or_404(Indicator.objects.select_related("task__plan"), pk=pk)


def _rule(request: SignedInHttpRequest, pk: int) -> IndicatorRule:
    policies.require(request.user, "indicator.rules_manage")
    return get_object_or_404(
        IndicatorRule.objects.select_related("indicator__task__plan", "other__task"), pk=pk
    )


def _back(plan: WorkPlan, indicator: Indicator) -> HttpResponseRedirect:
    url = reverse("planning:rule_list", kwargs={"year": plan.year})
    return redirect(f"{url}#indicator-{indicator.pk}")


def _render(
    request: SignedInHttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(request, template, {"nav_active": "planning", **context}, status=status)


@login_required
@require_GET
def rule_list(request: SignedInHttpRequest, year: int) -> HttpResponse:
    """Every indicator of the plan, task by task, with its rules and the built-in checks."""
    plan = _plan(request, year)
    indicators = list(
        Indicator.objects.filter(task__plan=plan)
        .select_related("task")
        .prefetch_related(
            Prefetch(
                "rules",
                queryset=IndicatorRule.objects.select_related("other__task").order_by("pk"),
            )
        )
        .order_by("task__number", "order")
    )
    tasks: list[dict[str, Any]] = []
    for indicator in indicators:
        if not tasks or tasks[-1]["task"].pk != indicator.task_id:
            tasks.append({"task": indicator.task, "indicators": []})
        rules = list(indicator.rules.all())
        for rule in rules:
            rule.indicator = indicator  # already read: rule_text needs its name and kind
        tasks[-1]["indicators"].append(
            {
                "indicator": indicator,
                "checked": indicator.kind in CHECKED_KINDS,
                "rules": [(rule, rule_text(rule)) for rule in rules],
            }
        )
    context = {
        "plan": plan,
        "tasks": tasks,
        "rule_count": sum(len(i["rules"]) for t in tasks for i in t["indicators"]),
    }
    return _render(request, "planning/rule_list.html", context)


@login_required
@GET_POST
def rule_create(request: SignedInHttpRequest, pk: int) -> HttpResponse:
    """Add a check rule to an indicator."""
    indicator = _indicator(request, pk)
    plan = indicator.task.plan
    form = RuleForm(request.POST or None, indicator=indicator)
    if request.method == "POST" and form.is_valid():
        try:
            rule_services.indicator_rule_create(
                indicator=indicator, user=request.user, **form.service_kwargs()
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"已为指标“{indicator.name}”新增校验规则。")
            return _back(plan, indicator)
    status = 400 if request.method == "POST" else 200
    context = {"plan": plan, "indicator": indicator, "form": form}
    return _render(request, "planning/rule_form.html", context, status)


@login_required
@GET_POST
def rule_edit(request: SignedInHttpRequest, pk: int) -> HttpResponse:
    """Change a check rule."""
    rule = _rule(request, pk)
    indicator = rule.indicator
    plan = indicator.task.plan
    if request.method == "POST":
        form = RuleForm(request.POST, indicator=indicator)
        if form.is_valid():
            try:
                rule_services.indicator_rule_update(
                    rule=rule, user=request.user, **form.service_kwargs()
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, f"指标“{indicator.name}”的校验规则已保存。")
                return _back(plan, indicator)
    else:
        form = RuleForm(indicator=indicator, initial=RuleForm.initial_for(rule))
    status = 400 if request.method == "POST" else 200
    context = {"plan": plan, "indicator": indicator, "rule": rule, "form": form}
    return _render(request, "planning/rule_form.html", context, status)


@login_required
@GET_POST
def rule_delete(request: SignedInHttpRequest, pk: int) -> HttpResponse:
    """Confirm, then remove a check rule."""
    rule = _rule(request, pk)
    indicator = rule.indicator
    plan = indicator.task.plan
    if request.method == "POST":
        rule_services.indicator_rule_delete(rule=rule, user=request.user)
        messages.success(request, f"已删除指标“{indicator.name}”的校验规则。")
        return _back(plan, indicator)
    context = {
        "plan": plan,
        "what": f"指标“{indicator.name}”的校验规则“{rule_text(rule)}”",
        "blocked": False,
        "note": "删除后填报时不再按此规则提醒。",
        "cancel": reverse("planning:rule_list", kwargs={"year": plan.year})
        + f"#indicator-{indicator.pk}",
    }
    return _render(request, "planning/confirm_delete.html", context)
