"""The web import of a plan: read a document, preview and correct it, then save it all at once.

Nothing is written before the administrator confirms. The preview travels between requests as a
signed token inside the page (the parsed plan as JSON), so an abandoned preview leaves nothing
behind: no rows, no files, no session entries. What the importer would add, change and remove in
an existing year is worked out by a dry run of the same service that saves (``plan_import``),
rolled back, so the list shown is exactly what confirming does.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.core import signing
from django.core.exceptions import ValidationError

from departments.models import Unit, UnitKind, User
from departments.reference import PARTICIPANT_GROUPS
from departments.selectors import unit_lookup
from history.recording import Source
from tasks.models import Cadence, IndicatorKind, PlanStatus, WorkPlan
from tasks.plan_text import (
    ParsedIndicator,
    ParsedPlan,
    ParsedTask,
    parsed_from_data,
    parsed_to_data,
)
from tasks.services import PlanImportError, PlanImportResult, plan_import
from unionplan.params import parse_int

_SALT = "planning.import.preview"
# A preview older than this is refused on confirming; re-uploading takes seconds.
PREVIEW_MAX_AGE = 24 * 3600
TITLE_MAX = 200
PARTICIPANTS_TEXT_MAX = 300
SECTION_TITLE_MAX = 300
FRAMEWORK_MAX = 40
INDICATOR_NAME_MAX = 200
YEAR_RANGE = (2000, 2100)


@dataclass(frozen=True)
class ImportDraft:
    """What the preview carries: the parsed plan as read, the year and the file's name."""

    parsed: ParsedPlan
    year: int
    name: str


@dataclass(frozen=True)
class IndicatorCorrection:
    keep: bool
    kind: str
    target: str  # as typed; validated when applied
    cadence: str = ""  # 频次 of a cadence indicator (month, bimonth, quarter, year)


@dataclass(frozen=True)
class TaskCorrection:
    title: str
    lead_ids: tuple[int, ...]
    indicators: tuple[IndicatorCorrection, ...]


@dataclass(frozen=True)
class Corrections:
    """The administrator's corrections, by task number; a section's lead by section number."""

    tasks: dict[int, TaskCorrection]
    section_leads: dict[int, int]


@dataclass
class ImportPreview:
    """A parsed (and possibly corrected) plan with what saving it would do."""

    draft: ImportDraft
    plan: ParsedPlan  # corrected: leads are names of known departments
    token: str
    departments: list[Unit]
    lead_ids: dict[int, list[int]]
    warnings: list[str]
    task_warnings: dict[int, list[str]]
    errors: dict[str, str] = field(default_factory=dict)
    existing: WorkPlan | None = None
    result: PlanImportResult | None = None
    refusal: str = ""

    @property
    def can_save(self) -> bool:
        """True when nothing stands in the way of saving."""
        return not self.errors and not self.refusal

    @property
    def unled_count(self) -> int:
        """Tasks that would be saved with their lead 待定."""
        return sum(1 for task in self.plan.tasks if not task.lead_names)


def import_year_parse(raw: str) -> int:
    """The year typed on the upload form: four ASCII digits in range, else a field error."""
    raw = (raw or "").strip()
    year = parse_int(raw, 0, 9999) if len(raw) == 4 else None
    if year is None:
        raise ValidationError({"year": "年度应为四位数字，如 2025"})
    if not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
        raise ValidationError({"year": f"年度应在 {YEAR_RANGE[0]}–{YEAR_RANGE[1]} 之间"})
    return year


def import_draft_token(draft: ImportDraft) -> str:
    """The signed token that carries a draft through the preview page."""
    data = {"plan": parsed_to_data(draft.parsed), "year": draft.year, "name": draft.name}
    return signing.dumps(data, salt=_SALT, compress=True)


def import_draft_from_token(token: str) -> ImportDraft:
    """The draft a preview page carried; a ValidationError when it is forged, broken or stale."""
    try:
        data = signing.loads(token, salt=_SALT, max_age=PREVIEW_MAX_AGE)
        return ImportDraft(
            parsed=parsed_from_data(data["plan"]), year=int(data["year"]), name=str(data["name"])
        )
    except signing.SignatureExpired:
        raise ValidationError("预览已超过 24 小时，请重新上传文件。") from None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ValidationError("预览数据无效或已损坏，请重新上传文件。") from None


