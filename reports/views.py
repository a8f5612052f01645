"""Pages of unit reports: the unit workspace, review queue, submission grid and evidence files."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from departments.models import Unit
from history.models import Event
from reports import selectors, services
from reports.forms import AttachmentForm, EntryForm, ReviewForm
from reports.models import ReportingPeriod, ReportJob
from reports.selectors import period_current, report_status, report_with_entries
from tasks.selectors import plan_current, timeline_entries
from tasks.services import ConflictError
from unionplan import clock, policies


@login_required
@require_GET
def workspace(request: HttpRequest) -> HttpResponse:
    """A reporter's report for the current (or chosen) period; others go where they work."""
    user = request.user
    if not policies.is_reporter_of(user, {getattr(user, "unit_id", None)}):
        if policies.can(user, "review.list"):
            return redirect("reports:review_list")
        return redirect("reports:grid")
    plan = plan_current(policies.plans_visible_to(user))
    if plan is None:
        return render(request, "tasks/plan_empty.html")
    today = clock.today()
    period_id = request.GET.get("period", "")
    periods = list(plan.periods.order_by("kind", "number"))
    period = next((p for p in periods if str(p.pk) == period_id), None) or period_current(
        plan, today
    )
    if period is None:
        return render(request, "tasks/plan_empty.html")
    report = services.report_open(unit=user.unit, period=period, user=user)
    return _report_page(request, report.pk, periods=periods)


def _report_page(
    request: HttpRequest,
    report_id: int,
    *,
    periods: list[ReportingPeriod] | None = None,
    forms: dict[int, EntryForm] | None = None,
    upload_errors: dict[int, list[str]] | None = None,
    missing: list[str] | None = None,
    status: int = 200,
) -> HttpResponse:
    report = report_with_entries(report_id)
    user = request.user
    today = clock.today()
    is_own = policies.is_reporter_of(user, {report.unit_id})
    entries = [e for e in report.entries.all() if is_own or policies.can(user, "entry.view", e)]
    views = selectors.entry_views(report, entries=entries)
    forms = forms or {}
    can_edit = is_own and services.period_is_open_for(report.period, report.unit, today)
    for view in views:
        entry = view.entry
        view.editable = can_edit and entry.is_editable  # type: ignore[attr-defined]
        if view.editable and entry.pk not in forms:  # type: ignore[attr-defined]
            forms[entry.pk] = EntryForm(entry=entry, initial=EntryForm.initial_for(entry))
        view.form = forms.get(entry.pk)  # type: ignore[attr-defined]
        view.upload_errors = (upload_errors or {}).get(entry.pk, [])  # type: ignore[attr-defined]
    status_key, status_label = report_status([e.state for e in report.entries.all()])
    events = list(Event.objects.filter(report=report).select_related("actor")[:100])
    context: dict[str, Any] = {
        "report": report,
        "period": report.period,
        "periods": periods or list(report.period.plan.periods.order_by("kind", "number")),
        "entry_views": views,
        "status_key": status_key,
        "status_label": status_label,
        "days_left": (report.period.due_date - today).days,
        "is_own": is_own,
        "can_edit": can_edit,
        "can_submit": can_edit and any(v.editable for v in views),  # type: ignore[attr-defined]
        "missing": missing,
        "timeline": timeline_entries(events),
        "today": today,
        "nav_active": "reports",
    }
    return render(request, "reports/report_workspace.html", context, status=status)


