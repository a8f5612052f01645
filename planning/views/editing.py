"""编辑工作要点: the plan's meta, sections, key tasks and indicators, edited on pages.

Administrators only. Each view parses, checks the policy, calls one service of
planning.services.editing and renders; refusals come back as Chinese messages.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from planning.editing_forms import IndicatorForm, PlanForm, SectionForm, TaskForm
from planning.services import editing
from tasks.models import Indicator, KeyTask, PlanStatus, Section, WorkPlan
from tasks.selectors import plan_sections_with_tasks
from tasks.services.periods import plan_rhythm_set, task_rhythm_set
from unionplan import policies

if TYPE_CHECKING:
    from departments.http import SignedInHttpRequest

GET_POST = require_http_methods(["GET", "POST"])


def _plan(request: SignedInHttpRequest, year: int) -> WorkPlan:
    policies.require(request.user, "plan.manage")
    if not 2000 <= year <= 2100:
        raise Http404("没有该年度的工作要点。")
    return get_object_or_404(WorkPlan, year=year)


def _section(request: SignedInHttpRequest, pk: int) -> Section:
    policies.require(request.user, "plan.manage")
    return get_object_or_404(Section.objects.select_related("plan"), pk=pk)


def _task(request: SignedInHttpRequest, pk: int) -> KeyTask:
    policies.require(request.user, "plan.manage")
    return get_object_or_404(KeyTask.objects.select_related("plan", "section"), pk=pk)


def _indicator(request: SignedInHttpRequest, pk: int) -> Indicator:
    policies.require(request.user, "plan.manage")
    return get_object_or_404(Indicator.objects.select_related("task__plan", "task__section"), pk=pk)


def _back(plan: WorkPlan, anchor: str = "") -> HttpResponseRedirect:
    url = reverse("planning:plan_edit", kwargs={"year": plan.year})
    return redirect(f"{url}#{anchor}" if anchor else url)


def _refused(request: SignedInHttpRequest, error: ValidationError) -> None:
    for text in error.messages:
        messages.error(request, text)


def _render(
    request: SignedInHttpRequest, template: str, context: dict[str, Any], status: int = 200
) -> HttpResponse:
    return render(request, template, {"nav_active": "planning", **context}, status=status)


# --- the plan -----------------------------------------------------------------------------


@login_required
@GET_POST
def plan_edit(request: SignedInHttpRequest, year: int) -> HttpResponse:
    """The plan's meta form and every section with its tasks, with their edit buttons."""
    plan = _plan(request, year)
    status = 200
    if request.method == "POST":
        form = PlanForm(request.POST)
        if form.is_valid():
            try:
                editing.plan_update(plan=plan, user=request.user, data=form.to_input())
                rhythm = form.cleaned_data.get("rhythm")
                if rhythm and rhythm != plan.rhythm:
                    plan_rhythm_set(plan=plan, user=request.user, rhythm=rhythm)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, "工作要点已保存。")
                return _back(plan)
        status = 400
    else:
        form = PlanForm(initial=PlanForm.initial_for(plan))
    sections = plan_sections_with_tasks(plan, plan.tasks.all())
    context = {
        "plan": plan,
        "form": form,
        "sections": sections,
        "task_count": sum(len(getattr(s, "shown_tasks", ())) for s in sections),
        "is_draft": plan.status == PlanStatus.DRAFT,
    }
    return _render(request, "planning/plan_edit.html", context, status)


@login_required
@require_POST
def plan_publish(request: SignedInHttpRequest, year: int) -> HttpResponse:
    """Publish a draft plan; its four quarters are created."""
    plan = _plan(request, year)
    try:
        editing.plan_publish(plan=plan, user=request.user)
    except ValidationError as exc:
        _refused(request, exc)
        return _back(plan)
    messages.success(request, f"{plan.year} 年工作要点已发布，各单位现在可以看到并填报。")
    return redirect(reverse("planning:plan_list"))


# --- sections -----------------------------------------------------------------------------


@login_required
@GET_POST
def section_create(request: SignedInHttpRequest, year: int) -> HttpResponse:
    """Add a section at the end of the plan."""
    plan = _plan(request, year)
    form = SectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            section = editing.section_create(plan=plan, user=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"已新增板块“{section.numeral}、{section.title}”。")
            return _back(plan, f"section-{section.pk}")
    status = 400 if request.method == "POST" else 200
    return _render(request, "planning/section_form.html", {"plan": plan, "form": form}, status)


