"""Pages of the work plan: overview, task list, task page, progress updates and instructions."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect

from departments.models import Unit, UnitKind
from tasks import selectors, services
from tasks.forms import AnswerForm, InstructionForm, ProgressForm
from tasks.models import KeyTask
from tasks.status import COLOUR_LABELS, COLOUR_ORDER, Colour
from unionplan import clock, policies

if TYPE_CHECKING:
    from departments.http import SignedInHttpRequest

TASKS_PER_PAGE = 15


def form_status(request: SignedInHttpRequest, status: int) -> int:
    """htmx swaps only 2xx answers: a re-rendered form goes back as 200 to htmx, else as is."""
    return 200 if request.htmx else status


TIMELINE_LIMIT = 100


@login_required
def home(request: SignedInHttpRequest) -> HttpResponse:
    """Open the current plan, or say what to do when there is none yet."""
    plan = selectors.plan_current(policies.plans_visible_to(request.user))
    if plan is None:
        return render(
            request,
            "tasks/plan_empty.html",
            {"can_manage_plans": policies.can(request.user, "plan.manage")},
            status=200,
        )
    return redirect(plan)


@login_required
def plan_overview(request: SignedInHttpRequest, year: int) -> HttpResponse:
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
    shown = sum(len(s.shown_tasks) for s in sections)  # type: ignore[attr-defined, misc]
    context = {
        "plan": plan,
        "sections": sections,
        "shown_count": shown,
        "plans": policies.plans_visible_to(request.user).order_by("-year"),
        "departments": Unit.objects.filter(kind=UnitKind.DEPARTMENT, is_active=True),
        "lead": lead,
        "query": query,
        "filtered": bool(lead or query),
        "can_manage_plans": policies.can(request.user, "plan.manage"),
        "nav_active": "plan",
    }
    return render(request, "tasks/plan_overview.html", context)


@login_required
@require_GET
def task_list(request: SignedInHttpRequest) -> HttpResponse:
    """Key tasks with colour and progress; filters by section, lead, colour, text and 'mine'."""
    plan = selectors.plan_for_year_param(request.user, request.GET.get("year"), lenient=True)
    if plan is None:
        return render(request, "tasks/plan_empty.html")
    filters = {k: request.GET.get(k, "").strip() for k in ("section", "lead", "colour", "q")}
    mine = request.GET.get("mine") == "1" and getattr(request.user, "unit_id", None) is not None
    tasks = policies.tasks_visible_to(request.user).filter(plan=plan)
    if filters["section"].isdigit():
        tasks = tasks.filter(section_id=int(filters["section"]))
    lead_id = str(request.user.unit_id) if mine else filters["lead"]
    if lead_id.isascii() and lead_id.isdigit() and len(lead_id) < 10:
        tasks = tasks.filter(leads__unit_id=int(lead_id))
    if filters["q"]:
        tasks = tasks.filter(
            Q(title__icontains=filters["q"]) | Q(description__icontains=filters["q"])
        )
    unit = request.GET.get("unit", "")
    if unit.isdigit():  # the dashboard's drill-down from one unit's view
        tasks = tasks.filter(participants__unit_id=int(unit))
    today = clock.today()
    states = selectors.task_states(tasks.distinct(), today)
    if filters["colour"] in Colour.__members__.values():
        states = [s for s in states if s.colour == filters["colour"]]
    if request.GET.get("order") == "lag":
        states.sort(key=lambda s: (COLOUR_ORDER.index(s.colour), -s.behind, s.task.number))
    page = Paginator(states, TASKS_PER_PAGE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "plan": plan,
        "page": page,
        "total": len(states),
        "filters": filters,
        "mine": mine,
        "can_filter_mine": policies.is_staff_of(
            request.user, {getattr(request.user, "unit_id", None)}
        ),
        "sections": plan.sections.order_by("number"),
        "departments": Unit.objects.filter(kind=UnitKind.DEPARTMENT, is_active=True),
        "colours": [(c.value, COLOUR_LABELS[c]) for c in COLOUR_ORDER],
        "can_export": policies.can(request.user, "job.request"),
        "export_lead": lead_id if lead_id.isascii() and lead_id.isdigit() else "",
        "query_string": params.urlencode(),
        "filtered": any(filters.values()) or mine,
        "today": today,
        "nav_active": "tasks",
    }
    return render(request, "tasks/task_list.html", context)


def _task_page(
    request: SignedInHttpRequest,
    task: KeyTask,
    *,
    progress_form: ProgressForm | None = None,
    conflict: services.ConflictError | None = None,
    instruction_form: InstructionForm | None = None,
    answer_forms: dict[int, AnswerForm] | None = None,
    status: int = 200,
    partial: str | None = None,
) -> HttpResponse:
    today = clock.today()
    task = selectors.task_queryset_with_progress(KeyTask.objects.filter(pk=task.pk)).get()
    state = selectors.task_state(task, today)
    can_update = policies.can(request.user, "task.update_progress", task)
    if can_update and progress_form is None:
        progress_form = _blank_progress_form(request, task, today)
    instructions = list(task.instructions.select_related("author", "answered_by"))
    answer_forms = answer_forms or {}
    for instruction in instructions:
        instruction.task = task  # the policy reads the task's prefetched leads
        # can_answer and form are read by the template only; Instruction does not declare them.
        can_answer = policies.can(request.user, "instruction.answer", instruction)
        instruction.can_answer = can_answer  # type: ignore[attr-defined]
        if can_answer and instruction.pk not in answer_forms:
            answer_forms[instruction.pk] = AnswerForm(
                initial={"answer": instruction.answer, "version": instruction.version},
                prefix=f"i{instruction.pk}",
            )
        instruction.form = answer_forms.get(instruction.pk)  # type: ignore[attr-defined]
    timeline = list(selectors.task_timeline(task, request.user)[: TIMELINE_LIMIT + 1])
    unit_entries = list(
        policies.entries_visible_to(request.user)
        .filter(task=task)
        .exclude(state="draft")
        .select_related("report__unit", "report__period")
        .prefetch_related("contributions__indicator", "attachments")
        .order_by("report__period__number", "report__unit__sort_order")
    )
    context: dict[str, Any] = {
        "task": task,
        "plan": task.plan,
        "state": state,
        "today": today,
        "can_update_progress": can_update,
        "can_instruct": policies.can(request.user, "task.instruct", task),
        "progress_form": progress_form,
        "conflict": conflict,
        "instruction_form": instruction_form or InstructionForm(),
        "instructions": instructions,
        "timeline": selectors.timeline_entries(timeline[:TIMELINE_LIMIT]),
        "timeline_truncated": len(timeline) > TIMELINE_LIMIT,
        "updates": list(task.updates.all()),
        "unit_entries": unit_entries,
        "nav_active": "tasks",
    }
    template = "tasks/task_detail.html" + (f"#{partial}" if partial else "")
    return render(request, template, context, status=status)


def _blank_progress_form(request: SignedInHttpRequest, task: KeyTask, today: Any) -> ProgressForm:
    period_id = request.GET.get("period", "")
    periods = task.plan.periods.all()
    period = (
        periods.filter(pk=int(period_id)).first() if period_id.isdigit() else None
    ) or selectors.period_current(task.plan, today)
    if period is None:
        return ProgressForm(task=task, initial={"version": 0})
    update = next((u for u in task.updates.all() if u.period_id == period.pk), None)
    return ProgressForm(task=task, initial=ProgressForm.initial_for(update, period))


@login_required
@require_GET
def task_detail(request: SignedInHttpRequest, pk: int) -> HttpResponse:
    """A key task: description, leads, indicators, progress form, instructions and timeline."""
    task = policies.access_task_by_id(request.user, pk)
    partial = "progress-form" if request.htmx and request.GET.get("period") else None
    return _task_page(request, task, partial=partial)


@login_required
@require_POST
def task_progress(request: SignedInHttpRequest, pk: int) -> HttpResponse:
    """Save the lead department's progress update; stale edits are refused, input kept."""
    task = policies.access_task_by_id(request.user, pk)
    if not policies.can(request.user, "task.update_progress", task):
        raise PermissionDenied("只有牵头部室的工作人员可以更新本项工作的进展。")
    form = ProgressForm(request.POST, task=task)
    partial = "progress-form" if request.htmx else None
    if not form.is_valid():
        return _task_page(
            request, task, progress_form=form, status=form_status(request, 400), partial=partial
        )
    try:
        services.progress_save(
            task=task,
            period=form.cleaned_data["period"],
            user=request.user,
            data=form.to_input(),
            expected_version=form.cleaned_data["version"],
        )
    except ValidationError as exc:
        form.add_service_errors(exc)
        return _task_page(
            request, task, progress_form=form, status=form_status(request, 400), partial=partial
        )
    except services.ConflictError as conflict:
        # Keep everything typed; base the next submit on the current version, so that saving
        # again is a deliberate choice made after seeing the other person's change.
        data: QueryDict = request.POST.copy()
        data["version"] = str(conflict.current.version) if conflict.current else "0"
        form = ProgressForm(data, task=task)
        form.is_valid()
        return _task_page(
            request,
            task,
            progress_form=form,
            conflict=conflict,
            status=form_status(request, 409),
            partial=partial,
        )
    messages.success(request, f"第 {task.number} 项工作的进展已保存。")
    if request.htmx:
        return HttpResponseClientRedirect(task.get_absolute_url())
    return redirect(task)


