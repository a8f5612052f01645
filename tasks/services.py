"""Writes to the work plan: importing a published plan, changing a plan's status."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from departments.models import Unit, UnitKind, User
from departments.reference import PARTICIPANT_GROUPS
from departments.selectors import unit_lookup
from history.models import record_related_change
from history.recording import Source, recording
from reports.models import ReportingPeriod
from tasks.models import (
    Indicator,
    IndicatorActual,
    IndicatorAllocation,
    IndicatorKind,
    Instruction,
    KeyTask,
    PlanStatus,
    ProgressStatus,
    ProgressUpdate,
    Section,
    TaskLead,
    TaskParticipant,
    WorkPlan,
)
from tasks.plan_text import ParsedPlan, ParsedTask, PlanParseError, parse_plan_text
from tasks.status import COLOUR_LABELS, Colour, expected_progress, task_colour
from unionplan import clock, policies


class PlanImportError(ValueError):
    """A plan text that cannot be imported; names the line and the reason, in Chinese."""

    def __init__(self, message: str, *, line_no: int | None = None) -> None:
        super().__init__(message)
        self.line_no = line_no


@dataclass
class PlanImportResult:
    """What an import found and what it changed (or would change, on a dry run)."""

    parsed: ParsedPlan
    plan: WorkPlan | None
    dry_run: bool
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)

    def bump(self, bucket: str, kind: str) -> None:
        counts = getattr(self, bucket)
        counts[kind] = counts.get(kind, 0) + 1


@dataclass(frozen=True)
class _ResolvedTask:
    parsed: ParsedTask
    leads: list[Unit]
    participants: list[tuple[Unit, str]]  # (unit, group as written)


def _resolve_units(parsed: ParsedPlan) -> list[_ResolvedTask]:
    """Map the plan's lead and participant names to units, or refuse naming the task's line."""
    by_name = unit_lookup()
    by_kind: dict[str, list[Unit]] = {}
    for unit in {u.pk: u for u in by_name.values()}.values():
        by_kind.setdefault(unit.kind, []).append(unit)
    for units in by_kind.values():
        units.sort(key=lambda u: (u.sort_order, u.name))

    resolved = []
    for task in parsed.tasks:
        leads = []
        for name in task.lead_names:
            unit = by_name.get(name)
            if unit is None or unit.kind != UnitKind.DEPARTMENT:
                raise PlanImportError(
                    f"第 {task.line} 行（第 {task.number} 项）的牵头部室“{name}”不是系统中的部室，"
                    "请先在“单位”中建立该部室或更正原文",
                    line_no=task.line,
                )
            if unit not in leads:
                leads.append(unit)
        participants: list[tuple[Unit, str]] = []
        seen = {u.pk for u in leads}  # a lead department does not also report as a participant
        for name in task.participant_names:
            if name in PARTICIPANT_GROUPS:
                members = by_kind.get(PARTICIPANT_GROUPS[name], [])
                group = name
            elif name in by_name:
                members, group = [by_name[name]], ""
            else:
                raise PlanImportError(
                    f"第 {task.line} 行（第 {task.number} 项）的参与单位“{name}”无法识别："
                    "既不是单位名称，也不是“各街道总工会”“行业工会”“区总各部室”等分组",
                    line_no=task.line,
                )
            for unit in members:
                if unit.pk not in seen and unit.is_active:
                    seen.add(unit.pk)
                    participants.append((unit, group))
        resolved.append(_ResolvedTask(parsed=task, leads=leads, participants=participants))
    return resolved


def plan_import(
    *,
    text: str,
    year: int,
    dry_run: bool = False,
    status: str = PlanStatus.ACTIVE,
    actor: User | None = None,
) -> PlanImportResult:
    """Import a published plan's text for ``year``; re-importing updates in place; all or nothing.

    A new plan gets ``status``; an existing plan keeps its own. On a dry run everything is
    written inside a transaction that is then rolled back, so the counts are exact.
    """
    try:
        parsed = parse_plan_text(text)
    except PlanParseError as exc:
        raise PlanImportError(str(exc), line_no=exc.line_no) from exc
    resolved = _resolve_units(parsed)
    result = PlanImportResult(parsed=parsed, plan=None, dry_run=dry_run)
    with transaction.atomic(), recording(actor=actor, source=Source.IMPORT):
        result.plan = _write_plan(parsed, resolved, year=year, status=status, result=result)
        if dry_run:
            transaction.set_rollback(True)
    return result


def _write_plan(
    parsed: ParsedPlan,
    resolved: list[_ResolvedTask],
    *,
    year: int,
    status: str,
    result: PlanImportResult,
) -> WorkPlan:
    plan, created = WorkPlan.objects.select_for_update().get_or_create(
        year=year,
        defaults={
            "title": parsed.title,
            "framework": parsed.framework,
            "paragraphs": list(parsed.paragraphs),
            "status": status,
            "source_text": parsed_source(parsed),
        },
    )
    if created:
        result.bump("created", "plan")
    else:
        changed = _assign(
            plan,
            title=parsed.title,
            framework=parsed.framework,
            paragraphs=list(parsed.paragraphs),
            source_text=parsed_source(parsed),
        )
        if changed:
            plan.save()
            result.bump("updated", "plan")

    sections = {s.number: s for s in plan.sections.all()}
    for ps in parsed.sections:
        section = sections.get(ps.number)
        if section is None:
            sections[ps.number] = Section.objects.create(
                plan=plan, number=ps.number, numeral=ps.numeral, title=ps.title
            )
            result.bump("created", "section")
        elif _assign(section, numeral=ps.numeral, title=ps.title):
            section.save()
            result.bump("updated", "section")

    section_of_task = {t.number: ps.number for ps in parsed.sections for t in ps.tasks}
    tasks = {t.number: t for t in plan.tasks.all()}
    due = dt.date(year, 12, 31)
    for item in resolved:
        pt = item.parsed
        fields = {
            "section": sections[section_of_task[pt.number]],
            "title": pt.title,
            "description": pt.description,
            "participants_text": pt.participants_text,
        }
        task = tasks.get(pt.number)
        if task is None:
            task = KeyTask.objects.create(plan=plan, number=pt.number, due_date=due, **fields)
            result.bump("created", "task")
        elif _assign(task, **fields):
            task.save()
            result.bump("updated", "task")
        _sync_leads(task, item.leads, result)
        _sync_participants(task, item.participants, result)
        _sync_indicators(task, pt, result)

    wanted_tasks = {t.number for t in parsed.tasks}
    for number, task in tasks.items():
        if number not in wanted_tasks:
            task.delete()
            result.bump("removed", "task")
    wanted_sections = {s.number for s in parsed.sections}
    for number, section in sections.items():
        if number not in wanted_sections:
            section.delete()
            result.bump("removed", "section")
    return plan


def parsed_source(parsed: ParsedPlan) -> str:
    """The plan as the importer understood it, kept beside the plan for reference."""
    lines = [parsed.title, *parsed.paragraphs]
    for section in parsed.sections:
        lines.append(f"{section.numeral}、{section.title}")
        for task in section.tasks:
            lines.append(
                f"{task.number}.{task.description}（牵头部室：{'、'.join(task.lead_names)}，"
                f"参与单位：{task.participants_text}）"
            )
    return "\n".join(lines)


def _assign(obj: object, **values: object) -> bool:
    """Set changed attributes; True when anything changed (so unchanged rows are not saved)."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


