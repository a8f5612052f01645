"""The leaders' dashboard, and the same view scoped to a department or a unit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from dashboard.selectors import build_dashboard
from dashboard.todo import todo_for
from departments.models import REPORTING_KINDS, Unit, UnitKind
from reports.selectors import GRID_LABELS
from tasks.selectors import plan_for_year_param
from unionplan import clock, policies
from unionplan.params import parse_id

if TYPE_CHECKING:
    from departments.http import SignedInHttpRequest


@login_required
@require_GET
def dashboard(request: SignedInHttpRequest) -> HttpResponse:
    """Whole plan for leaders and admins; a department's tasks or a unit's part on request.

    Staff open their department's view by default; reporters only ever see their own unit's.
    """
    user = request.user
    plan = plan_for_year_param(user, request.GET.get("year"))
    if plan is None:
        return render(request, "tasks/plan_empty.html")
    tasks = policies.tasks_visible_to(user).filter(plan=plan)
    lead, unit = request.GET.get("lead", ""), request.GET.get("unit", "")
    is_reporter = user.role == "reporter"
    if is_reporter:
        unit = unit or str(user.unit_id)
        if unit != str(user.unit_id):
            raise Http404("填报员只能查看本单位的情况。")
    elif user.role == "staff" and not lead and not unit and request.GET.get("all") != "1":
        lead = str(user.unit_id)
    scope_unit = None
    if unit:
        scope_unit = Unit.objects.filter(pk=parse_id(unit) or 0, kind__in=REPORTING_KINDS).first()
        if scope_unit is None:
            raise Http404("没有该单位，或它不参与重点工作。")
        tasks = tasks.filter(participants__unit=scope_unit)
        scope, task_filter = f"{scope_unit.name}参与的工作", f"&unit={scope_unit.pk}"
    elif lead:
        department = Unit.objects.filter(pk=parse_id(lead) or 0, kind=UnitKind.DEPARTMENT).first()
        if department is None:
            raise Http404("没有该部室。")
        tasks = tasks.filter(leads__unit=department)
        scope, task_filter = f"{department.name}牵头的工作", f"&lead={department.pk}"
    else:
        scope, task_filter = "全部重点工作", ""
    data = build_dashboard(
        plan=plan,
        tasks=tasks.distinct(),
        today=clock.today(),
        scope_label=scope,
        task_filter=task_filter,
        unit=scope_unit,
        with_grid=policies.can(user, "grid.view") or scope_unit is not None,
    )
    can_remind = policies.can(user, "reminder.send", None)
    context = {
        "d": data,
        "overdue": data.grid.overdue() if data.grid is not None and can_remind else None,
        "can_remind": can_remind,
        "can_view_grid": policies.can(user, "grid.view"),
        "openable": (
            policies.report_ids_visible_to(user, plan, shown=data.grid.reports())
            if data.grid is not None
            else set()
        ),
        "legend": GRID_LABELS.items(),
        "charts": data.charts(),
        "plans": policies.plans_visible_to(user).order_by("-year"),
        "departments": Unit.objects.filter(kind=UnitKind.DEPARTMENT, is_active=True),
        "is_reporter": is_reporter,
        "scoped": bool(lead or unit),
        "lead_id": parse_id(lead) if not unit else None,
        "weights": settings.UNIONPLAN_RANKING_WEIGHTS,
        "nav_active": "dashboard",
    }
    return render(request, "dashboard/dashboard.html", context)


@login_required
@require_GET
def todo(request: SignedInHttpRequest) -> HttpResponse:
    """待办: what waits for the user's department (staff) or for every department and the
    system (administrators). Leaders and reporters have their own homes (驾驶舱, 季度填报)."""
    if not policies.can(request.user, "todo.view"):
        raise PermissionDenied("待办页面供部室工作人员和系统管理员使用。")
    context = {
        "t": todo_for(request.user, clock.today()),
        "is_admin": policies.is_admin(request.user),
        "nav_active": "todo",
    }
    return render(request, "dashboard/todo.html", context)
