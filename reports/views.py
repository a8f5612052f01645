"""Pages of unit reports: the unit workspace, review queue, submission grid and evidence files."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import BadRequest, PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from departments.models import REPORTING_KINDS, Unit
from reports import selectors, services
from reports.forms import EntryForm, ReviewForm
from reports.models import JobKind, ReportEntry, ReportingPeriod, ReportJob
from reports.selectors import report_status, report_with_entries
from tasks.selectors import plan_current, plan_for_year_param, timeline_entries
from tasks.services import ConflictError
from unionplan import clock, policies
from unionplan.params import MAX_ID, local_path, parse_id, parse_int

if TYPE_CHECKING:
    from departments.http import SignedInHttpRequest


@login_required
@require_GET
def workspace(request: SignedInHttpRequest) -> HttpResponse:
    """A reporter's report: the one that is due first (or the chosen period); others go where
    they work."""
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
    periods = selectors.unit_periods(plan, policies.unit_of(user))
    period = next((p for p in periods if str(p.pk) == period_id), None)
    if period is None:
        period = selectors.report_period_to_open(
            plan=plan, unit=policies.unit_of(user), today=today
        )
    if period is None:
        return render(request, "tasks/plan_empty.html")
    report = services.report_open(unit=policies.unit_of(user), period=period, user=user)
    return _report_page(request, report.pk, periods=periods)


def _wants_json(request: SignedInHttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _errors(exc: ValidationError) -> list[str]:
    return [m for ms in exc.message_dict.values() for m in ms]


def _report_page(
    request: SignedInHttpRequest,
    report_id: int,
    *,
    periods: list[ReportingPeriod] | None = None,
    forms: dict[int, EntryForm] | None = None,
    upload_errors: dict[int, list[str]] | None = None,
    missing: list[tuple[int, str]] | None = None,
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
    previous = selectors.previous_narratives(report) if can_edit else {}
    warnings = selectors.entry_figure_warnings(entries)
    for view in views:
        entry = view.entry
        for item in view.indicators:
            item["warnings"] = warnings.get(entry.pk, {}).get(item["indicator"].pk, [])
        view.editable = can_edit and entry.is_editable  # type: ignore[attr-defined]
        if view.editable and entry.pk not in forms:  # type: ignore[attr-defined]
            forms[entry.pk] = EntryForm(entry=entry, initial=EntryForm.initial_for(entry))
        view.form = forms.get(entry.pk)  # type: ignore[attr-defined]
        view.upload_errors = (upload_errors or {}).get(entry.pk, [])  # type: ignore[attr-defined]
        view.missing = services.entry_missing(entry)  # type: ignore[attr-defined]
        view.has_previous = entry.task_id in previous  # type: ignore[attr-defined]
        form = forms.get(entry.pk)
        view.contribution_rows = (  # type: ignore[attr-defined]
            [(form[f"contribution_{i['indicator'].pk}"], i) for i in view.indicators]
            if view.editable and form is not None  # type: ignore[attr-defined]
            else []
        )
    editable = [v for v in views if v.editable]  # type: ignore[attr-defined]
    reopening = selectors.period_reopening_for(period=report.period, unit=report.unit, today=today)
    locked_line = (
        selectors.period_contact_line()
        if is_own and report.period.is_locked and reopening is None
        else ""
    )
    status_key, status_label = report_status([e.state for e in report.entries.all()])
    events = selectors.report_events_for(user, report)
    context: dict[str, Any] = {
        "report": report,
        "period": report.period,
        "periods": periods or selectors.unit_periods(report.period.plan, report.unit),
        "entry_views": views,
        "status_key": status_key,
        "status_label": status_label,
        "days_left": (report.period.due_date - today).days,
        "is_own": is_own,
        "can_request_workbook": is_own
        and policies.can(user, "job.request", ReportJob(kind=JobKind.UNIT, unit=report.unit)),
        "can_edit": can_edit,
        "can_submit": bool(editable),
        "answered_count": sum(1 for v in editable if v.missing is None),  # type: ignore[attr-defined, misc]
        "editable_count": len(editable),
        "previous_narratives": {
            str(v.entry.pk): previous[v.entry.task_id]
            for v in editable
            if v.has_previous  # type: ignore[attr-defined]
        },
        "reopening": reopening,
        "locked_contact": locked_line,
        "missing": missing,
        "timeline": timeline_entries(events),
        "today": today,
        "max_attachments": settings.UNIONPLAN_ATTACHMENTS_PER_ENTRY,
        "max_attachment_mb": settings.UNIONPLAN_ATTACHMENT_MAX_BYTES // (1024 * 1024),
        "nav_active": "reports",
    }
    return render(request, "reports/report_workspace.html", context, status=status)


@login_required
@require_GET
def report_detail(request: SignedInHttpRequest, pk: int) -> HttpResponse:
    """One unit report, as its unit, its reviewers or leaders may see it."""
    report = policies.access_report_by_id(request.user, pk)
    return _report_page(request, report.pk)


@login_required
@require_POST
def entry_save(request: SignedInHttpRequest, pk: int) -> HttpResponse:
    """Save a draft entry (or fix a returned one); the page saves each entry as it is typed
    (JSON), and the plain form posts still work without JavaScript."""
    entry = policies.access_entry_by_id(request.user, pk)
    entry = report_with_entries(entry.report_id).entries.get(pk=entry.pk)
    form = EntryForm(request.POST, entry=entry)
    as_json = _wants_json(request)
    if form.is_valid():
        try:
            saved = services.entry_save(
                entry=entry,
                user=request.user,
                data=form.to_input(),
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            form.add_service_errors(exc)
        except ConflictError as conflict:
            if as_json:
                current = conflict.current
                return JsonResponse(
                    {
                        "ok": False,
                        "conflict": True,
                        "message": conflict.message,
                        "current": {
                            "narrative": current.narrative,
                            "version": current.version,
                            "state": current.get_state_display(),
                            "editable": current.is_editable,
                        },
                    },
                    status=409,
                )
            form.add_error(None, conflict.message)
        else:
            if as_json:
                local = timezone.localtime(saved.saved_at)
                return JsonResponse(
                    {
                        "ok": True,
                        "version": saved.version,
                        "saved_at": f"{local:%H:%M}",
                        "answered": services.entry_missing(saved) is None,
                        "warnings": _entry_warnings(saved, form),
                    }
                )
            messages.success(request, f"第 {entry.task.number} 项已暂存。")
            return redirect(f"{entry.report.get_absolute_url()}#entry-{entry.pk}")
    if as_json:
        errors = {
            (form[name].label if name in form.fields else "条目"): [str(m) for m in msgs]
            for name, msgs in form.errors.items()
        }
        # A message that names its field already ("工作情况最多 5000 字…") is not prefixed again.
        message = "；".join(
            m if m.startswith(str(label)) else f"{label}：{m}"
            for label, msgs in errors.items()
            for m in msgs
        )
        return JsonResponse({"ok": False, "errors": errors, "message": message}, status=400)
    return _report_page(request, entry.report_id, forms={entry.pk: form}, status=400)


def _entry_warnings(entry: ReportEntry, form: EntryForm) -> list[dict[str, Any]]:
    """The saved entry's figure warnings, checked with the rest of its report in hand."""
    data = form.to_input()
    if data.not_applicable or not any(v is not None for v in data.contributions.values()):
        return []  # no figure of its own: nothing to show beside it (and no query)
    report = report_with_entries(entry.report_id)
    found = selectors.entry_figure_warnings(report.entries.all()).get(entry.pk, {})
    return [{"indicator": pk, "message": m} for pk, messages in found.items() for m in messages]