@login_required
@require_POST
def instruction_create(request: SignedInHttpRequest, pk: int) -> HttpResponse:
    """A leader leaves an instruction on the task."""
    task = policies.access_task_by_id(request.user, pk)
    form = InstructionForm(request.POST)
    if form.is_valid():
        try:
            services.instruction_create(
                task=task, user=request.user, text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            form.add_error("text", exc.message_dict.get("text", exc.messages))
        else:
            messages.success(request, "批示已发送，牵头部室将收到待办。")
            return redirect(f"{task.get_absolute_url()}#instructions")
    return _task_page(request, task, instruction_form=form, status=400)


@login_required
@require_POST
def instruction_answer(request: SignedInHttpRequest, pk: int) -> HttpResponse:
    """The lead department answers an instruction; a concurrent answer is refused, input kept."""
    instruction = policies.access_instruction_by_id(request.user, pk)
    task = policies.access_task_by_id(request.user, instruction.task_id)
    instruction.task = task
    form = AnswerForm(request.POST, prefix=f"i{instruction.pk}")
    if form.is_valid():
        try:
            services.instruction_answer(
                instruction=instruction,
                user=request.user,
                answer=form.cleaned_data["answer"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            form.add_error("answer", exc.message_dict.get("answer", exc.messages))
        except services.ConflictError as conflict:
            messages.error(request, conflict.message)
            data = request.POST.copy()
            data[f"i{instruction.pk}-version"] = str(conflict.current.version)
            form = AnswerForm(data, prefix=f"i{instruction.pk}")
            form.is_valid()
            return _task_page(request, task, answer_forms={instruction.pk: form}, status=409)
        else:
            messages.success(request, "答复已保存。")
            return redirect(f"{task.get_absolute_url()}#instructions")
    return _task_page(request, task, answer_forms={instruction.pk: form}, status=400)


@login_required
@require_GET
def instruction_list(request: SignedInHttpRequest) -> HttpResponse:
    """Open instructions: for a department those on its tasks, for leaders all of them."""
    visible = policies.instructions_visible_to(request.user)
    open_ = selectors.instructions_open_for(request.user, visible).order_by("created_at")
    answered = (
        visible.exclude(answer="")
        .select_related("task__plan", "author", "answered_by")
        .order_by("-answered_at")[:20]
    )
    context = {"open": list(open_), "answered": list(answered), "nav_active": "instructions"}
    return render(request, "tasks/instruction_list.html", context)
