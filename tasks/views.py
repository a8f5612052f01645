"""Pages of the work plan: overview, task list, task page, progress updates and instructions."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseClientRedirect, HttpResponseClientRefresh

from departments.models import Unit, UnitKind
from tasks import selectors, services, standing
from tasks.checks import progress_warnings, warnings_by_indicator
from tasks.forms import (
    AnswerForm,
    CloseForm,
    FollowUpForm,
    InstructionForm,
    OccurrenceForm,
    ProgressForm,
)
from tasks.models import (
    CadenceOccurrence,
    IndicatorKind,
    Instruction,
    InstructionState,
    KeyTask,
    WorkPlan,
)
from tasks.services import cadence as cadence_services
from tasks.status import COLOUR_LABELS, COLOUR_ORDER
from unionplan import clock, policies
from unionplan.params import parse_id

if TYPE_CHECKING:
    from departments.http import SignedInHttpRequest

TASKS_PER_PAGE = 15


def form_status(request: SignedInHttpRequest, status: int) -> int:
    """htmx swaps only 2xx answers: a re-rendered form goes back as 200 to htmx, else as is."""
    return 200 if request.htmx else status


TIMELINE_LIMIT = 100
# A task page lists its unit entries a page at a time (?entries_page=N): at city scale a task
# has 400 of them (100 units × 4 quarters).
UNIT_ENTRIES_PER_PAGE = 30


@login_required
def home(request: SignedInHttpRequest) -> HttpResponse:
    """Every role lands on its own work: administrators and department staff on 待办, leaders
    on 驾驶舱, reporters on the report that is due; say what to do when there is no plan yet."""
    user = request.user
    plan = selectors.plan_current(policies.plans_visible_to(user))
    if plan is None:
        return render(
            request,
            "tasks/plan_empty.html",
            {"can_manage_plans": policies.can(user, "plan.manage")},
            status=200,
        )
    # URL names, not the higher apps' views: the plan's layer never imports them.
    if policies.can(user, "todo.view"):
        return redirect("dashboard:todo")
    if policies.is_leader(user):
        return redirect("dashboard:dashboard")
    if policies.is_reporter_of(user, {policies.unit_id_of(user)}):
        return redirect("reports:workspace")
    return redirect(plan)


@login_required
@require_GET
def plan_current(request: SignedInHttpRequest) -> HttpResponse:
    """工作要点 in the navigation: the current plan's overview (or the empty-plan page)."""
    plan = selectors.plan_current(policies.plans_visible_to(request.user))
    if plan is None:
        return render(
            request,
            "tasks/plan_empty.html",
            {"can_manage_plans": policies.can(request.user, "plan.manage")},
        )
    return redirect(plan)


