"""Editing a plan in the product: its meta, sections, key tasks, leads, participants, indicators.

Every service locks the plan row first (``select_for_update``), so two administrators editing the
same plan take turns and renumbering never interleaves. Tasks are numbered across the whole plan
in section order; renumbering goes through numbers above ``_SHIFT`` so that the (plan, number)
constraints hold at every statement. Every write is recorded under the verb 编辑计划 (发布计划).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, ProtectedError

from departments.models import Unit, UnitKind, User
from departments.reference import PARTICIPANT_GROUPS
from history.models import EventKind, display_value, record_event, record_related_change
from history.recording import Source, recording
from tasks.models import (
    Cadence,
    Comparator,
    Indicator,
    IndicatorAllocation,
    IndicatorKind,
    KeyTask,
    MeasureUnit,
    PlanStatus,
    Section,
    TaskLead,
    TaskParticipant,
    WorkPlan,
)
from tasks.plan_text.text import _numeral
from tasks.services.periods import periods_ensure

VERB_EDIT = "编辑计划"
VERB_PUBLISH = "发布计划"
UP = "up"
DOWN = "down"
# Renumbered rows pass through number + _SHIFT; plans have far fewer than this many rows.
_SHIFT = 1000
# The group a participant row names when every active unit of its kind takes part, so that a
# unit added to that kind later joins the task (see tasks.services.participation).
_KIND_GROUP = {
    UnitKind.STREET: "各街道总工会",
    UnitKind.INDUSTRY: "行业工会",
    UnitKind.COMMUNITY: "社区工联会",
    UnitKind.DEPARTMENT: "区总各部室",
}


# --- inputs -------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlanInput:
    """The plan's meta as the form submits it."""

    title: str
    framework: str = ""
    paragraphs: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class TaskInput:
    """A key task's own fields; ``node_targets`` is four percentages or empty (time-based)."""

    title: str
    description: str
    due_date: dt.date | None
    participants_text: str = ""
    node_targets: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class IndicatorInput:
    """An indicator's fields; ``target`` is required for counts and rates."""

    name: str
    kind: str
    measure_unit: str = ""
    comparator: str = Comparator.GTE
    target: Decimal | None = None
    per_unit_target: Decimal | None = None
    cadence: str = ""  # 频次 of a cadence indicator; ``target`` is then the count per slot


# --- helpers ------------------------------------------------------------------------------


@contextmanager
def _editing(
    *, plan: WorkPlan, user: User | None, summary: str, task: KeyTask | None = None
) -> Iterator[WorkPlan]:
    """One transaction holding the plan's row lock, recorded as 编辑计划."""
    with (
        transaction.atomic(),
        recording(
            actor=user,
            source=Source.WEB,
            verb=VERB_EDIT,
            summary=summary,
            plan=plan,
            task=task,
            gathers=True,
        ),
    ):
        yield WorkPlan.objects.select_for_update().get(pk=plan.pk)


def _raise(errors: dict[str, str]) -> None:
    if errors:
        raise ValidationError(errors)


def _record(obj: Any, *, plan: WorkPlan, kind: str, changes: list[list[str]]) -> None:
    """An event for a plan or section (they are not audited models themselves)."""
    record_event(obj=obj, kind=kind, changes=changes, plan_id=plan.pk)


def _change(label: str, old: Any, new: Any) -> list[list[str]]:
    return [] if old == new else [[label, display_value(old), display_value(new)]]


def _ordered_tasks(plan: WorkPlan) -> list[KeyTask]:
    """The plan's tasks in plan order: by section, then by number."""
    return list(
        KeyTask.objects.filter(plan=plan)
        .select_related("section")
        .order_by("section__number", "number")
    )


