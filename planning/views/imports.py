"""导入工作要点: upload a document, preview and correct what was read, confirm to save."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from departments.models import Unit, UnitKind
from planning.documents import (
    MAX_DOCUMENT_BYTES,
    PlanDocumentError,
    build_plan_template,
    parse_plan_document,
)
from planning.services.imports import (
    Corrections,
    ImportDraft,
    ImportPreview,
    IndicatorCorrection,
    TaskCorrection,
    import_draft_from_token,
    import_preview,
    import_save,
    import_year_parse,
)
from tasks.models import Cadence, IndicatorKind, PlanStatus, WorkPlan
from tasks.plan_text import SHAPE_NAMES
from unionplan import clock, policies
from unionplan.params import MAX_ID, parse_int

if TYPE_CHECKING:
    from departments.http import SignedInHttpRequest

ACCEPT = ".docx,.pdf,.txt,.xlsx"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
@require_http_methods(["GET", "POST"])
def import_upload(request: SignedInHttpRequest) -> HttpResponse:
    """Upload form; a posted document is read and shown as a preview (nothing is saved)."""
    policies.require(request.user, "plan.manage")
    if request.method == "GET":
        return _upload_page(request, year=str(_suggested_year()), errors={})
    raw_year = request.POST.get("year", "")
    errors: dict[str, str] = {}
    year = None
    try:
        year = import_year_parse(raw_year)
    except ValidationError as exc:
        errors.update({k: v[0] for k, v in exc.message_dict.items()})
    upload = request.FILES.get("document")
    if upload is None:
        errors["document"] = "请选择工作要点文件（.docx、.pdf、.txt 或导入模板 .xlsx）"
    elif upload.size is not None and upload.size > MAX_DOCUMENT_BYTES:
        errors["document"] = (
            f"“{upload.name}”大小为 {upload.size / 1024 / 1024:.1f} MB，超过 10 MB 的上限，"
            "未作任何处理。"
        )
    if errors or upload is None or year is None:
        return _upload_page(request, year=raw_year, errors=errors, status=400)
    name = upload.name or "未命名文件"
    try:
        parsed = parse_plan_document(name=name, data=upload.read())
    except PlanDocumentError as exc:
        return _upload_page(request, year=raw_year, errors={"document": str(exc)}, status=400)
    preview = import_preview(draft=ImportDraft(parsed=parsed, year=year, name=name))
    return _preview_page(request, preview, request.POST)


@login_required
@require_POST
def import_confirm(request: SignedInHttpRequest) -> HttpResponse:
    """Re-check the corrected preview, or save it in one transaction."""
    policies.require(request.user, "plan.manage")
    try:
        draft = import_draft_from_token(request.POST.get("token", ""))
    except ValidationError as exc:
        return _upload_page(
            request, year=str(_suggested_year()), errors={"document": exc.messages[0]}, status=400
        )
    corrections = _corrections(request.POST, draft)
    if request.POST.get("action") != "save":
        return _preview_page(
            request, import_preview(draft=draft, corrections=corrections), request.POST
        )
    status = request.POST.get("status", PlanStatus.DRAFT)
    preview = import_save(draft=draft, corrections=corrections, status=status, actor=request.user)
    if not preview.can_save or preview.result is None:
        return _preview_page(request, preview, request.POST, status=400)
    created = preview.result.created.get("task", 0)
    updated = preview.result.updated.get("task", 0)
    removed = preview.result.removed.get("task", 0)
    unled = preview.unled_count
    message = (
        f"已导入 {draft.year} 年工作要点：新增重点工作 {created} 项，修改 {updated} 项，"
        f"删除 {removed} 项。"
    )
    if unled:
        message += f"其中 {unled} 项牵头部室待定，请在“编辑工作要点”中指定。"
    messages.success(request, message)
    return redirect("tasks:plan_overview", year=draft.year)


@login_required
@require_GET
def import_template(request: SignedInHttpRequest) -> HttpResponse:
    """The project's .xlsx import template, with the known departments to choose from."""
    policies.require(request.user, "plan.manage")
    departments = Unit.objects.filter(kind=UnitKind.DEPARTMENT, is_active=True).order_by(
        "sort_order", "name"
    )
    data = build_plan_template(None, departments=[unit.name for unit in departments])
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = (
        "attachment; filename=\"plan-template.xlsx\"; filename*=UTF-8''"
        "%E5%B7%A5%E4%BD%9C%E8%A6%81%E7%82%B9%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
    )
    return response


def _suggested_year() -> int:
    """Next year once this year's plan exists, else this year."""
    year = clock.today().year
    return year + 1 if WorkPlan.objects.filter(year=year).exists() else year


