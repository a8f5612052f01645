"""Pages of the export pipeline: request a document (the quarterly workbook, or the task list as
Excel), watch it being built (htmx polling), download it, retry a failed one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET, require_POST

from departments.models import REPORTING_KINDS, Unit
from exports import lists, services
from exports.briefing import briefing_offer
from exports.registry import builder_for
from exports.year_summary import year_summary_blocks, year_summary_period, year_summary_read
from reports.models import JobKind, JobStatus, ReportJob
from reports.selectors import (
    review_entries,
    review_filter_options,
    review_filters_parse,
    submission_grid,
)
from tasks.models import ReportingPeriod
from tasks.selectors import (
    INSTRUCTION_STATE_FILTERS,
    instruction_filters_parse,
    instructions_for_list,
    instructions_mark,
    period_current,
    plan_current,
    plan_for_year_param,
    task_list_filters_parse,
)
from unionplan import clock, policies
from unionplan.params import parse_id, parse_int

if TYPE_CHECKING:
    from departments.http import SignedInHttpRequest

REFUSED = "推进情况表和导出仅对部室工作人员和领导开放；填报员可生成本单位的单位季度报表。"


def _jobs_for(user: Any) -> QuerySet[ReportJob]:
    return policies.jobs_visible_to(user).select_related(
        "period__plan", "department", "unit", "requested_by"
    )


def _unit_posted(request: SignedInHttpRequest) -> Unit | None:
    # A reporter's unit workbook is always their own unit's (the form does not ask them).
    own = policies.is_reporter_of(request.user, {policies.unit_id_of(request.user)})
    if own and not request.POST.get("unit"):
        return policies.unit_of(request.user)
    unit_id = parse_id(request.POST.get("unit"))
    return Unit.objects.filter(pk=unit_id).first() if unit_id is not None else None


def _errors(exc: ValidationError) -> list[str]:
    return [m for ms in exc.message_dict.values() for m in ms]


@login_required
def job_list(request: SignedInHttpRequest) -> HttpResponse:
    """Request a document; earlier ones to download again."""
    if not policies.can(request.user, "job.view"):
        raise PermissionDenied(REFUSED)
    plan = plan_current(policies.plans_visible_to(request.user))
    # Quarters first (the workbook's), then months when the plan has them.
    periods = list(plan.periods.order_by("-kind", "start_date")) if plan else []
    errors: list[str] = []
    is_reporter = policies.is_reporter_of(request.user, {policies.unit_id_of(request.user)})
    if request.method == "POST":
        period = next((p for p in periods if str(p.pk) == request.POST.get("period")), None)
        dept_id = parse_id(request.POST.get("department"))
        department = Unit.objects.filter(pk=dept_id).first() if dept_id is not None else None
        kind = request.POST.get("kind", JobKind.QUARTERLY)
        colour = request.POST.get("colour", "")
        colour = colour if colour in {"red", "amber", "green", "done"} else ""
        params: dict[str, Any] = {"colour": colour} if colour else {}
        if kind == JobKind.TASK_LIST:
            # The task list's whole filter (as the page applies it); its lead names the file.
            filters = task_list_filters_parse(request.POST)
            params = filters.as_params()
            if filters.lead:
                department = Unit.objects.filter(pk=filters.lead).first()
            elif department is not None:
                params["lead"] = department.pk
        if period is None and kind == JobKind.TASK_LIST and plan is not None:
            period = period_current(plan, clock.today())
        if kind == JobKind.YEAR_SUMMARY:
            period = _year_summary_period_posted(request)
        if period is None:
            errors.append("请选择年度。" if kind == JobKind.YEAR_SUMMARY else "请选择填报周期。")
        else:
            try:
                services.export_job_request(
                    kind=kind,
                    period=period,
                    user=request.user,
                    department=department,
                    unit=_unit_posted(request) if kind == JobKind.UNIT else None,
                    params=params,
                )
            except ValidationError as exc:
                errors.extend(_errors(exc))
            else:
                messages.success(request, "已提交生成任务，完成后可在下方下载。")
                return redirect("exports:job_list")
    current = period_current(plan, clock.today(), kind="quarter") if plan else None
    can_summary = policies.can(request.user, "year_summary.request")
    jobs = list(_jobs_for(request.user)[:50])
    context = {
        "plan": plan,
        "periods": periods,
        "current": current,
        "departments": Unit.objects.filter(kind="department", is_active=True),
        "reporting_units": Unit.objects.filter(kind__in=REPORTING_KINDS, is_active=True),
        "posted": request.POST if request.method == "POST" else {},
        "is_reporter": is_reporter,
        "jobs": jobs,
        "errors": errors,
        "nav_active": "reports" if is_reporter else "jobs",
        # 年度工作总结初稿: its card, for those who may request it, the current year chosen.
        "can_year_summary": can_summary,
        "summary_years": list(
            policies.plans_visible_to(request.user).order_by("-year").values_list("year", flat=True)
        )
        if can_summary
        else [],
        "summary_year": plan.year if plan else None,
        # the newest draft of the year among the jobs listed below (no query of its own)
        "summary_ready": next(
            (
                j
                for j in jobs
                if j.kind == JobKind.YEAR_SUMMARY
                and j.status == JobStatus.DONE
                and plan is not None
                and j.period.plan_id == plan.pk
            ),
            None,
        ),
        # 季度通报: its card, the latest quarter past its due date chosen, ready to download.
        "can_briefing": policies.can(request.user, "briefing.request"),
        "briefing": briefing_offer(plan=plan, jobs=_jobs_for(request.user), today=clock.today())
        if policies.can(request.user, "briefing.request")
        else None,
    }
    return render(request, "exports/job_list.html", context, status=400 if errors else 200)


def _year_summary_period_posted(request: SignedInHttpRequest) -> ReportingPeriod | None:
    """The period a year summary request is filed under: the posted year's last quarter."""
    if not policies.can(request.user, "year_summary.request"):
        raise PermissionDenied(services.YEAR_SUMMARY_REFUSED)
    year = parse_int(request.POST.get("year"), 1900, 9999)
    plan = policies.plans_visible_to(request.user).filter(year=year).first() if year else None
    return year_summary_period(plan) if plan is not None else None