def _renumber_tasks(order: Sequence[KeyTask]) -> None:
    """Give ``order`` the numbers 1, 2, 3…; moved tasks first go above _SHIFT in one statement."""
    moved = [task for position, task in enumerate(order, 1) if task.number != position]
    if not moved:
        return
    # Skips the audit on purpose: the shifted number lives only inside this transaction; the
    # save below records each task's real change (old number → new number).
    KeyTask.objects.filter(pk__in=[t.pk for t in moved]).update(number=F("number") + _SHIFT)
    for position, task in enumerate(order, 1):
        if task.number != position:
            task.number = position
            task.save()


def _renumber_sections(plan: WorkPlan, order: Sequence[Section]) -> None:
    """Give ``order`` the numbers 1, 2, 3… and their numerals 一, 二, 三…"""
    moved = [s for position, s in enumerate(order, 1) if s.number != position]
    if not moved:
        return
    Section.objects.filter(pk__in=[s.pk for s in moved]).update(number=F("number") + _SHIFT)
    for position, section in enumerate(order, 1):
        if section.number != position:
            old = f"{section.numeral}"
            section.number = position
            section.numeral = _numeral(position)
            section.save(update_fields=["number", "numeral"])
            _record(
                section,
                plan=plan,
                kind=EventKind.UPDATE,
                changes=[["序号", old, section.numeral]],
            )


# --- the plan -----------------------------------------------------------------------------


def _validate_plan(data: PlanInput) -> None:
    errors = {}
    if not data.title.strip():
        errors["title"] = "请填写标题。"
    elif len(data.title.strip()) > 200:
        errors["title"] = "标题不能超过 200 字。"
    if len(data.framework.strip()) > 40:
        errors["framework"] = "工作思路不能超过 40 字。"
    _raise(errors)


def plan_update(*, plan: WorkPlan, user: User | None, data: PlanInput) -> WorkPlan:
    """Change the plan's title, framework and paragraphs (one paragraph per line)."""
    _validate_plan(data)
    with _editing(plan=plan, user=user, summary=f"修改{plan.year}年工作要点") as locked:
        paragraphs = [p.strip() for p in data.paragraphs if p.strip()]
        changes = [
            *_change("标题", locked.title, data.title.strip()),
            *_change("工作思路", locked.framework, data.framework.strip()),
            *_change("说明段落", locked.paragraphs, paragraphs),
        ]
        if changes:
            locked.title = data.title.strip()
            locked.framework = data.framework.strip()
            locked.paragraphs = paragraphs
            locked.save(update_fields=["title", "framework", "paragraphs", "updated_at"])
            _record(locked, plan=locked, kind=EventKind.UPDATE, changes=changes)
    return locked


def plan_publish(*, plan: WorkPlan, user: User | None) -> WorkPlan:
    """Publish a draft plan (草稿 → 执行中) and create its year's four reporting quarters."""
    with (
        transaction.atomic(),
        recording(
            actor=user,
            source=Source.WEB,
            verb=VERB_PUBLISH,
            summary=f"发布{plan.year}年工作要点",
            plan=plan,
        ),
    ):
        locked = WorkPlan.objects.select_for_update().get(pk=plan.pk)
        if locked.status != PlanStatus.DRAFT:
            raise ValidationError(
                {"status": f"只有草稿可以发布：该工作要点当前为“{locked.get_status_display()}”。"}
            )
        if not locked.tasks.exists():
            raise ValidationError({"status": "该工作要点还没有重点工作，不能发布。"})
        locked.status = PlanStatus.ACTIVE
        locked.save(update_fields=["status", "updated_at"])
        periods_ensure(plan=locked)  # its quarters, and its months when it reports monthly
        _record(
            locked,
            plan=locked,
            kind=EventKind.UPDATE,
            changes=[["状态", str(PlanStatus.DRAFT.label), str(PlanStatus.ACTIVE.label)]],
        )
    return locked


# --- sections -----------------------------------------------------------------------------


def _validate_section(title: str) -> None:
    if not title.strip():
        _raise({"title": "请填写板块标题。"})
    if len(title.strip()) > 300:
        _raise({"title": "板块标题不能超过 300 字。"})


