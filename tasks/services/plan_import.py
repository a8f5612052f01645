"""Importing a published plan's text: resolving its names to units and writing the plan.

Re-importing updates the plan in place, all or nothing; a dry run reports exact counts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import ProtectedError, Q

from departments.models import Unit, UnitKind, User
from departments.reference import PARTICIPANT_GROUPS
from departments.selectors import unit_lookup
from history.models import record_related_change
from history.recording import Source, recording
from tasks.models import (
    Indicator,
    IndicatorAllocation,
    KeyTask,
    PlanStatus,
    Section,
    TaskLead,
    TaskParticipant,
    WorkPlan,
)
from tasks.plan_text import ParsedPlan, ParsedTask, PlanParseError, parse_plan_text


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
    # What a person reads before confirming: (bucket, sentence), e.g. ("removed", "第 30 项 …").
    changes: list[tuple[str, str]] = field(default_factory=list)

    def bump(self, bucket: str, kind: str, change: str = "") -> None:
        counts = getattr(self, bucket)
        counts[kind] = counts.get(kind, 0) + 1
        if change:
            self.changes.append((bucket, change))

    def changes_in(self, bucket: str) -> list[str]:
        """The sentences of one bucket ("created", "updated", "removed")."""
        return [text for kind, text in self.changes if kind == bucket]


@dataclass(frozen=True)
class _ResolvedTask:
    parsed: ParsedTask
    leads: list[Unit]
    participants: list[tuple[Unit, str]]  # (unit, group as written)


def _resolve_units(parsed: ParsedPlan) -> list[_ResolvedTask]:
    """Map the plan's lead and participant names to units, or refuse naming the task's line."""
    by_name = unit_lookup()
    by_kind: dict[str, list[Unit]] = {}
    for distinct_unit in {u.pk: u for u in by_name.values()}.values():
        by_kind.setdefault(distinct_unit.kind, []).append(distinct_unit)
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
    year: int,
    text: str | None = None,
    parsed: ParsedPlan | None = None,
    dry_run: bool = False,
    status: str = PlanStatus.ACTIVE,
    actor: User | None = None,
    source: str = Source.IMPORT,
) -> PlanImportResult:
    """Import a plan for ``year`` from its text or an already parsed (and corrected) plan.

    Re-importing updates in place; all or nothing. A new plan gets ``status``; an existing plan
    keeps its own. On a dry run everything is written inside a transaction that is then rolled
    back, so the counts and the list of changes are exact.
    """
    if parsed is None:
        if text is None:
            raise TypeError("plan_import needs text or parsed")
        try:
            parsed = parse_plan_text(text)
        except PlanParseError as exc:
            raise PlanImportError(str(exc), line_no=exc.line_no) from exc
    resolved = _resolve_units(parsed)
    result = PlanImportResult(parsed=parsed, plan=None, dry_run=dry_run)
    with (
        transaction.atomic(),
        recording(actor=actor, source=source, verb="导入", summary=f"{year}年工作要点"),
    ):
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
        label = f"板块{ps.numeral}、{ps.title}"
        if section is None:
            sections[ps.number] = Section.objects.create(
                plan=plan,
                number=ps.number,
                numeral=ps.numeral,
                title=ps.title,
                description=ps.description,
            )
            result.bump("created", "section", label)
        elif _assign(section, numeral=ps.numeral, title=ps.title, description=ps.description):
            section.save()
            result.bump("updated", "section", label)

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
        label = f"第 {pt.number} 项 {pt.title}"
        if task is None:
            task = KeyTask.objects.create(plan=plan, number=pt.number, due_date=due, **fields)
            result.bump("created", "task", label)
        else:
            labels = [_FIELD_LABELS[k] for k, v in fields.items() if getattr(task, k) != v]
            if _assign(task, **fields):
                task.save()
                result.bump("updated", "task", f"{label}（{'、'.join(labels)}）")
        _sync_leads(task, item.leads, result)
        _sync_participants(task, item.participants, result)
        _sync_indicators(task, pt, result)

    wanted_tasks = {t.number for t in parsed.tasks}
    _refuse_removing_worked_tasks([t for n, t in tasks.items() if n not in wanted_tasks])
    for number, task in tasks.items():
        if number not in wanted_tasks:
            result.bump("removed", "task", f"第 {number} 项 {task.title}")
            _delete_task(task)
    wanted_sections = {s.number for s in parsed.sections}
    for number, section in sections.items():
        if number not in wanted_sections:
            result.bump("removed", "section", f"板块{section.numeral}、{section.title}")
            section.delete()
    return plan


def _refuse_removing_worked_tasks(tasks: list[KeyTask]) -> None:
    """A task with progress updates or instructions is never removed by an import (the reporting
    side protects tasks with unit entries itself: see ``_delete_task``)."""
    worked = (
        KeyTask.objects.filter(pk__in=[t.pk for t in tasks])
        .filter(Q(updates__isnull=False) | Q(instructions__isnull=False))
        .distinct()
        .order_by("number")
    )
    _refuse_removal([f"第 {t.number} 项“{t.title}”" for t in worked])


def _refuse_removal(names: list[str]) -> None:
    if names:
        raise PlanImportError(
            f"新文件中没有{'、'.join(names)}，但这些重点工作已有工作进展、单位填报或领导批示，"
            "导入不会删除它们：请在文件中保留这些条目，或先在“计划管理”中处理后再导入"
        )


def _delete_task(task: KeyTask) -> None:
    try:
        with transaction.atomic():
            task.delete()
    except ProtectedError:
        _refuse_removal([f"第 {task.number} 项“{task.title}”"])


_FIELD_LABELS = {
    "section": "所属板块",
    "title": "标题",
    "description": "工作内容",
    "participants_text": "参与单位",
}


def parsed_source(parsed: ParsedPlan) -> str:
    """The plan as the importer understood it, kept beside the plan for reference."""
    lines = [parsed.title, *parsed.paragraphs]
    for section in parsed.sections:
        lines.append(f"{section.numeral}、{section.title}")
        if section.description:
            lines.append(section.description)
        for task in section.tasks:
            leads = "、".join(task.lead_names) or "待定"
            lines.append(
                f"{task.number}.{task.description}（牵头部室：{leads}，"
                f"参与单位：{task.participants_text or '无'}）"
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
    old = "、".join(r.unit.name for r in rows) or "待定"
    new = "、".join(u.name for u in leads) or "待定"
    result.bump(
        "updated" if current else "created",
        "leads",
        f"第 {task.number} 项 牵头部室：{old} → {new}" if current else "",
    )


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
            "cadence": pi.cadence,
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


def _sync_street_allocations(task: KeyTask, indicator: Indicator, per_unit: Decimal) -> None:
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