def _sync_leads(task: KeyTask, leads: list[Unit], result: PlanImportResult) -> None:
    rows = list(task.leads.select_related("unit").order_by("order"))
    current = [(lead.unit_id, lead.order) for lead in rows]
    wanted = [(unit.pk, order) for order, unit in enumerate(leads)]
    if current == wanted:
        return
    record_related_change(
        task=task, label="牵头部室", old=[r.unit.name for r in rows], new=[u.name for u in leads]
    )
    task.leads.all().delete()
    TaskLead.objects.bulk_create(
        TaskLead(task=task, unit=unit, order=order) for order, unit in enumerate(leads)
    )
    result.bump("updated" if current else "created", "leads")


def _sync_participants(
    task: KeyTask, participants: list[tuple[Unit, str]], result: PlanImportResult
) -> None:
    current = {p.unit_id: p for p in task.participants.select_related("unit")}
    wanted = {unit.pk: group for unit, group in participants}
    if set(current) != set(wanted):
        record_related_change(
            task=task,
            label="参与单位",
            old=[p.unit.display_name for p in current.values()],
            new=[unit.display_name for unit, _ in participants],
        )
    for unit_id, row in current.items():
        if unit_id not in wanted:
            row.delete()
            result.bump("removed", "participant")
        elif row.group != wanted[unit_id]:
            row.group = wanted[unit_id]
            row.save(update_fields=["group"])
            result.bump("updated", "participant")
    new = [
        TaskParticipant(task=task, unit=unit, group=group)
        for unit, group in participants
        if unit.pk not in current
    ]
    TaskParticipant.objects.bulk_create(new)
    for _ in new:
        result.bump("created", "participant")