@login_required
@GET_POST
def section_edit(request: SignedInHttpRequest, pk: int) -> HttpResponse:
    """Change a section's title and lead-in."""
    section = _section(request, pk)
    if request.method == "POST":
        form = SectionForm(request.POST)
        if form.is_valid():
            try:
                editing.section_update(section=section, user=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, "板块已保存。")
                return _back(section.plan, f"section-{section.pk}")
    else:
        form = SectionForm(initial={"title": section.title, "description": section.description})
    status = 400 if request.method == "POST" else 200
    context = {"plan": section.plan, "section": section, "form": form}
    return _render(request, "planning/section_form.html", context, status)


@login_required
@GET_POST
def section_delete(request: SignedInHttpRequest, pk: int) -> HttpResponse:
    """Confirm, then remove an empty section."""
    section = _section(request, pk)
    if request.method == "POST":
        try:
            editing.section_delete(section=section, user=request.user)
        except ValidationError as exc:
            _refused(request, exc)
            return _back(section.plan, f"section-{section.pk}")
        messages.success(request, f"已删除板块“{section.title}”。")
        return _back(section.plan)
    context = {
        "plan": section.plan,
        "what": f"板块“{section.numeral}、{section.title}”",
        "blocked": section.tasks.count(),
        "blocked_text": "该板块下还有重点工作，请先删除或移走这些重点工作。",
        "cancel": reverse("planning:plan_edit", kwargs={"year": section.plan.year}),
    }
    return _render(request, "planning/confirm_delete.html", context)


@login_required
@require_POST
def section_move(request: SignedInHttpRequest, pk: int) -> HttpResponse:
    """Move a section up or down one place."""
    section = _section(request, pk)
    try:
        editing.section_move(
            section=section, user=request.user, direction=request.POST.get("direction", "")
        )
    except ValidationError as exc:
        _refused(request, exc)
    return _back(section.plan, f"section-{section.pk}")


# --- key tasks ----------------------------------------------------------------------------


@login_required
@GET_POST
def task_create(request: SignedInHttpRequest, pk: int) -> HttpResponse:
    """Add a key task at the end of a section."""
    section = _section(request, pk)
    plan = section.plan
    if request.method == "POST":
        form = TaskForm(request.POST, plan=plan, lead_slots=_lead_slots(request))
        if form.is_valid():
            try:
                task = editing.task_create(
                    section=form.cleaned_data["section"],
                    user=request.user,
                    data=form.to_input(),
                    leads=form.chosen_leads(),
                    participants=form.chosen_participants(),
                )
                if form.cleaned_data.get("rhythm"):
                    task_rhythm_set(
                        task=task, user=request.user, rhythm=form.cleaned_data["rhythm"]
                    )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, f"已新增第 {task.number} 项重点工作。")
                return _back(plan, f"task-{task.pk}")
    else:
        form = TaskForm(
            plan=plan, initial={"section": section.pk, "due_date": f"{plan.year}-12-31"}
        )
    status = 400 if request.method == "POST" else 200
    context = {"plan": plan, "section": section, "form": form}
    return _render(request, "planning/task_form.html", context, status)


@login_required
@GET_POST
def task_edit(request: SignedInHttpRequest, pk: int) -> HttpResponse:
    """Change a task: fields, section, leads, participants and quarterly node targets."""
    task = _task(request, pk)
    plan = task.plan
    if request.method == "POST":
        form = TaskForm(request.POST, plan=plan, lead_slots=_lead_slots(request))
        if form.is_valid():
            try:
                task = editing.task_update(
                    task=task,
                    user=request.user,
                    data=form.to_input(),
                    section=form.cleaned_data["section"],
                    leads=form.chosen_leads(),
                    participants=form.chosen_participants(),
                )
                if form.cleaned_data.get("rhythm", "") != task.rhythm:
                    task_rhythm_set(
                        task=task, user=request.user, rhythm=form.cleaned_data["rhythm"]
                    )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, f"第 {task.number} 项重点工作已保存。")
                return _back(plan, f"task-{task.pk}")
    else:
        form = TaskForm(
            plan=plan, initial=TaskForm.initial_for(task), lead_slots=task.leads.count() + 1
        )
    status = 400 if request.method == "POST" else 200
    context = {"plan": plan, "section": task.section, "task": task, "form": form}
    return _render(request, "planning/task_form.html", context, status)