@login_required
@require_POST
def attachment_upload(request: SignedInHttpRequest, pk: int) -> HttpResponse:
    """Attach evidence files to an entry, several at once; JSON for the page's uploader."""
    entry = policies.access_entry_by_id(request.user, pk)
    uploads = request.FILES.getlist("file")
    errors: list[str] = []
    added = []
    if not uploads:
        errors.append("请选择要上传的文件。")
    for upload in uploads:
        try:
            added.append(services.attachment_add(entry=entry, user=request.user, upload=upload))
        except ValidationError as exc:
            errors.extend(_errors(exc))
    if _wants_json(request):
        items = [
            render_to_string(
                "reports/report_workspace.html#attachment-item",
                {"a": a, "editable": True},
                request=request,
            )
            for a in added
        ]
        return JsonResponse(
            {"ok": not errors, "html": items, "errors": errors}, status=400 if errors else 201
        )
    if added:
        messages.success(request, f"已上传 {len(added)} 个佐证材料。")
    if errors:
        return _report_page(request, entry.report_id, upload_errors={entry.pk: errors}, status=400)
    return redirect(f"{entry.report.get_absolute_url()}#entry-{entry.pk}")


@login_required
@require_GET
def attachment_download(request: SignedInHttpRequest, pk: int) -> FileResponse:
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
def attachment_delete(request: SignedInHttpRequest, pk: int) -> HttpResponse:
    """Remove an evidence file from an entry that can still be edited."""
    attachment = policies.access_attachment_by_id(request.user, pk)
    report = attachment.entry.report
    try:
        services.attachment_remove(attachment=attachment, user=request.user)
    except ValidationError as exc:
        if _wants_json(request):
            return JsonResponse({"ok": False, "errors": _errors(exc)}, status=400)
        messages.error(request, "；".join(_errors(exc)))
    else:
        if _wants_json(request):
            return JsonResponse({"ok": True})
        messages.success(request, f"已删除“{attachment.original_name}”。")
    return redirect(f"{report.get_absolute_url()}#entry-{attachment.entry_id}")


