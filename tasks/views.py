"""Pages of the work plan: the start page, the plan overview and the task page."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from departments.models import Unit, UnitKind
from tasks import selectors
from unionplan import policies


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Open the current plan, or say what to do when there is none yet."""
    plan = selectors.plan_current(policies.plans_visible_to(request.user))
    if plan is None:
        return render(request, "tasks/plan_empty.html", status=200)
    return redirect(plan)


@login_required
def plan_overview(request: HttpRequest, year: int) -> HttpResponse:
    """The plan's sections and key tasks with their leads, participants and targets."""
    plan = policies.access_plan_by_year(request.user, year)
    tasks = policies.tasks_visible_to(request.user)
    lead = request.GET.get("lead", "").strip()
    query = request.GET.get("q", "").strip()
    if lead.isdigit():
        tasks = tasks.filter(leads__unit_id=int(lead))
    if query:
        tasks = tasks.filter(Q(title__icontains=query) | Q(description__icontains=query))
    sections = selectors.plan_sections_with_tasks(plan, tasks.distinct())
    shown = sum(len(s.shown_tasks) for s in sections)
    context = {
        "plan": plan,
        "sections": sections,
        "shown_count": shown,
        "plans": policies.plans_visible_to(request.user).order_by("-year"),
        "departments": Unit.objects.filter(kind=UnitKind.DEPARTMENT, is_active=True),
        "lead": lead,
        "query": query,
        "filtered": bool(lead or query),
    }
    return render(request, "tasks/plan_overview.html", context)


@login_required
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A key task: description, leads, participants and indicators."""
    task = policies.access_task_by_id(request.user, pk)
    context = {
        "task": task,
        "plan": task.plan,
        "can_update_progress": policies.can(request.user, "task.update_progress", task),
    }
    return render(request, "tasks/task_detail.html", context)