@login_required
@require_GET
def year_summary_preview(request: SignedInHttpRequest, year: int) -> HttpResponse:
    """年度工作总结初稿 as a page: the same text as the Word document, before downloading it."""
    if not policies.can(request.user, "year_summary.request"):
        raise PermissionDenied(services.YEAR_SUMMARY_REFUSED)
    plan = policies.access_plan_by_year(request.user, year)
    period = year_summary_period(plan)
    if period is None:
        raise Http404("该年度还没有填报周期。")
    data = year_summary_read(ReportJob(period=period, kind=JobKind.YEAR_SUMMARY))
    context = {
        "summary": data,
        "blocks": year_summary_blocks(data),
        "year": plan.year,
        "nav_active": "jobs",
    }
    return render(request, "exports/year_summary_preview.html", context)


@login_required
@require_GET
def job_detail(request: SignedInHttpRequest, pk: int) -> HttpResponse:
    """One job's row; htmx polls it until the job is finished."""
    if not policies.can(request.user, "job.view"):
        raise PermissionDenied(REFUSED)
    job = get_object_or_404(_jobs_for(request.user), pk=pk)
    return render(request, "exports/job_list.html#job-row", {"job": job})


@login_required
@require_GET
def job_download(request: SignedInHttpRequest, pk: int) -> FileResponse:
    """Download a finished document."""
    if not policies.can(request.user, "job.view"):
        raise PermissionDenied(REFUSED)
    job = get_object_or_404(_jobs_for(request.user), pk=pk, status="done")
    return FileResponse(
        job.file.open("rb"),
        as_attachment=True,
        filename=job.file_name,
        content_type=builder_for(job.kind).content_type,
    )


@login_required
@require_POST
def job_retry(request: SignedInHttpRequest, pk: int) -> HttpResponse:
    """Queue a failed job again."""
    if not policies.can(request.user, "job.view"):
        raise PermissionDenied(REFUSED)
    job = get_object_or_404(_jobs_for(request.user), pk=pk)
    try:
        services.report_job_retry(job=job, user=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(_errors(exc)))
    else:
        messages.success(request, "已重新提交生成任务。")
    return redirect(reverse("exports:job_list"))


# --- 导出 Excel of the small lists: the current filter, at once, with the list's own permission ---

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _xlsx(sheet: lists.ListSheet) -> HttpResponse:
    response = HttpResponse(lists.build_list_workbook(sheet), content_type=XLSX)
    response["Content-Disposition"] = content_disposition_header(True, sheet.file_name)
    return response


@login_required
@require_GET
def grid_export(request: SignedInHttpRequest) -> HttpResponse:
    """报送情况 as Excel: units × periods of the year shown, as on the page."""
    if not policies.can(request.user, "grid.view"):
        raise PermissionDenied("报送情况仅对部室工作人员和领导开放。")
    plan = plan_for_year_param(request.user, request.GET.get("year"))
    if plan is None:
        raise Http404("还没有工作要点。")
    grid = submission_grid(plan, clock.today(), kind=request.GET.get("kind") or None)
    return _xlsx(lists.grid_sheet(grid, year=plan.year))


@login_required
@require_GET
def review_export(request: SignedInHttpRequest) -> HttpResponse:
    """审核 as Excel: every entry of the current filter (not one page)."""
    if not policies.can(request.user, "review.list"):
        raise PermissionDenied("只有部室工作人员可以审核单位报表。")
    filters = review_filters_parse(request.GET)
    entries = list(review_entries(request.user, filters))
    years = {e.report.period.plan_id for e in entries}
    plan = entries[0].report.period.plan if len(years) == 1 else None
    scope = lists.review_scope(filters, review_filter_options(request.user))
    sheet = lists.review_sheet(
        entries, scope=scope, year=plan.year if plan else None, today=clock.today()
    )
    return _xlsx(sheet)


@login_required
@require_GET
def instruction_export(request: SignedInHttpRequest) -> HttpResponse:
    """领导批示 as Excel: every 批示 of the current filter, with its thread."""
    today = clock.today()
    filters = instruction_filters_parse(request.GET, user=request.user)
    rows = instructions_mark(
        instructions_for_list(request.user, filters, today), today, thread=True
    )
    scope = [INSTRUCTION_STATE_FILTERS[filters.state]]
    if filters.department is not None:
        dept = Unit.objects.filter(pk=filters.department).first()
        scope.append(f"{dept.name}牵头" if dept else "")
    if filters.overdue:
        scope.append("仅逾期")
    return _xlsx(
        lists.instruction_sheet(rows, scope=[s for s in scope if s], year=today.year, today=today)
    )
