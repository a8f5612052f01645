"""复制为下一年度 and 年度对比: next year's draft from this year's plan; two years side by side."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.http import require_GET, require_POST

from planning import selectors
from planning.services.copying import plan_copy_to_next_year
from tasks.models import WorkPlan
from unionplan import policies
from unionplan.params import parse_year

if TYPE_CHECKING:
    from departments.http import SignedInHttpRequest


def _plan_edit_url(plan: WorkPlan) -> str:
    """Where a new draft is edited: the plan editor when installed, else the plan's page."""
    for kwargs in ({"year": plan.year}, {"pk": plan.pk}):
        try:
            return reverse("planning:plan_edit", kwargs=kwargs)
        except NoReverseMatch:
            continue
    return plan.get_absolute_url()


@login_required
@require_POST
def plan_copy(request: SignedInHttpRequest, year: int) -> HttpResponse:
    """Copy the year's plan into a draft for the next year (after the hub's confirmation)."""
    policies.require(request.user, "plan.manage")
    plan = policies.access_plan_by_year(request.user, year)
    try:
        new_plan = plan_copy_to_next_year(plan=plan, actor=request.user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect("planning:plan_list")
    messages.success(
        request,
        f"已将{plan.year}年工作要点复制为{new_plan.year}年草稿（含{new_plan.year}年四个季度的"
        f"填报周期）。请核对、修改后发布。",
    )
    return redirect(_plan_edit_url(new_plan))


def _year_param(raw: str | None, plans: list[WorkPlan]) -> WorkPlan | None:
    """The plan a ``?year=``/``?base=`` value names; None when absent; 404 when it names none."""
    if not raw:
        return None
    year = parse_year(raw)
    if year is None:
        raise Http404("年度应为四位数字，如 2024。")
    for plan in plans:
        if plan.year == year:
            return plan
    raise Http404(f"没有 {raw} 年度的工作要点。")


@login_required
@require_GET
def plan_compare(request: SignedInHttpRequest) -> HttpResponse:
    """年度对比: this year's tasks and targets beside the base year's targets and actuals."""
    policies.require(request.user, "plan.manage")
    plans = list(policies.plans_visible_to(request.user).order_by("-year"))
    context: dict[str, object] = {"plans": plans, "nav_active": "planning"}
    other = _year_param(request.GET.get("year"), plans)
    base = _year_param(request.GET.get("base"), plans)
    if len(plans) < 2:
        return render(request, "planning/plan_compare.html", context)
    if other is None:
        other = plans[0]
    if base is None:
        base = next((p for p in plans if p.year < other.year), None)
    context.update(base=base, other=other)
    if base is None or base.year >= other.year:
        context["problem"] = "对比年度应早于本年度，请重新选择。"
        return render(request, "planning/plan_compare.html", context)
    context["comparison"] = selectors.plan_comparison(base=base, other=other)
    return render(request, "planning/plan_compare.html", context)