def import_preview(*, draft: ImportDraft, corrections: Corrections | None = None) -> ImportPreview:
    """Resolve names, apply corrections and dry-run the import; nothing is saved."""
    departments = list(
        Unit.objects.filter(kind=UnitKind.DEPARTMENT, is_active=True).order_by("sort_order", "name")
    )
    by_id = {unit.pk: unit for unit in departments}
    lookup = unit_lookup()
    warnings = list(draft.parsed.warnings)
    named_years = {int(y) for y in re.findall(r"(20\d\d)\s*年", draft.parsed.title)}
    if named_years and draft.year not in named_years:
        warnings.append(
            f"文件标题写的是 {'、'.join(str(y) for y in sorted(named_years))} 年，"
            f"而所选年度为 {draft.year} 年，请确认年度无误。"
        )
    task_warnings: dict[int, list[str]] = {}
    errors: dict[str, str] = {}
    lead_ids: dict[int, list[int]] = {}
    sections = []
    for section in draft.parsed.sections:
        section_lead = corrections.section_leads.get(section.number) if corrections else None
        tasks = []
        for task in section.tasks:
            notes = task_warnings.setdefault(task.number, [])
            resolved = _resolved_leads(task, lookup, notes)
            participants = _resolved_participants(task, lookup, notes)
            title, indicators = task.title, task.indicators
            correction = corrections.tasks.get(task.number) if corrections else None
            if correction is not None:
                resolved = [i for i in correction.lead_ids if i in by_id]
                title = correction.title.strip()
                indicators = _corrected_indicators(task, correction, errors)
            if not title:
                errors[f"t-{task.number}-title"] = "标题不能为空"
            elif len(title) > TITLE_MAX:
                errors[f"t-{task.number}-title"] = f"标题不能超过 {TITLE_MAX} 字，请缩短"
            participants_text = task.participants_text
            if len(participants_text) > PARTICIPANTS_TEXT_MAX:
                participants_text = participants_text[:PARTICIPANTS_TEXT_MAX]
                notes.append(
                    f"参与单位原文超过 {PARTICIPANTS_TEXT_MAX} 字，"
                    f"只保留前 {PARTICIPANTS_TEXT_MAX} 字"
                )
            indicators = _unique_names(indicators)
            if not resolved and section_lead in by_id:
                resolved = [section_lead]
            lead_ids[task.number] = resolved
            tasks.append(
                dataclasses.replace(
                    task,
                    title=title,
                    lead_names=tuple(by_id[i].name for i in resolved if i in by_id),
                    participant_names=participants,
                    participants_text=participants_text,
                    indicators=indicators,
                )
            )
        section_title = section.title
        if len(section_title) > SECTION_TITLE_MAX:
            section_title = section_title[:SECTION_TITLE_MAX]
            warnings.append(f"板块{section.numeral}的标题超过 {SECTION_TITLE_MAX} 字，已截断")
        sections.append(dataclasses.replace(section, title=section_title, tasks=tuple(tasks)))
    plan_title = draft.parsed.title
    if len(plan_title) > TITLE_MAX:
        plan_title = plan_title[:TITLE_MAX]
        warnings.append(f"文件标题超过 {TITLE_MAX} 字，已截断")
    plan = dataclasses.replace(
        draft.parsed,
        title=plan_title,
        framework=draft.parsed.framework[:FRAMEWORK_MAX],
        sections=tuple(sections),
    )
    preview = ImportPreview(
        draft=draft,
        plan=plan,
        token=import_draft_token(draft),
        departments=departments,
        lead_ids=lead_ids,
        warnings=warnings,
        task_warnings={n: w for n, w in task_warnings.items() if w},
        errors=errors,
        existing=WorkPlan.objects.filter(year=draft.year).first(),
    )
    if not errors:
        try:
            preview.result = plan_import(year=draft.year, parsed=plan, dry_run=True)
        except PlanImportError as exc:
            preview.refusal = str(exc)
    return preview