def section_create(
    *, plan: WorkPlan, user: User | None, title: str, description: str = ""
) -> Section:
    """Add a section at the end of the plan."""
    _validate_section(title)
    with _editing(plan=plan, user=user, summary=f"新增板块“{title.strip()}”") as locked:
        last = locked.sections.order_by("-number").values_list("number", flat=True).first()
        number = (last or 0) + 1
        section = Section.objects.create(
            plan=locked,
            number=number,
            numeral=_numeral(number),
            title=title.strip(),
            description=description.strip(),
        )
        _record(
            section,
            plan=locked,
            kind=EventKind.CREATE,
            changes=[["标题", "（空）", section.title]],
        )
    return section


def section_update(
    *, section: Section, user: User | None, title: str, description: str = ""
) -> Section:
    """Change a section's title and lead-in."""
    _validate_section(title)
    with _editing(plan=section.plan, user=user, summary=f"修改板块“{title.strip()}”") as plan:
        current = Section.objects.get(pk=section.pk)
        changes = [
            *_change("标题", current.title, title.strip()),
            *_change("导语", current.description, description.strip()),
        ]
        if changes:
            current.title = title.strip()
            current.description = description.strip()
            current.save(update_fields=["title", "description"])
            _record(current, plan=plan, kind=EventKind.UPDATE, changes=changes)
    return current


def section_delete(*, section: Section, user: User | None) -> None:
    """Remove an empty section; the later ones move up (numbers and numerals)."""
    with _editing(plan=section.plan, user=user, summary=f"删除板块“{section.title}”") as plan:
        current = Section.objects.get(pk=section.pk)
        count = current.tasks.count()
        if count:
            raise ValidationError(
                {
                    "section": f"板块“{current.numeral}、{current.title}”下还有 {count} 项"
                    "重点工作，请先删除或移走这些重点工作，再删除板块。"
                }
            )
        _record(
            current,
            plan=plan,
            kind=EventKind.DELETE,
            changes=[["标题", current.title, "（删除）"]],
        )
        current.delete()
        _renumber_sections(plan, list(plan.sections.order_by("number")))


def section_move(*, section: Section, user: User | None, direction: str) -> Section:
    """Move a section up or down one place; its tasks' numbers follow the new order."""
    if direction not in (UP, DOWN):
        raise ValidationError({"direction": "移动方向只能是上移或下移。"})
    with _editing(plan=section.plan, user=user, summary=f"移动板块“{section.title}”") as plan:
        order = list(plan.sections.order_by("number"))
        index = next(i for i, s in enumerate(order) if s.pk == section.pk)
        other = index - 1 if direction == UP else index + 1
        if not 0 <= other < len(order):
            raise ValidationError(
                {"direction": "已是第一个板块。" if direction == UP else "已是最后一个板块。"}
            )
        order[index], order[other] = order[other], order[index]
        _renumber_sections(plan, order)
        _renumber_tasks(_ordered_tasks(plan))
    return order[other]


# --- key tasks ----------------------------------------------------------------------------


def _task_errors(*, plan: WorkPlan, data: TaskInput) -> dict[str, str]:
    errors = {}
    if not data.title.strip():
        errors["title"] = "请填写重点工作名称。"
    elif len(data.title.strip()) > 200:
        errors["title"] = "重点工作名称不能超过 200 字。"
    if not data.description.strip():
        errors["description"] = "请填写工作内容。"
    if len(data.participants_text.strip()) > 300:
        errors["participants_text"] = "参与单位（原文）不能超过 300 字。"
    if data.due_date is None:
        errors["due_date"] = "请填写完成时限。"
    elif data.due_date.year != plan.year:
        errors["due_date"] = f"完成时限应在 {plan.year} 年内。"
    targets = data.node_targets
    if targets:
        if len(targets) != 4:
            errors["node_targets"] = "季度节点目标须四个季度都填写，或全部留空（按时间进度）。"
        elif any(not 0 <= t <= 100 for t in targets):
            errors["node_targets"] = "季度节点目标须在 0 到 100 之间。"
        elif any(a > b for a, b in zip(targets, targets[1:], strict=False)):
            errors["node_targets"] = "季度节点目标不能比上一季度低。"
    return errors