@login_required
@require_GET
def report_check(request: SignedInHttpRequest, pk: int) -> JsonResponse:
    """Whether the report can be submitted now, and which entries still need something."""
    report = policies.access_report_by_id(request.user, pk)
    if not policies.can(request.user, "report.edit_unit", report.unit):
        raise PermissionDenied("只有本单位的填报员可以提交本单位报表。")
    missing = services.report_missing_entries(report)
    editable = report.entries.filter(state__in=["draft", "returned"]).count()
    problems = [{"entry": e.pk, "message": m} for e, m in missing]
    if not services.period_is_open_for(report.period, report.unit, clock.today()):
        problems.insert(0, {"entry": None, "message": f"{report.period.name}已锁定，不能提交。"})
    elif not editable:
        problems.append({"entry": None, "message": "没有需要提交的条目：已提交的条目正在审核。"})
    # Figures to verify do not stop the submission: the confirmation lists them.
    loaded = report_with_entries(report.pk).entries.all()
    found = selectors.entry_figure_warnings(loaded)
    warnings = [
        {"entry": e.pk, "task_number": e.task.number, "message": m}
        for e in loaded
        if e.is_editable
        for messages in found.get(e.pk, {}).values()
        for m in messages
    ]
    return JsonResponse(
        {"can_submit": not problems, "count": editable, "missing": problems, "warnings": warnings}
    )


@login_required
@require_POST
def report_submit(request: SignedInHttpRequest, pk: int) -> HttpResponse:
    """Submit the report; the page lists what is missing, as links, when it cannot be submitted."""
    report = policies.access_report_by_id(request.user, pk)
    try:
        services.report_submit(report=report, user=request.user)
    except ValidationError as exc:
        missing = [(e.pk, m) for e, m in services.report_missing_entries(report)]
        if not missing:
            missing = [(0, m) for m in _errors(exc)]
        return _report_page(request, report.pk, missing=missing, status=400)
    report.refresh_from_db()
    late = "（逾期提交）" if report.is_late else ""
    messages.success(request, f"{report.period.name}报表已提交{late}，等待牵头部室审核。")
    return redirect(report)


REVIEW_PAGE_SIZE = 30


@login_required
@require_GET
def review_list(request: SignedInHttpRequest) -> HttpResponse:
    """Entries on tasks the user's department leads, filtered, paginated, grouped by report."""
    if not policies.can(request.user, "review.list"):
        raise PermissionDenied("只有部室工作人员可以审核单位报表。")
    filters = selectors.review_filters_parse(request.GET)
    entries = selectors.review_entries(request.user, filters)
    page = Paginator(entries, REVIEW_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "entries": _with_warnings(list(page.object_list)),
        "filters": filters,
        "options": selectors.review_filter_options(request.user),
        "states": selectors.REVIEW_STATES,
        "state_label": selectors.REVIEW_STATES[filters.state],
        "next_url": request.get_full_path(),
        "nav_active": "reviews",
    }
    return render(request, "reports/review_list.html", context)


def _with_warnings(entries: list[ReportEntry]) -> list[ReportEntry]:
    """Mark each contribution with the warnings on its figure (``warnings``, read by the
    template beside the figure)."""
    found = selectors.entry_figure_warnings(entries)
    for entry in entries:
        for c in entry.contributions.all():
            c.warnings = found.get(entry.pk, {}).get(c.indicator_id, [])  # type: ignore[attr-defined]
    return entries


def _review_next(request: SignedInHttpRequest) -> str:
    # Back to the page the reviewer came from (filters kept); never to another site.
    return local_path(request, request.POST.get("next")) or reverse("reports:review_list")


def _batch_items(values: list[str]) -> list[tuple[int, int]]:
    # Each ticked checkbox carries "<entry id>:<version>"; malformed values are ignored.
    items: dict[int, int] = {}
    for value in values[:500]:
        entry_id, _, version = value.partition(":")
        number, seen = parse_id(entry_id), parse_int(version, 0, MAX_ID)
        if number is not None and seen is not None:
            items.setdefault(number, seen)
    return list(items.items())