def import_save(
    *, draft: ImportDraft, corrections: Corrections, status: str, actor: User
) -> ImportPreview:
    """Save the corrected plan in one transaction, recorded as an import by ``actor``.

    Returns the preview with ``result`` set to what was saved; when the corrections have errors
    or the import is refused, nothing is saved and the preview says why.
    """
    preview = import_preview(draft=draft, corrections=corrections)
    if not preview.can_save:
        return preview
    if status not in (PlanStatus.DRAFT, PlanStatus.ACTIVE):
        status = PlanStatus.DRAFT
    try:
        preview.result = plan_import(
            year=draft.year, parsed=preview.plan, status=status, actor=actor, source=Source.WEB
        )
    except PlanImportError as exc:  # a concurrent change since the preview
        preview.refusal = str(exc)
        preview.result = None
    return preview


def _resolved_leads(task: ParsedTask, lookup: dict[str, Unit], notes: list[str]) -> list[int]:
    ids: list[int] = []
    for name in task.lead_names:
        unit = lookup.get(name)
        if unit is None or unit.kind != UnitKind.DEPARTMENT or not unit.is_active:
            notes.append(f"牵头部室“{name}”不是系统中的部室，请从列表中选择")
        elif unit.pk not in ids:
            ids.append(unit.pk)
    return ids


def _resolved_participants(
    task: ParsedTask, lookup: dict[str, Unit], notes: list[str]
) -> tuple[str, ...]:
    known = []
    for name in task.participant_names:
        if name in PARTICIPANT_GROUPS or name in lookup:
            known.append(name)
        else:
            notes.append(f"参与单位“{name}”无法识别，保存时不列入（原文保留）")
    return tuple(known)


def _unique_names(indicators: tuple[ParsedIndicator, ...]) -> tuple[ParsedIndicator, ...]:
    """Indicator names are unique within a task: a repeated suggestion gets “（2）”."""
    seen: set[str] = set()
    unique = []
    for indicator in indicators:
        base = indicator.name[: INDICATOR_NAME_MAX - 4] or "指标"
        name, n = base, 1
        while name in seen:
            n += 1
            name = f"{base}（{n}）"
        seen.add(name)
        unique.append(
            indicator if name == indicator.name else dataclasses.replace(indicator, name=name)
        )
    return tuple(unique)


def _corrected_indicators(
    task: ParsedTask, correction: TaskCorrection, errors: dict[str, str]
) -> tuple[ParsedIndicator, ...]:
    kept = []
    for index, (suggested, fix) in enumerate(
        zip(task.indicators, correction.indicators, strict=False)
    ):
        if not fix.keep:
            continue
        key = f"i-{task.number}-{index}"
        kind = fix.kind if fix.kind in IndicatorKind.values else suggested.kind
        target = suggested.target
        raw = fix.target.strip()
        if kind == IndicatorKind.MILESTONE:
            target = Decimal(0)
        else:
            try:
                target = Decimal(raw)
            except ArithmeticError:
                errors[f"{key}-target"] = "目标值应为数字"
                continue
            if not target.is_finite() or target < 0 or target >= Decimal("1e10"):
                errors[f"{key}-target"] = "目标值应为不小于 0 的数字"
                continue
            if kind == IndicatorKind.RATE and target > 100:
                errors[f"{key}-target"] = "比率型指标的目标值不能超过 100"
                continue
        unit = (
            "%" if kind == IndicatorKind.RATE else ("" if suggested.unit == "%" else suggested.unit)
        )
        cadence = ""
        if kind == IndicatorKind.CADENCE:
            cadence = fix.cadence or suggested.cadence
            if cadence not in Cadence.values:
                errors[f"{key}-target"] = "频次型指标请选择频次（每月、每两月、每季度或每年）"
                continue
            unit = unit if unit in ("次", "场", "期") else "次"
        kept.append(
            dataclasses.replace(suggested, kind=kind, target=target, unit=unit, cadence=cadence)
        )
    return tuple(kept)