def _lead_errors(leads: Sequence[Unit]) -> dict[str, str]:
    if any(u.kind != UnitKind.DEPARTMENT for u in leads):
        return {"leads": "牵头单位只能是区总部室。"}
    if len({u.pk for u in leads}) != len(leads):
        return {"leads": "同一部室只能选择一次。"}
    return {}


def _apply_task(task: KeyTask, data: TaskInput) -> None:
    task.title = data.title.strip()
    task.description = data.description.strip()
    task.participants_text = data.participants_text.strip()
    assert data.due_date is not None  # validated
    task.due_date = data.due_date
    task.node_targets = list(data.node_targets)


def task_create(
    *,
    section: Section,
    user: User | None,
    data: TaskInput,
    leads: Sequence[Unit] = (),
    participants: Sequence[Unit] = (),
) -> KeyTask:
    """Add a task at the end of ``section``; the later sections' tasks move down one number."""
    _raise({**_task_errors(plan=section.plan, data=data), **_lead_errors(leads)})
    summary = f"新增重点工作“{data.title.strip()}”"
    with _editing(plan=section.plan, user=user, summary=summary) as plan:
        current = Section.objects.get(pk=section.pk)
        order = _ordered_tasks(plan)
        position = sum(1 for t in order if t.section.number <= current.number)
        # Make room first, so that the new task is created with its final number.
        later = order[position:]
        if later:
            KeyTask.objects.filter(pk__in=[t.pk for t in later]).update(number=F("number") + _SHIFT)
            for offset, later_task in enumerate(later, position + 2):
                later_task.number = offset
                later_task.save()
        task = KeyTask(plan=plan, section=current, number=position + 1)
        _apply_task(task, data)
        task.save()
        _set_leads(task, leads)
        _set_participants(task, participants)
    return task


def task_update(
    *,
    task: KeyTask,
    user: User | None,
    data: TaskInput,
    section: Section | None = None,
    leads: Sequence[Unit] | None = None,
    participants: Sequence[Unit] | None = None,
) -> KeyTask:
    """Change a task's fields (and, when given, its section, leads and participants)."""
    errors = _task_errors(plan=task.plan, data=data)
    if leads is not None:
        errors.update(_lead_errors(leads))
    if section is not None and section.plan_id != task.plan_id:
        errors["section"] = "只能移到本年度工作要点的板块。"
    _raise(errors)
    summary = f"修改第 {task.number} 项重点工作"
    with _editing(plan=task.plan, user=user, summary=summary, task=task) as plan:
        current = KeyTask.objects.get(pk=task.pk)
        _apply_task(current, data)
        current.save()
        if section is not None and section.pk != current.section_id:
            _move_to_section(plan, current, section)
        if leads is not None:
            _set_leads(current, leads)
        if participants is not None:
            _set_participants(current, participants)
    return current


def _move_to_section(plan: WorkPlan, task: KeyTask, section: Section) -> None:
    """Put ``task`` last in ``section`` and renumber the plan."""
    target = Section.objects.get(pk=section.pk)
    order = [t for t in _ordered_tasks(plan) if t.pk != task.pk]
    position = sum(1 for t in order if t.section.number <= target.number)
    task.section = target
    order.insert(position, task)
    renumbered = task.number != position + 1
    _renumber_tasks(order)
    if not renumbered:
        task.save()  # only the section changed