def _sync_indicators(task: KeyTask, parsed: ParsedTask, result: PlanImportResult) -> None:
    """Indicators found in the text are matched by name; ones typed in by hand are left alone."""
    current = {i.name: i for i in task.indicators.all()}
    wanted_names = set()
    for order, pi in enumerate(parsed.indicators):
        wanted_names.add(pi.name)
        fields = {
            "order": order,
            "kind": pi.kind,
            "measure_unit": pi.unit,
            "comparator": pi.comparator,
            "target": pi.target,
            "per_unit_target": pi.per_unit_target,
            "source_text": pi.source[:300],
        }
        indicator = current.get(pi.name)
        if indicator is None:
            indicator = Indicator.objects.create(task=task, name=pi.name, **fields)
            result.bump("created", "indicator")
        elif _assign(indicator, **fields):
            indicator.save()
            result.bump("updated", "indicator")
        if pi.per_unit_target is not None:
            _sync_street_allocations(task, indicator, pi.per_unit_target)
    for name, indicator in current.items():
        if name not in wanted_names and indicator.source_text:
            indicator.delete()
            result.bump("removed", "indicator")


def _sync_street_allocations(task: KeyTask, indicator: Indicator, per_unit: object) -> None:
    """ "各街道…1场" sets the same share for every participating street."""
    streets = [
        p.unit for p in task.participants.select_related("unit") if p.unit.kind == UnitKind.STREET
    ]
    existing = {a.unit_id: a for a in indicator.allocations.all()}
    for unit in streets:
        allocation = existing.get(unit.pk)
        if allocation is None:
            IndicatorAllocation.objects.create(indicator=indicator, unit=unit, target=per_unit)
        elif allocation.target != per_unit:
            allocation.target = per_unit
            allocation.save(update_fields=["target"])


# --- progress updates and instructions ------------------------------------------------------


class ConflictError(Exception):
    """A write based on a stale version: someone else saved in between. Nothing was written."""

    def __init__(self, *, current: object, message: str) -> None:
        super().__init__(message)
        self.current = current
        self.message = message


@dataclass(frozen=True)
class ActualInput:
    """The lead department's figure for one indicator in a progress update."""

    value: Decimal | None = None
    done: bool = False
    done_on: dt.date | None = None


@dataclass(frozen=True)
class ProgressInput:
    """What a progress form or API call submits."""

    status: str
    percent: int
    progress: str
    problems: str = ""
    next_steps: str = ""
    actuals: dict[int, ActualInput] = field(default_factory=dict)


def _validate_progress(
    *, task: KeyTask, period: ReportingPeriod, data: ProgressInput, today: dt.date
) -> None:
    errors: dict[str, str] = {}
    if period.plan_id != task.plan_id:
        errors["period"] = "填报周期不属于该项工作所在的年度。"
    elif period.is_locked:
        errors["period"] = f"{period.name}已锁定，不能再修改进展。"
    if data.status not in ProgressStatus.values:
        errors["status"] = "请选择推进状态。"
    if not 0 <= data.percent <= 100:
        errors["percent"] = "完成进度必须在 0 到 100 之间。"
    elif data.status == ProgressStatus.DONE and data.percent != 100:
        errors["percent"] = "标记为“已完成”时，完成进度应为 100%。"
    if not data.progress.strip():
        errors["progress"] = "请填写进展情况。"
    indicators = {i.pk: i for i in task.indicators.all()}
    for indicator_id, actual in data.actuals.items():
        ind = indicators.get(indicator_id)
        key = f"actual_{indicator_id}"
        if ind is None:
            errors[key] = "该指标不属于本项工作。"
        elif actual.value is not None and actual.value < 0:
            errors[key] = f"“{ind.name}”的完成值不能为负数。"
        elif ind.kind == IndicatorKind.RATE and actual.value is not None and actual.value > 100:
            errors[key] = f"“{ind.name}”是比率，不能超过 100%。"
    if "percent" not in errors and not data.problems.strip():
        expected = expected_progress(task.plan.year, today, task.node_targets)
        colour = task_colour(
            done=data.status == ProgressStatus.DONE,
            percent=data.percent,
            expected=expected,
            overdue=today > task.due_date,
            amber_points=settings.UNIONPLAN_AMBER_POINTS,
            red_points=settings.UNIONPLAN_RED_POINTS,
        )
        if colour in (Colour.AMBER, Colour.RED):
            errors["problems"] = (
                f"按当前进度（应达 {expected:.0f}%）本项工作为{COLOUR_LABELS[colour]}，"
                "请填写存在问题。"
            )
    if errors:
        raise ValidationError(errors)