@login_required
@require_POST
def review_batch(request: SignedInHttpRequest) -> HttpResponse:
    """Approve the ticked entries; each keeps its version check, conflicts are named."""
    if not policies.can(request.user, "review.list"):
        raise PermissionDenied("只有部室工作人员可以审核单位报表。")
    items = _batch_items(request.POST.getlist("entries"))
    if not items:
        messages.warning(request, "请先勾选要通过的条目。")
        return redirect(_review_next(request))
    entries = selectors.entries_for_review_by_ids(request.user, [i for i, _ in items])
    found = {e.pk: e for e in entries}
    pairs = [(found[i], v) for i, v in items if i in found]
    missing = len(items) - len(pairs)
    result = services.entries_approve(items=pairs, user=request.user)
    text = f"已通过 {len(result.approved)} 条"
    failures = [f"{services.entry_label(e)}（{reason}）" for e, reason in result.failed]
    if missing:
        failures.append(f"{missing} 个条目不存在或无权审核")
    if failures:
        text += f"；{len(result.failed) + missing} 条未通过：" + "；".join(failures)
        messages.warning(request, text + "。")
    else:
        messages.success(request, text + "。")
    return redirect(_review_next(request))


@login_required
@require_GET
def review_report(request: SignedInHttpRequest, pk: int) -> HttpResponse:
    """One unit's report as its reviewer sees it: the entries on the tasks they review."""
    if not policies.can(request.user, "review.list"):
        raise PermissionDenied("只有部室工作人员可以审核单位报表。")
    report = policies.access_report_by_id(request.user, pk)
    entries = _with_warnings(selectors.review_report_entries(request.user, report))
    context = {
        "report": report,
        "period": report.period,
        "entries": entries,
        "pending": sum(e.state == "submitted" for e in entries),
        "next_url": request.get_full_path(),
        "nav_active": "reviews",
    }
    return render(request, "reports/review_report.html", context)


@login_required
@require_POST
def entry_review(request: SignedInHttpRequest, pk: int) -> HttpResponse:
    """Approve an entry or return it with a reason."""
    entry = policies.access_entry_by_id(request.user, pk)
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, "审核操作无效，请刷新页面后重试。")
        return redirect(_review_next(request))
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
    return redirect(_review_next(request))


@login_required
@require_GET
def grid(request: SignedInHttpRequest) -> HttpResponse:
    """Units × periods: who reported on time, late, not at all, returned or approved."""
    if not policies.can(request.user, "grid.view"):
        raise PermissionDenied("报送情况仅对部室工作人员和领导开放。")
    plan = plan_for_year_param(request.user, request.GET.get("year"))
    if plan is None:
        return render(request, "tasks/plan_empty.html")
    today = clock.today()
    grid = selectors.submission_grid(plan, today, kind=request.GET.get("kind") or None)
    context = {
        "plan": plan,
        "grid": grid,
        "openable": policies.report_ids_visible_to(request.user, plan, shown=grid.reports()),
        "legend": selectors.GRID_LABELS.items(),
        "today": today,
        "can_remind": policies.can(request.user, "reminder.send", None),
        "nav_active": "grid",
    }
    return render(request, "reports/submission_grid.html", context)


@login_required
@require_POST
def remind(request: SignedInHttpRequest) -> HttpResponse:
    """Send a reminder (催报) to one unit for one period; back to the page it was sent from."""
    period_id, unit_id = _form_id(request, "period"), _form_id(request, "unit")
    if period_id is None or unit_id is None:
        raise BadRequest("催报请求无效：缺少周期或单位。")
    period = get_object_or_404(
        ReportingPeriod.objects.select_related("plan"),
        pk=period_id,
        plan__in=policies.plans_visible_to(request.user),
    )
    unit = get_object_or_404(Unit, pk=unit_id, kind__in=REPORTING_KINDS)
    try:
        services.reminder_send(period=period, unit=unit, user=request.user)
    except ValidationError as exc:
        messages.error(request, "；".join(m for ms in exc.message_dict.values() for m in ms))
    else:
        messages.success(request, f"已向{unit.name}发送{period.name}催报提醒。")
    back = local_path(request, request.POST.get("next"))
    return redirect(back or f"{reverse('reports:grid')}?year={period.plan.year}")


def _form_id(request: SignedInHttpRequest, name: str) -> int | None:
    return parse_id(request.POST.get(name))