@login_required
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One unit report, as its unit, its reviewers or leaders may see it."""
    report = policies.access_report_by_id(request.user, pk)
    return _report_page(request, report.pk)


@login_required
@require_POST
def entry_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Save a draft entry (or fix a returned one)."""
    entry = policies.access_entry_by_id(request.user, pk)
    entry = report_with_entries(entry.report_id).entries.get(pk=entry.pk)
    form = EntryForm(request.POST, entry=entry)
    if form.is_valid():
        try:
            services.entry_save(
                entry=entry,
                user=request.user,
                data=form.to_input(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        except ConflictError as conflict:
            form.add_error(None, conflict.message)
        else:
            messages.success(request, f"第 {entry.task.number} 项已暂存。")
            return redirect(f"{entry.report.get_absolute_url()}#entry-{entry.pk}")
    return _report_page(request, entry.report_id, forms={entry.pk: form}, status=400)


@login_required
@require_POST
def attachment_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach an evidence file to an entry."""
    entry = policies.access_entry_by_id(request.user, pk)
    form = AttachmentForm(request.POST, request.FILES)
    errors: list[str] = []
    if form.is_valid():
        try:
            services.attachment_add(
                entry=entry, user=request.user, upload=form.cleaned_data["file"]
            )
        except ValidationError as exc:
            errors = [m for ms in exc.message_dict.values() for m in ms]
        else:
            messages.success(request, "佐证材料已上传。")
            return redirect(f"{entry.report.get_absolute_url()}#entry-{entry.pk}")
    else:
        errors = [m for ms in form.errors.values() for m in ms]
    return _report_page(request, entry.report_id, upload_errors={entry.pk: errors}, status=400)


@login_required
@require_GET
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """Serve an evidence file to those who may see its entry (never from a public path)."""
    attachment = policies.access_attachment_by_id(request.user, pk)
    response = FileResponse(
        attachment.file.open("rb"),
        as_attachment=not attachment.content_type.startswith("image/")
        and attachment.content_type != "application/pdf",
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "sandbox"
    return response


@login_required
@require_POST
def attachment_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove an evidence file from an entry that can still be edited."""
    attachment = policies.access_attachment_by_id(request.user, pk)
    report = attachment.entry.report
    try:
        services.attachment_remove(attachment=attachment, user=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(m for ms in exc.message_dict.values() for m in ms))
    else:
        messages.success(request, f"已删除“{attachment.original_name}”。")
    return redirect(report.get_absolute_url())


@login_required
@require_POST
def report_submit(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit the report; the page lists what is missing when it cannot be submitted."""
    report = policies.access_report_by_id(request.user, pk)
    try:
        services.report_submit(report=report, user=request.user)
    except ValidationError as exc:
        missing = [m for ms in exc.message_dict.values() for m in ms]
        return _report_page(request, report.pk, missing=missing, status=400)
    report.refresh_from_db()
    late = "（逾期提交）" if report.is_late else ""
    messages.success(request, f"{report.period.name}报表已提交{late}，等待牵头部室审核。")
    return redirect(report)


@login_required
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    """Entries submitted on tasks the user's department leads, oldest first."""
    if not policies.can(request.user, "review.list"):
        raise PermissionDenied("只有部室工作人员可以审核单位报表。")
    entries = list(selectors.review_queue(request.user))
    forms = {e.pk: ReviewForm(initial={"version": e.version}) for e in entries}
    context = {"entries": entries, "forms": forms, "nav_active": "reviews"}
    return render(request, "reports/review_list.html", context)


@login_required
@require_POST
def entry_review(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve an entry or return it with a reason."""
    entry = policies.access_entry_by_id(request.user, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "审核操作无效，请刷新页面后重试。")
        return redirect("reports:review_list")
    try:
        services.entry_review(
            entry=entry,
            user=request.user,
            approve=form.cleaned_data["decision"] == "approve",
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        )
    except ValidationError as exc:
        messages.error(request, "；".join(m for ms in exc.message_dict.values() for m in ms))
    except ConflictError as conflict:
        messages.warning(request, conflict.message)
    else:
        verb = "通过" if form.cleaned_data["decision"] == "approve" else "退回"
        messages.success(
            request, f"已{verb}{entry.report.unit.display_name}第 {entry.task.number} 项。"
        )
    return redirect("reports:review_list")


@login_required
@require_GET
def grid(request: HttpRequest) -> HttpResponse:
    """Units × periods: who reported on time, late, not at all, returned or approved."""
    if not policies.can(request.user, "grid.view"):
        raise PermissionDenied("报送情况仅对部室工作人员和领导开放。")
    visible = policies.plans_visible_to(request.user)
    year = request.GET.get("year", "")
    plan = (
        policies.access_plan_by_year(request.user, int(year))
        if year.isdigit()
        else plan_current(visible)
    )
    if plan is None:
        return render(request, "tasks/plan_empty.html")
    today = clock.today()
    context = {
        "plan": plan,
        "grid": selectors.submission_grid(plan, today),
        "today": today,
        "can_remind": policies.can(request.user, "reminder.send", None),
        "nav_active": "grid",
    }
    return render(request, "reports/submission_grid.html", context)


@login_required
@require_POST
def remind(request: HttpRequest) -> HttpResponse:
    """Send a reminder (催报) to one unit for one period."""
    period = get_object_or_404(
        ReportingPeriod,
        pk=request.POST.get("period", 0),
        plan__in=policies.plans_visible_to(request.user),
    )
    unit = get_object_or_404(Unit, pk=request.POST.get("unit", 0))
    services.reminder_send(period=period, unit=unit, user=request.user)
    messages.success(request, f"已向{unit.name}发送催报提醒。")
    return redirect(f"{reverse('reports:grid')}?year={period.plan.year}")


# --- workbook jobs ---------------------------------------------------------------------------


def _jobs_for(user: Any) -> Any:
    return ReportJob.objects.filter(
        period__plan__in=policies.plans_visible_to(user)
    ).select_related("period__plan", "department", "requested_by")


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    """Request the quarterly workbook; earlier workbooks to download again."""
    if not policies.can(request.user, "job.view"):
        raise PermissionDenied("推进情况表仅对部室工作人员和领导开放。")
    plan = plan_current(policies.plans_visible_to(request.user))
    periods = list(plan.periods.order_by("kind", "number")) if plan else []
    errors: list[str] = []
    if request.method == "POST":
        period = next((p for p in periods if str(p.pk) == request.POST.get("period")), None)
        dept_id = request.POST.get("department", "")
        department = Unit.objects.filter(pk=dept_id).first() if dept_id.isdigit() else None
        if period is None:
            errors.append("请选择填报周期。")
        else:
            try:
                services.report_job_request(period=period, user=request.user, department=department)
            except ValidationError as exc:
                errors.extend(m for ms in exc.message_dict.values() for m in ms)
            else:
                messages.success(request, "已提交生成任务，完成后可在下方下载。")
                return redirect("reports:job_list")
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
    return render(request, "reports/job_list.html", context, status=400 if errors else 200)


@login_required
@require_GET
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One job's row; htmx polls it until the job is finished."""
    if not policies.can(request.user, "job.view"):
        raise PermissionDenied("推进情况表仅对部室工作人员和领导开放。")
    job = get_object_or_404(_jobs_for(request.user), pk=pk)
    return render(request, "reports/job_list.html#job-row", {"job": job})


@login_required
@require_GET
def job_download(request: HttpRequest, pk: int) -> FileResponse:
    """Download a finished workbook."""
    if not policies.can(request.user, "job.view"):
        raise PermissionDenied("推进情况表仅对部室工作人员和领导开放。")
    job = get_object_or_404(_jobs_for(request.user), pk=pk, status="done")
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.file_name)


@login_required
@require_POST
def job_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue a failed job again."""
    if not policies.can(request.user, "job.view"):
        raise PermissionDenied("推进情况表仅对部室工作人员和领导开放。")
    job = get_object_or_404(_jobs_for(request.user), pk=pk)
    try:
        services.report_job_retry(job=job, user=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(m for ms in exc.message_dict.values() for m in ms))
    else:
        messages.success(request, "已重新提交生成任务。")
    return redirect("reports:job_list")
