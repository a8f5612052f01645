"""Pages of the export pipeline: request a document (the quarterly workbook, or the task list as
Excel), watch it being built (htmx polling), download it, retry a failed one."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from departments.models import Unit
from exports import services
from reports.models import JobKind, ReportJob
from tasks.selectors import period_current, plan_current
from unionplan import clock, policies

if TYPE_CHECKING:
    from departments.http import SignedInHttpRequest

REFUSED = "推进情况表和导出仅对部室工作人员和领导开放。"


def _jobs_for(user: Any) -> QuerySet[ReportJob]:
    return ReportJob.objects.filter(
        period__plan__in=policies.plans_visible_to(user)
    ).select_related("period__plan", "department", "requested_by")


def _errors(exc: ValidationError) -> list[str]:
    return [m for ms in exc.message_dict.values() for m in ms]


@login_required
def job_list(request: SignedInHttpRequest) -> HttpResponse:
    """Request a document; earlier ones to download again."""
    if not policies.can(request.user, "job.view"):
        raise PermissionDenied(REFUSED)
    plan = plan_current(policies.plans_visible_to(request.user))
    periods = list(plan.periods.order_by("kind", "number")) if plan else []
    errors: list[str] = []
    if request.method == "POST":
        period = next((p for p in periods if str(p.pk) == request.POST.get("period")), None)
        dept_id = request.POST.get("department", "")
        department = (
            Unit.objects.filter(pk=int(dept_id)).first()
            if dept_id.isascii() and dept_id.isdigit() and len(dept_id) < 10
            else None
        )
        kind = request.POST.get("kind", JobKind.QUARTERLY)
        colour = request.POST.get("colour", "")
        colour = colour if colour in {"red", "amber", "green", "done"} else ""
        if period is None and kind == JobKind.TASK_LIST and plan is not None:
            period = period_current(plan, clock.today())
        if period is None:
            errors.append("请选择填报周期。")
        else:
            try:
                services.export_job_request(
                    kind=kind,
                    period=period,
                    user=request.user,
                    department=department,
                    params={"colour": colour} if colour else {},
                )
            except ValidationError as exc:
                errors.extend(_errors(exc))
            else:
                messages.success(request, "已提交生成任务，完成后可在下方下载。")
                return redirect("exports:job_list")
    current = period_current(plan, clock.today()) if plan else None
    context = {
        "plan": plan,
        "periods": periods,
        "current": current,
        "departments": Unit.objects.filter(kind="department", is_active=True),
        "jobs": list(_jobs_for(request.user)[:50]),
        "errors": errors,
        "nav_active": "jobs",
    }
    return render(request, "exports/job_list.html", context, status=400 if errors else 200)


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
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.file_name)


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