def _lead_slots(request: SignedInHttpRequest) -> int:
    """As many lead selects as were posted (so that nothing typed is lost)."""
    return sum(1 for key in request.POST if key.startswith("lead_"))


@login_required
@GET_POST
def task_delete(request: SignedInHttpRequest, pk: int) -> HttpResponse:
    """Confirm, then remove a task nobody has worked on."""
    task = _task(request, pk)
    if request.method == "POST":
        try:
            editing.task_delete(task=task, user=request.user)
        except ValidationError as exc:
            _refused(request, exc)
            return _back(task.plan, f"task-{task.pk}")
        messages.success(request, f"已删除第 {task.number} 项“{task.title}”，其后各项已重新编号。")
        return _back(task.plan, f"section-{task.section_id}")
    worked = task.updates.exists() or task.instructions.exists() or task.entries.exists()
    context = {
        "plan": task.plan,
        "what": f"第 {task.number} 项重点工作“{task.title}”",
        "blocked": worked,
        "blocked_text": "本项工作已有工作进展、领导批示或单位填报，不能删除。",
        "note": "其后的重点工作将依次前移编号。",
        "cancel": reverse("planning:plan_edit", kwargs={"year": task.plan.year})
        + f"#task-{task.pk}",
    }
    return _render(request, "planning/confirm_delete.html", context)


@login_required
@require_POST
def task_move(request: SignedInHttpRequest, pk: int) -> HttpResponse:
    """Move a task up or down within its section."""
    task = _task(request, pk)
    try:
        editing.task_move(task=task, user=request.user, direction=request.POST.get("direction", ""))
    except ValidationError as exc:
        _refused(request, exc)
    return _back(task.plan, f"task-{task.pk}")


# --- indicators ---------------------------------------------------------------------------


@login_required
@GET_POST
def indicator_create(request: SignedInHttpRequest, pk: int) -> HttpResponse:
    """Add an indicator to a task, with its allocations per participating unit."""
    task = _task(request, pk)
    form = IndicatorForm(request.POST or None, task=task, initial={"comparator": "gte"})
    if request.method == "POST" and form.is_valid():
        try:
            editing.indicator_create(
                task=task,
                user=request.user,
                data=form.to_input(),
                allocations=form.allocations(),
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        else:
            messages.success(request, f"第 {task.number} 项已新增指标。")
            return _back(task.plan, f"task-{task.pk}")
    status = 400 if request.method == "POST" else 200
    context = {"plan": task.plan, "task": task, "form": form}
    return _render(request, "planning/indicator_form.html", context, status)


@login_required
@GET_POST
def indicator_edit(request: SignedInHttpRequest, pk: int) -> HttpResponse:
    """Change an indicator and its allocations."""
    indicator = _indicator(request, pk)
    task = indicator.task
    if request.method == "POST":
        form = IndicatorForm(request.POST, task=task)
        if form.is_valid():
            try:
                editing.indicator_update(
                    indicator=indicator,
                    user=request.user,
                    data=form.to_input(),
                    allocations=form.allocations(),
                )
            except ValidationError as exc:
                form.add_service_errors(exc)
            else:
                messages.success(request, "指标已保存。")
                return _back(task.plan, f"task-{task.pk}")
    else:
        form = IndicatorForm(task=task, initial=IndicatorForm.initial_for(indicator))
    status = 400 if request.method == "POST" else 200
    context = {"plan": task.plan, "task": task, "indicator": indicator, "form": form}
    return _render(request, "planning/indicator_form.html", context, status)


@login_required
@GET_POST
def indicator_delete(request: SignedInHttpRequest, pk: int) -> HttpResponse:
    """Confirm, then remove an indicator nobody has reported on."""
    indicator = _indicator(request, pk)
    task = indicator.task
    if request.method == "POST":
        try:
            editing.indicator_delete(indicator=indicator, user=request.user)
        except ValidationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, f"已删除指标“{indicator.name}”。")
        return _back(task.plan, f"task-{task.pk}")
    context = {
        "plan": task.plan,
        "what": f"第 {task.number} 项的指标“{indicator.name}”",
        "blocked": indicator.actuals.exists() or indicator.contributions.exists(),
        "blocked_text": "该指标已有完成值或单位填报的数据，不能删除。",
        "cancel": reverse("planning:plan_edit", kwargs={"year": task.plan.year})
        + f"#task-{task.pk}",
    }
    return _render(request, "planning/confirm_delete.html", context)