def task_move(*, task: KeyTask, user: User | None, direction: str) -> KeyTask:
    """Swap a task with its neighbour in its section (up or down)."""
    if direction not in (UP, DOWN):
        raise ValidationError({"direction": "移动方向只能是上移或下移。"})
    summary = f"移动第 {task.number} 项重点工作"
    with _editing(plan=task.plan, user=user, summary=summary, task=task) as plan:
        order = _ordered_tasks(plan)
        index = next(i for i, t in enumerate(order) if t.pk == task.pk)
        other = index - 1 if direction == UP else index + 1
        if not 0 <= other < len(order) or order[other].section_id != order[index].section_id:
            raise ValidationError(
                {"direction": "已是本板块第一项。" if direction == UP else "已是本板块最后一项。"}
            )
        order[index], order[other] = order[other], order[index]
        _renumber_tasks(order)
        return order[other]


def task_delete(*, task: KeyTask, user: User | None) -> None:
    """Remove a task nobody has worked on yet; the later tasks move up one number."""
    summary = f"删除第 {task.number} 项重点工作“{task.title}”"
    with _editing(plan=task.plan, user=user, summary=summary) as plan:
        current = KeyTask.objects.get(pk=task.pk)
        worked = []
        if current.updates.exists():
            worked.append("工作进展")
        if current.instructions.exists():
            worked.append("领导批示")
        if current.entries.exists():
            worked.append("单位填报")
        if worked:
            raise ValidationError(
                {
                    "task": f"第 {current.number} 项“{current.title}”已有{'、'.join(worked)}，"
                    "不能删除：删除会丢失这些记录。"
                }
            )
        for indicator in current.indicators.all():
            indicator.delete()
        try:
            with transaction.atomic():
                current.delete()
        except ProtectedError:
            raise ValidationError(
                {"task": f"第 {current.number} 项“{current.title}”已被其他记录引用，不能删除。"}
            ) from None
        _renumber_tasks(_ordered_tasks(plan))


def task_leads_set(*, task: KeyTask, user: User | None, leads: Sequence[Unit]) -> KeyTask:
    """Set the task's lead departments in order; none means 待定."""
    _raise(_lead_errors(leads))
    summary = f"修改第 {task.number} 项牵头部室"
    with _editing(plan=task.plan, user=user, summary=summary, task=task):
        _set_leads(task, leads)
    return task


def task_participants_set(
    *, task: KeyTask, user: User | None, participants: Sequence[Unit]
) -> KeyTask:
    """Set the units taking part in the task (a whole kind is stored as its group)."""
    summary = f"修改第 {task.number} 项参与单位"
    with _editing(plan=task.plan, user=user, summary=summary, task=task):
        _set_participants(task, participants)
    return task


def _set_leads(task: KeyTask, leads: Sequence[Unit]) -> None:
    rows = list(task.leads.select_related("unit").order_by("order"))
    if [r.unit_id for r in rows] == [u.pk for u in leads]:
        return
    record_related_change(
        task=task,
        label="牵头部室",
        old=[r.unit.name for r in rows] or ["待定"],
        new=[u.name for u in leads] or ["待定"],
    )
    task.leads.all().delete()
    TaskLead.objects.bulk_create(
        TaskLead(task=task, unit=unit, order=order) for order, unit in enumerate(leads)
    )


def _set_participants(task: KeyTask, participants: Sequence[Unit]) -> None:
    # A lead department reports as the lead, never also as a participant (as the importer does).
    lead_ids = set(task.leads.values_list("unit_id", flat=True))
    wanted = {u.pk: u for u in participants if u.pk not in lead_ids}
    current = {p.unit_id: p for p in task.participants.select_related("unit")}
    groups = _groups_for(wanted.values(), lead_ids=lead_ids, current=current)
    if set(current) != set(wanted):
        record_related_change(
            task=task,
            label="参与单位",
            old=[p.unit.display_name for p in current.values()],
            new=[u.display_name for u in wanted.values()],
        )
    for unit_id, row in current.items():
        if unit_id not in wanted:
            row.delete()
        elif row.group != groups[unit_id]:
            row.group = groups[unit_id]
            row.save(update_fields=["group"])
    TaskParticipant.objects.bulk_create(
        TaskParticipant(task=task, unit=unit, group=groups[pk])
        for pk, unit in wanted.items()
        if pk not in current
    )