def progress_save(
    *,
    task: KeyTask,
    period: ReportingPeriod,
    user: User,
    data: ProgressInput,
    expected_version: int,
    source: str = Source.WEB,
) -> ProgressUpdate:
    """Create or edit the lead department's update of ``task`` for ``period``.

    ``expected_version`` is the version the user's form was based on (0 for a new update);
    anything else than the stored version is refused with ConflictError, never overwritten.
    """
    if not policies.can(user, "task.update_progress", task):
        raise PermissionDenied("只有牵头部室的工作人员可以更新本项工作的进展。")
    _validate_progress(task=task, period=period, data=data, today=clock.today())
    with transaction.atomic(), recording(actor=user, source=source):
        update = ProgressUpdate.objects.select_for_update().filter(task=task, period=period).first()
        if update is None and expected_version != 0:
            raise ConflictError(current=None, message="该期进展已被删除，请刷新后重新填写。")
        if update is not None and update.version != expected_version:
            raise _progress_conflict(update)
        if update is None:
            update = ProgressUpdate(task=task, period=period, created_by=user)
        update.status = data.status
        update.percent = data.percent
        update.progress = data.progress.strip()
        update.problems = data.problems.strip()
        update.next_steps = data.next_steps.strip()
        update.updated_by = user
        update.version = (update.version + 1) if update.pk else 1
        try:
            with transaction.atomic():
                update.save()
        except IntegrityError:
            # Someone created this period's update between our read and our insert.
            raise _progress_conflict(ProgressUpdate.objects.get(task=task, period=period)) from None
        _save_actuals(update, data.actuals)
    return update


def _progress_conflict(current: ProgressUpdate) -> ConflictError:
    who = current.updated_by.display_name if current.updated_by else "其他人"
    when = timezone.localtime(current.updated_at).strftime("%m月%d日 %H:%M")
    return ConflictError(
        current=current,
        message=f"在您编辑期间，{who}已于{when}修改了{current.period.name}的进展。"
        "您填写的内容未保存，仍保留在表单中；请对照下方最新内容后再提交。",
    )


def _save_actuals(update: ProgressUpdate, actuals: dict[int, ActualInput]) -> None:
    existing = {a.indicator_id: a for a in update.actuals.all()}
    for indicator_id, value in actuals.items():
        row = existing.get(indicator_id) or IndicatorActual(
            update=update, indicator_id=indicator_id
        )
        row.value = value.value
        row.done = value.done
        row.done_on = (value.done_on or clock.today()) if value.done else None
        if row.pk is None and row.value is None and not row.done:
            continue  # nothing entered for this indicator
        row.save()


def instruction_create(
    *, task: KeyTask, user: User, text: str, source: str = Source.WEB
) -> Instruction:
    """A leader writes an instruction (批示) on a task for its lead department to answer."""
    if not policies.can(user, "task.instruct", task):
        raise PermissionDenied("只有区总领导可以作出批示。")
    if not text.strip():
        raise ValidationError({"text": "请填写批示内容。"})
    with transaction.atomic(), recording(actor=user, source=source):
        instruction = Instruction(task=task, author=user, text=text.strip())
        instruction.save()
    return instruction


def instruction_answer(
    *,
    instruction: Instruction,
    user: User,
    answer: str,
    expected_version: int,
    source: str = Source.WEB,
) -> Instruction:
    """The lead department answers (or amends its answer to) an instruction."""
    if not policies.can(user, "instruction.answer", instruction):
        raise PermissionDenied("只有牵头部室的工作人员可以答复该批示。")
    if not answer.strip():
        raise ValidationError({"answer": "请填写办理情况。"})
    with transaction.atomic(), recording(actor=user, source=source):
        current = Instruction.objects.select_for_update().get(pk=instruction.pk)
        if current.version != expected_version:
            raise ConflictError(
                current=current,
                message="该批示已被他人答复或修改，您填写的内容未保存，请查看最新答复。",
            )
        current.answer = answer.strip()
        current.answered_by = user
        current.answered_at = timezone.now()
        current.version += 1
        current.save()
    return current