def _upload_page(
    request: SignedInHttpRequest, *, year: str, errors: dict[str, str], status: int = 200
) -> HttpResponse:
    context = {
        "year": year,
        "errors": errors,
        "accept": ACCEPT,
        "existing_years": list(WorkPlan.objects.order_by("-year").values_list("year", flat=True)),
        "nav_active": "planning",
    }
    return render(request, "planning/import_upload.html", context, status=status)


def _digits(raw: str) -> int | None:
    return parse_int(raw, 0, MAX_ID)


def _corrections(post: QueryDict, draft: ImportDraft) -> Corrections:
    """The corrections typed in the preview, read strictly (ids are ASCII digits)."""
    tasks = {}
    for task in draft.parsed.tasks:
        prefix = f"t-{task.number}"
        if f"{prefix}-title" not in post:
            continue
        lead_ids = tuple(
            unit_id for raw in post.getlist(f"{prefix}-leads") if (unit_id := _digits(raw))
        )
        indicators = tuple(
            IndicatorCorrection(
                keep=post.get(f"i-{task.number}-{index}-keep") == "1",
                kind=post.get(f"i-{task.number}-{index}-kind", indicator.kind),
                target=post.get(f"i-{task.number}-{index}-target", ""),
                cadence=post.get(f"i-{task.number}-{index}-cadence", indicator.cadence),
            )
            for index, indicator in enumerate(task.indicators)
        )
        tasks[task.number] = TaskCorrection(
            title=post.get(f"{prefix}-title", ""), lead_ids=lead_ids, indicators=indicators
        )
    section_leads = {}
    for section in draft.parsed.sections:
        unit_id = _digits(post.get(f"s-{section.number}-lead", ""))
        if unit_id:
            section_leads[section.number] = unit_id
    return Corrections(tasks=tasks, section_leads=section_leads)


def _number(value: Any) -> str:
    text = format(value.normalize(), "f") if hasattr(value, "normalize") else str(value)
    return text


def _preview_page(
    request: SignedInHttpRequest, preview: ImportPreview, post: QueryDict, *, status: int = 200
) -> HttpResponse:
    """The preview form: typed values win over what was read, so nothing typed is lost."""
    typed = "token" in post
    corrected = {task.number: task for task in preview.plan.tasks}
    sections = []
    for section in preview.draft.parsed.sections:
        rows = []
        for task in section.tasks:
            n = task.number
            indicators = []
            for index, indicator in enumerate(task.indicators):
                key = f"i-{n}-{index}"
                indicators.append(
                    {
                        "key": key,
                        "name": indicator.name,
                        "unit": indicator.unit,
                        "comparator": {"gte": "≥", "lte": "≤", "eq": "="}.get(
                            indicator.comparator, ""
                        ),
                        "source": indicator.source,
                        "keep": post.get(f"{key}-keep") == "1" if typed else True,
                        "kind": post.get(f"{key}-kind", indicator.kind),
                        "cadence": post.get(f"{key}-cadence", indicator.cadence),
                        "target": post.get(f"{key}-target", _number(indicator.target)),
                        "error": preview.errors.get(f"{key}-target", ""),
                    }
                )
            rows.append(
                {
                    "number": n,
                    "title": post.get(f"t-{n}-title", task.title),
                    "title_error": preview.errors.get(f"t-{n}-title", ""),
                    "description": task.description,
                    "lead_ids": preview.lead_ids.get(n, []),
                    "participants_text": task.participants_text,
                    "participant_count": len(corrected[n].participant_names),
                    "warnings": preview.task_warnings.get(n, []),
                    "indicators": indicators,
                }
            )
        sections.append(
            {
                "number": section.number,
                "numeral": section.numeral,
                "title": section.title,
                "description": section.description,
                "lead": _digits(post.get(f"s-{section.number}-lead", "")),
                "tasks": rows,
            }
        )
    result = preview.result
    context = {
        "preview": preview,
        "sections": sections,
        "shape": SHAPE_NAMES.get(preview.draft.parsed.shape, preview.draft.parsed.shape),
        "kinds": IndicatorKind.choices,
        "cadences": Cadence.choices,
        "status": post.get("status", PlanStatus.DRAFT),
        "statuses": [
            (PlanStatus.DRAFT, "草稿（发布前只有管理员可见）"),
            (PlanStatus.ACTIVE, "执行中（立即发布）"),
        ],
        "changes": {
            "created": result.changes_in("created") if result else [],
            "updated": result.changes_in("updated") if result else [],
            "removed": result.changes_in("removed") if result else [],
        },
        "task_count": len(preview.plan.tasks),
        "indicator_count": sum(len(t.indicators) for t in preview.plan.tasks),
        "nav_active": "planning",
    }
    return render(request, "planning/import_preview.html", context, status=status)