def _groups_for(
    units: Any, *, lead_ids: set[int], current: dict[int, TaskParticipant]
) -> dict[int, str]:
    """Each chosen unit's group: its kind's group name when every active unit of it is chosen."""
    chosen = {u.pk: u for u in units}
    whole = set()
    for kind in _KIND_GROUP:
        members = set(
            Unit.objects.filter(kind=kind, is_active=True)
            .exclude(pk__in=lead_ids)
            .values_list("pk", flat=True)
        )
        if members and members <= set(chosen):
            whole.add(kind)
    groups = {}
    for pk, unit in chosen.items():
        if unit.kind in whole:
            kept = current[pk].group if pk in current else ""
            valid = kept and PARTICIPANT_GROUPS.get(kept) == unit.kind
            groups[pk] = kept if valid else _KIND_GROUP[UnitKind(unit.kind)]
        else:
            groups[pk] = ""
    return groups


# --- indicators ---------------------------------------------------------------------------


def _indicator_errors(
    *, task: KeyTask, data: IndicatorInput, exclude: int | None = None
) -> dict[str, str]:
    errors = {}
    name = data.name.strip()
    if not name:
        errors["name"] = "请填写指标名称。"
    elif len(name) > 200:
        errors["name"] = "指标名称不能超过 200 字。"
    elif task.indicators.filter(name=name).exclude(pk=exclude or 0).exists():
        errors["name"] = "本项工作已有同名指标。"
    if data.kind not in IndicatorKind.values:
        errors["kind"] = "请选择指标类型。"
    if data.measure_unit not in MeasureUnit.values:
        errors["measure_unit"] = "请选择计量单位。"
    if data.comparator not in Comparator.values:
        errors["comparator"] = "请选择比较方式。"
    if data.kind in (IndicatorKind.COUNT, IndicatorKind.RATE) and data.target is None:
        errors["target"] = "数量型和比率型指标须填写目标值。"
    elif data.target is not None and data.target < 0:
        errors["target"] = "目标值不能为负数。"
    elif data.kind == IndicatorKind.RATE and data.target is not None and data.target > 100:
        errors["target"] = "比率型指标的目标值不能超过 100%。"
    if data.per_unit_target is not None and data.per_unit_target < 0:
        errors["per_unit_target"] = "各单位目标不能为负数。"
    if data.kind == IndicatorKind.CADENCE:
        if data.cadence not in Cadence.values:
            errors["cadence"] = "频次型指标须选择频次（每月、每两月、每季度或每年）。"
        if data.target is None or data.target < 1 or data.target != int(data.target):
            errors["target"] = "频次型指标的目标值为每期须开展的次数（不小于 1 的整数）。"
    return errors


def _allocation_errors(
    task: KeyTask, kind: str, allocations: dict[int, Decimal | None]
) -> dict[str, str]:
    errors = {}
    taking_part = set(task.participants.values_list("unit_id", flat=True))
    for unit_id, target in allocations.items():
        key = f"allocation_{unit_id}"
        if target is None:
            continue
        if unit_id not in taking_part:
            errors[key] = "该单位没有参与本项工作，不能分解指标。"
        elif target < 0:
            errors[key] = "分解目标不能为负数。"
        elif kind == IndicatorKind.RATE and target > 100:
            errors[key] = "比率不能超过 100%。"
    return errors


def _apply_indicator(indicator: Indicator, data: IndicatorInput) -> None:
    indicator.name = data.name.strip()
    indicator.kind = data.kind
    indicator.measure_unit = data.measure_unit
    indicator.comparator = data.comparator
    indicator.target = data.target
    indicator.per_unit_target = data.per_unit_target
    indicator.cadence = data.cadence if data.kind == IndicatorKind.CADENCE else ""