@login_required
def plan_overview(request: SignedInHttpRequest, year: int) -> HttpResponse:
    """The plan's sections and key tasks with their leads, participants and targets."""
    plan = policies.access_plan_by_year(request.user, year)
    tasks = policies.tasks_visible_to(request.user)
    lead = request.GET.get("lead", "").strip()
    query = request.GET.get("q", "").strip()
    if (lead_id := parse_id(lead)) is not None:
        tasks = tasks.filter(leads__unit_id=lead_id)
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
    mine = request.GET.get("mine") == "1" and getattr(request.user, "unit_id", None) is not None
    filters = selectors.task_list_filters_parse(
        request.GET, mine_unit=request.user.unit_id if mine else None
    )
    today = clock.today()
    states = selectors.task_list_states(
        policies.tasks_visible_to(request.user).filter(plan=plan), filters, today
    )
    # 打印 opens ?print=1: every row of the filter on one page, which then opens the print dialog.
    printing = request.GET.get("print") == "1"
    per_page = max(len(states), 1) if printing else TASKS_PER_PAGE
    page = Paginator(states, per_page).get_page(1 if printing else request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("print", None)
    context = {
        "plan": plan,
        "page": page,
        "total": len(states),
        "printing": printing,
        "filters": {
            "section": str(filters.section or ""),
            "lead": "" if mine else str(filters.lead or ""),
            "colour": filters.colour,
            "q": filters.q,
        },
        "export_params": filters.as_params(),
        "scope_words": selectors.task_list_scope(plan, filters),
        "mine": mine,
        "can_filter_mine": policies.is_staff_of(
            request.user, {getattr(request.user, "unit_id", None)}
        ),
        "sections": plan.sections.order_by("number"),
        "departments": Unit.objects.filter(kind=UnitKind.DEPARTMENT, is_active=True),
        "colours": [(c.value, COLOUR_LABELS[c]) for c in COLOUR_ORDER],
        "can_export": policies.can(request.user, "job.request"),
        "query_string": params.urlencode(),
        "filtered": filters.is_filtered or mine,
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
    step_forms: dict[tuple[int, str], StepForm] | None = None,
    step_conflicts: dict[int, str] | None = None,
    occurrence_form: OccurrenceForm | None = None,
    status: int = 200,
    partial: str | None = None,
) -> HttpResponse:
    today = clock.today()
    task = selectors.task_queryset_with_progress(
        KeyTask.objects.filter(pk=task.pk), with_unit_sums=False
    ).get()
    state = selectors.task_state_cached(task, today)
    can_update = policies.can(request.user, "task.update_progress", task)
    if can_update and progress_form is None:
        progress_form = _blank_progress_form(request, task, today)
    instructions = _instruction_threads(
        request, task, today, step_forms or {}, step_conflicts or {}
    )
    timeline = list(selectors.task_timeline(task, request.user)[: TIMELINE_LIMIT + 1])
    # The progress-form partial shows none of them: no need to count or read them then.
    entries_page = None if partial else _unit_entries_page(request, task)
    context: dict[str, Any] = {
        "task": task,
        "plan": task.plan,
        "state": state,
        "today": today,
        "can_update_progress": can_update,
        "can_instruct": policies.can(request.user, "task.instruct", task),
        "progress_form": progress_form,
        **_progress_context(task, progress_form),
        "conflict": conflict,
        "instruction_form": instruction_form or InstructionForm(),
        "instructions": instructions,
        "timeline": selectors.timeline_entries(timeline[:TIMELINE_LIMIT]),
        "timeline_truncated": len(timeline) > TIMELINE_LIMIT,
        "updates": list(task.updates.all()),
        **_cadence_context(task, state, occurrence_form),
        "unit_entries": list(entries_page.object_list) if entries_page else [],
        "entries_page": entries_page,
        "nav_active": "tasks",
    }
    template = "tasks/task_detail.html" + (f"#{partial}" if partial else "")
    return render(request, template, context, status=status)


def _cadence_context(
    task: KeyTask, state: selectors.TaskState, form: OccurrenceForm | None
) -> dict[str, Any]:
    """The task's cadence indicators (频次) with their slots, occurrences and recording forms
    (a submitted form, with its errors, replaces the blank one of its indicator)."""
    cadence_states = [s for s in state.indicators if s.indicator.kind == IndicatorKind.CADENCE]
    if not cadence_states:
        return {"cadence_states": []}
    by_indicator: dict[int, list[CadenceOccurrence]] = {}
    for row in (
        CadenceOccurrence.objects.filter(indicator__task=task)
        .select_related("recorded_by")
        .order_by("-done_on", "-pk")
    ):
        by_indicator.setdefault(row.indicator_id, []).append(row)
    for s in cadence_states:
        s.occurrences = by_indicator.get(s.indicator.pk, [])  # type: ignore[attr-defined]
        submitted = form is not None and str(form["indicator"].value()) == str(s.indicator.pk)
        s.occurrence_form = (  # type: ignore[attr-defined]
            form if submitted else OccurrenceForm(initial={"indicator": s.indicator.pk})
        )
    return {"cadence_states": cadence_states}


def _unit_entries_page(request: SignedInHttpRequest, task: KeyTask) -> Page[Any]:
    """One page of the task's submitted unit entries the user may see, with their figures and
    evidence: the same few queries whatever the number of units and periods."""
    entries = (
        policies.entries_visible_to(request.user)
        .filter(task=task)
        .exclude(state="draft")
        .select_related("report__unit", "report__period")
        .prefetch_related("contributions__indicator", "attachments")
        .order_by("report__period__start_date", "report__unit__sort_order", "pk")
    )
    return Paginator(entries, UNIT_ENTRIES_PER_PAGE).get_page(request.GET.get("entries_page"))


# The next steps of a 批示's thread: the form, its prefix letter and the policy action.
StepForm = AnswerForm | FollowUpForm | CloseForm
INSTRUCTION_STEPS: dict[str, tuple[type[StepForm], str, str]] = {
    "answer": (AnswerForm, "i", "instruction.answer"),
    "follow_up": (FollowUpForm, "f", "instruction.follow_up"),
    "close": (CloseForm, "c", "instruction.close"),
}


def _instruction_threads(
    request: SignedInHttpRequest,
    task: KeyTask,
    today: Any,
    step_forms: dict[tuple[int, str], StepForm],
    step_conflicts: dict[int, str],
) -> list[Instruction]:
    """The task's instructions with their threads, overdue days and the forms of the steps the
    user may take next (a submitted form, with its errors, replaces the blank one)."""
    instructions = selectors.instructions_mark(
        selectors.instructions_with_thread(task.instructions.all()), today, thread=True
    )
    for instruction in instructions:
        instruction.task = task  # the policy reads the task's prefetched leads
        forms: dict[str, StepForm] = {}
        for step, (form_class, letter, action) in INSTRUCTION_STEPS.items():
            if not policies.can(request.user, action, instruction):
                continue
            initial: dict[str, Any] = {"version": instruction.version}
            if step == "answer" and instruction.state == InstructionState.ANSWERED:
                initial["answer"] = instruction.answer  # amending the answer given
            forms[step] = step_forms.get((instruction.pk, step)) or form_class(
                initial=initial, prefix=f"{letter}{instruction.pk}"
            )
        # Read by the template only; Instruction does not declare them.
        marked: Any = instruction
        marked.forms = forms
        marked.conflict = step_conflicts.get(instruction.pk, "")
    return instructions


def _blank_progress_form(request: SignedInHttpRequest, task: KeyTask, today: Any) -> ProgressForm:
    period_id = parse_id(request.GET.get("period"))
    periods = task.plan.periods.all()
    period = (
        periods.filter(pk=period_id).first() if period_id is not None else None
    ) or selectors.period_current(task.plan, today, kind=services.task_rhythm(task))
    if period is None:
        return ProgressForm(task=task, initial={"version": 0})
    update = next((u for u in task.updates.all() if u.period_id == period.pk), None)
    earlier = selectors.progress_earlier(task, period)
    previous = earlier[-1] if earlier else None
    return ProgressForm(task=task, initial=ProgressForm.initial_for(update, period, previous))


def _district_actuals(plan: WorkPlan) -> dict[int, Any]:
    """Every indicator's district figure of the plan, from the figures the page has cached."""
    figures = standing.plan_figures(plan, clock.today(), selectors.plan_figures_compute)
    return {pk: f.actual for t in figures.values() for pk, f in t.indicators.items()}


def _progress_context(task: KeyTask, form: ProgressForm | None) -> dict[str, Any]:
    """What the progress form shows of earlier periods, for the period it is on (as typed)."""
    if form is None:
        return {}
    value = str(form["period"].value() or "")
    period = next((p for p in task.plan.periods.all() if str(p.pk) == value), None)
    carry = selectors.progress_carry_forward(task, period) if period else None
    # A new period's form shows the earlier texts to revise; an existing update shows its own.
    shown = carry.previous if carry and not carry.has_update else None
    regressing = ""
    if carry is not None:
        try:
            percent = int(str(form["percent"].value()))
        except ValueError:  # not a number yet: only leaving 已完成 can be told
            percent = carry.previous.percent if carry.previous else 0
        regressing = services.regression_message(
            previous=carry.previous, status=str(form["status"].value()), percent=percent
        )
    # The saved figures of the period's update, checked (tasks.checks): shown beside each input.
    update = next((u for u in task.updates.all() if period and u.period_id == period.pk), None)
    found = (
        warnings_by_indicator(
            progress_warnings(task=task, update=update, district=_district_actuals(task.plan))
        )
        if update is not None and not form.is_bound
        else {}
    )
    return {
        "progress_warnings": found,
        "carry": carry,
        "carry_shown": shown,
        "regressing": regressing,
        "progress_texts": [
            (form[name], getattr(shown, name) if shown else "")
            for name in ("progress", "problems", "next_steps")
        ],
        "progress_indicators": [
            (ind, fields, carry.indicators.get(ind.pk) if carry else None, found.get(ind.pk, []))
            for ind, fields in form.indicator_fields()
        ],
    }


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
def occurrence_record(request: SignedInHttpRequest, pk: int) -> HttpResponse:
    """Record an occurrence of one of the task's cadence indicators (频次)."""
    task = policies.access_task_by_id(request.user, pk)
    if not policies.can(request.user, "task.update_progress", task):
        raise PermissionDenied("只有牵头部室的工作人员可以登记本项工作的开展情况。")
    form = OccurrenceForm(request.POST, request.FILES)
    partial = "cadence-card" if request.htmx else None
    indicator = None
    if form.is_valid():
        indicator = task.indicators.filter(
            pk=form.cleaned_data["indicator"], kind=IndicatorKind.CADENCE
        ).first()
        if indicator is None:
            form.add_error(None, "该频次指标不属于本项工作。")
    if indicator is None or not form.is_valid():
        return _task_page(
            request, task, occurrence_form=form, status=form_status(request, 400), partial=partial
        )
    indicator.task = task  # the policy reads the task's plan and leads
    try:
        occurrence = cadence_services.cadence_occurrence_record(
            indicator=indicator,
            user=request.user,
            done_on=form.cleaned_data["done_on"],
            note=form.cleaned_data["note"],
            evidence=form.cleaned_data.get("evidence"),
        )
    except ValidationError as exc:
        _add_service_errors(form, exc)
        return _task_page(
            request, task, occurrence_form=form, status=form_status(request, 400), partial=partial
        )
    messages.success(request, f"已登记“{indicator.name}”{occurrence.done_on:%Y-%m-%d}的开展情况。")
    if request.htmx:
        # the page again where it is (a redirect to the same page and anchor would not reload)
        return HttpResponseClientRefresh()
    return redirect(f"{task.get_absolute_url()}#cadence-card")


def _occurrence_of(request: SignedInHttpRequest, pk: int) -> CadenceOccurrence:
    occurrence = CadenceOccurrence.objects.select_related("indicator").filter(pk=pk).first()
    if occurrence is None:
        raise Http404("没有该开展记录。")
    # the task, with what the policy reads, if the user may read it (else a 404 too)
    occurrence.indicator.task = policies.access_task_by_id(
        request.user, occurrence.indicator.task_id
    )
    return occurrence


@login_required
@require_POST
def occurrence_delete(request: SignedInHttpRequest, pk: int) -> HttpResponse:
    """Delete an occurrence recorded by mistake."""
    occurrence = _occurrence_of(request, pk)
    task = occurrence.indicator.task
    if not policies.can(request.user, "task.update_progress", task):
        raise PermissionDenied("只有牵头部室的工作人员可以删除开展记录。")
    cadence_services.cadence_occurrence_delete(occurrence=occurrence, user=request.user)
    messages.success(request, f"已删除“{occurrence.indicator.name}”的一条开展记录。")
    return redirect(f"{task.get_absolute_url()}#cadence-card")


@login_required
@require_GET
def occurrence_evidence(request: SignedInHttpRequest, pk: int) -> FileResponse:
    """An occurrence's evidence file, for whoever may read the task."""
    occurrence = _occurrence_of(request, pk)
    if not occurrence.evidence:
        raise Http404("该开展记录没有佐证材料。")
    name = (occurrence.evidence.name or "").rsplit("/", 1)[-1]
    return FileResponse(occurrence.evidence.open("rb"), as_attachment=True, filename=name)


@login_required
@require_POST
def instruction_create(request: SignedInHttpRequest, pk: int) -> HttpResponse:
    """A leader leaves an instruction (with an optional 办理时限) on the task."""
    task = policies.access_task_by_id(request.user, pk)
    form = InstructionForm(request.POST)
    if form.is_valid():
        try:
            services.instruction_create(
                task=task,
                user=request.user,
                text=form.cleaned_data["text"],
                deadline=form.cleaned_data["deadline"],
            )
        except ValidationError as exc:
            _add_service_errors(form, exc)
        else:
            messages.success(request, "批示已发送，牵头部室工作人员已收到通知。")
            return redirect(f"{task.get_absolute_url()}#instructions")
    return _task_page(request, task, instruction_form=form, status=400)


def _add_service_errors(form: forms.Form, error: ValidationError) -> None:
    for key, texts in error.message_dict.items():
        form.add_error(key if key in form.fields else None, texts)


def _instruction_step(
    request: SignedInHttpRequest,
    pk: int,
    step: str,
    run: Callable[[Instruction, dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """One step of a 批示's thread from the task page: a stale version is refused with the
    current thread shown and the typed text kept; a closed instruction takes nothing more."""
    instruction = policies.access_instruction_by_id(request.user, pk)
    task = policies.access_task_by_id(request.user, instruction.task_id)
    instruction.task = task
    form_class, letter, _action = INSTRUCTION_STEPS[step]
    prefix = f"{letter}{instruction.pk}"
    anchor = f"{task.get_absolute_url()}#instruction-{instruction.pk}"
    form = form_class(request.POST, prefix=prefix)
    if form.is_valid():
        try:
            run(instruction, form.cleaned_data)
        except services.InstructionClosed as closed:
            messages.error(request, str(closed))
            return redirect(anchor)
        except ValidationError as exc:
            _add_service_errors(form, exc)
        except services.ConflictError as conflict:
            # Keep what was typed, based on the current version: submitting again is a choice
            # made after reading what the other person wrote (shown in the thread).
            data = request.POST.copy()
            data[f"{prefix}-version"] = str(conflict.current.version)
            form = form_class(data, prefix=prefix)
            form.is_valid()
            return _task_page(
                request,
                task,
                step_forms={(instruction.pk, step): form},
                step_conflicts={instruction.pk: conflict.message},
                status=409,
            )
        else:
            messages.success(request, done)
            return redirect(anchor)
    return _task_page(request, task, step_forms={(instruction.pk, step): form}, status=400)


@login_required
@require_POST
def instruction_answer(request: SignedInHttpRequest, pk: int) -> HttpResponse:
    """The lead department answers an instruction; the leader is notified."""
    return _instruction_step(
        request,
        pk,
        "answer",
        lambda instruction, data: services.instruction_answer(
            instruction=instruction,
            user=request.user,
            answer=data["answer"],
            expected_version=data["version"],
        ),
        "答复已保存，批示领导已收到通知。",
    )


@login_required
@require_POST
def instruction_follow_up(request: SignedInHttpRequest, pk: int) -> HttpResponse:
    """A leader follows up (追问) in the thread; the lead department is notified."""
    return _instruction_step(
        request,
        pk,
        "follow_up",
        lambda instruction, data: services.instruction_follow_up(
            instruction=instruction,
            user=request.user,
            text=data["text"],
            deadline=data["deadline"],
            expected_version=data["version"],
        ),
        "追问已发送，牵头部室工作人员已收到通知。",
    )


@login_required
@require_POST
def instruction_close(request: SignedInHttpRequest, pk: int) -> HttpResponse:
    """A leader closes (办结) the instruction."""
    return _instruction_step(
        request,
        pk,
        "close",
        lambda instruction, data: services.instruction_close(
            instruction=instruction,
            user=request.user,
            remark=data["remark"],
            expected_version=data["version"],
        ),
        "批示已办结。",
    )


INSTRUCTIONS_PER_PAGE = 20


@login_required
@require_GET
def instruction_list(request: SignedInHttpRequest) -> HttpResponse:
    """领导批示: filtered by state, lead department and overdue; staff start on their own
    department's, everybody on those waiting for an answer (待办理)."""
    today = clock.today()
    filters = selectors.instruction_filters_parse(request.GET, user=request.user)
    rows = selectors.instructions_for_list(request.user, filters, today)
    page = Paginator(rows, INSTRUCTIONS_PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = selectors.instructions_mark(page.object_list, today, thread=True)
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "page": page,
        "states": selectors.INSTRUCTION_STATE_FILTERS,
        "departments": Unit.objects.filter(kind=UnitKind.DEPARTMENT, is_active=True),
        "filters": {
            "state": filters.state,
            "dept": filters.department,
            "overdue": filters.overdue,
        },
        "filtered": filters.is_filtered,
        # The export gets the filter as the page applied it (a staff member's default too).
        "export_query": f"state={filters.state}&dept={filters.department or ''}"
        + ("&overdue=1" if filters.overdue else ""),
        "today": today,
        "nav_active": "instructions",
    }
    return render(request, "tasks/instruction_list.html", context)