def _save_indicator(indicator: Indicator) -> None:
    try:
        with transaction.atomic():
            indicator.save()
    except IntegrityError:
        # Another administrator saved an indicator of this name in between.
        raise ValidationError({"name": "本项工作已有同名指标。"}) from None


def indicator_create(
    *,
    task: KeyTask,
    user: User | None,
    data: IndicatorInput,
    allocations: dict[int, Decimal | None] | None = None,
) -> Indicator:
    """Add an indicator at the end of the task's list (and its allocations, when given)."""
    errors = _indicator_errors(task=task, data=data)
    errors.update(_allocation_errors(task, data.kind, allocations or {}))
    _raise(errors)
    summary = f"第 {task.number} 项新增指标“{data.name.strip()}”"
    with _editing(plan=task.plan, user=user, summary=summary, task=task):
        last = task.indicators.order_by("-order").values_list("order", flat=True).first()
        indicator = Indicator(task=task, order=0 if last is None else last + 1)
        _apply_indicator(indicator, data)
        _save_indicator(indicator)
        if allocations is not None:
            _set_allocations(indicator, allocations)
    return indicator


def indicator_update(
    *,
    indicator: Indicator,
    user: User | None,
    data: IndicatorInput,
    allocations: dict[int, Decimal | None] | None = None,
) -> Indicator:
    """Change an indicator (and its allocations, when given)."""
    task = indicator.task
    errors = _indicator_errors(task=task, data=data, exclude=indicator.pk)
    errors.update(_allocation_errors(task, data.kind, allocations or {}))
    _raise(errors)
    summary = f"第 {task.number} 项修改指标“{data.name.strip()}”"
    with _editing(plan=task.plan, user=user, summary=summary, task=task):
        current = Indicator.objects.get(pk=indicator.pk)
        _apply_indicator(current, data)
        _save_indicator(current)
        if allocations is not None:
            _set_allocations(current, allocations)
    return current


def indicator_delete(*, indicator: Indicator, user: User | None) -> None:
    """Remove an indicator nobody has reported a figure for."""
    task = indicator.task
    summary = f"第 {task.number} 项删除指标“{indicator.name}”"
    with _editing(plan=task.plan, user=user, summary=summary, task=task):
        current = Indicator.objects.get(pk=indicator.pk)
        if current.actuals.exists() or current.contributions.exists():
            raise ValidationError(
                {"indicator": f"指标“{current.name}”已有完成值或单位填报的数据，不能删除。"}
            )
        current.allocations.all().delete()
        current.delete()


def indicator_allocations_set(
    *, indicator: Indicator, user: User | None, allocations: dict[int, Decimal | None]
) -> Indicator:
    """Set each participating unit's share of the indicator; None removes a unit's share."""
    task = indicator.task
    _raise(_allocation_errors(task, indicator.kind, allocations))
    summary = f"第 {task.number} 项分解指标“{indicator.name}”"
    with _editing(plan=task.plan, user=user, summary=summary, task=task):
        _set_allocations(indicator, allocations)
    return indicator


def _set_allocations(indicator: Indicator, allocations: dict[int, Decimal | None]) -> None:
    current = {a.unit_id: a for a in indicator.allocations.select_related("unit")}
    names = dict(Unit.objects.filter(pk__in=allocations).values_list("pk", "name"))
    old, new = [], []
    for unit_id, target in allocations.items():
        row = current.get(unit_id)
        before = row.target if row is not None else None
        if before == target:
            continue
        name = names.get(unit_id, str(unit_id))
        old.append(f"{name} {display_value(before)}")
        new.append(f"{name} {display_value(target)}")
        if target is None:
            assert row is not None
            row.delete()
        elif row is None:
            IndicatorAllocation.objects.create(indicator=indicator, unit_id=unit_id, target=target)
        else:
            row.target = target
            row.save(update_fields=["target"])
    if old:
        record_related_change(
            task=indicator.task, label=f"指标分解（{indicator.name}）", old=old, new=new
        )
