"""复制为下一年度: a plan copied into next year's draft, with next year's reporting periods."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from departments.models import User
from history.models import EventKind, record_event
from history.recording import Source, recording
from tasks.models import (
    Indicator,
    IndicatorAllocation,
    KeyTask,
    PeriodKind,
    PlanStatus,
    Section,
    TaskLead,
    TaskParticipant,
    WorkPlan,
)
from tasks.services.periods import periods_ensure
from unionplan import policies

# The plan_year_in_range constraint of WorkPlan.
YEAR_MAX = 2100

COPY_VERB = "复制计划"


def next_year_title(title: str, year: int) -> str:
    """The plan's title with its year moved on ("2024年工作要点" → "2025年工作要点")."""
    for old, new in ((f"{year}年", f"{year + 1}年"), (str(year), str(year + 1))):
        if old in title:
            return title.replace(old, new)
    return f"{year + 1}年{title}"


def date_next_year(day: dt.date) -> dt.date:
    """The same day a year later; 29 February becomes 28 February."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return day.replace(year=day.year + 1, day=28)


def plan_copy_to_next_year(*, plan: WorkPlan, actor: User) -> WorkPlan:
    """Copy a plan (sections, tasks, leads, participants, indicators, allocations; no progress,
    no reports) into a draft for the next year, with that year's four quarters."""
    policies.require(actor, "plan.manage")
    year = plan.year + 1
    if year > YEAR_MAX:
        raise ValidationError(f"年度超出范围：最多到 {YEAR_MAX} 年。")
    with transaction.atomic():
        # Two administrators copying the same plan at once: the second waits, then is refused.
        plan = WorkPlan.objects.select_for_update().get(pk=plan.pk)
        if WorkPlan.objects.filter(year=year).exists():
            raise ValidationError(
                f"{year} 年工作要点已存在，不能再复制。请在计划管理中打开它编辑。"
            )
        try:
            with transaction.atomic():
                new_plan = WorkPlan.objects.create(
                    year=year,
                    title=next_year_title(plan.title, plan.year),
                    framework=plan.framework,
                    paragraphs=list(plan.paragraphs),
                    rhythm=plan.rhythm,
                    status=PlanStatus.DRAFT,
                    source_text="",
                )
        except IntegrityError:  # created meanwhile by another path (an import)
            raise ValidationError(f"{year} 年工作要点已存在，不能再复制。") from None
        summary = f"由{plan.year}年工作要点复制为{year}年草稿"
        with recording(
            actor=actor, source=Source.WEB, verb=COPY_VERB, summary=summary, plan=new_plan
        ):
            counts = _copy_contents(source=plan, target=new_plan)
            # The rows are written with bulk_create, which AuditedModel.save() does not see: the
            # copy is recorded as one event on the new plan, under this one action.
            record_event(
                obj=new_plan,
                kind=EventKind.CREATE,
                changes=[
                    ["来源", "（空）", f"{plan.year}年 {plan.title}"],
                    ["板块", "（空）", f"{counts['sections']} 个"],
                    ["重点工作", "（空）", f"{counts['tasks']} 项"],
                    ["量化指标", "（空）", f"{counts['indicators']} 个"],
                ],
                plan_id=new_plan.pk,
            )
        periods_ensure(plan=new_plan, monthly=bool(counts["monthly_tasks"]))
    return new_plan


def _copy_contents(*, source: WorkPlan, target: WorkPlan) -> dict[str, int]:
    """Copy the plan's rows in a fixed number of queries; rows of inactive units are left out."""
    old_sections = list(Section.objects.filter(plan=source).order_by("number"))
    new_sections = Section.objects.bulk_create(
        [
            Section(
                plan=target,
                number=s.number,
                numeral=s.numeral,
                title=s.title,
                description=s.description,
            )
            for s in old_sections
        ]
    )
    section_map = {old.pk: new for old, new in zip(old_sections, new_sections, strict=True)}

    old_tasks = list(KeyTask.objects.filter(plan=source).order_by("number"))
    new_tasks = KeyTask.objects.bulk_create(
        [
            KeyTask(
                plan=target,
                section=section_map[t.section_id],
                number=t.number,
                title=t.title,
                description=t.description,
                participants_text=t.participants_text,
                due_date=date_next_year(t.due_date),
                node_targets=list(t.node_targets or []),
                rhythm=t.rhythm,
            )
            for t in old_tasks
        ]
    )
    task_map = {old.pk: new for old, new in zip(old_tasks, new_tasks, strict=True)}

    TaskLead.objects.bulk_create(
        TaskLead(task=task_map[lead.task_id], unit_id=lead.unit_id, order=lead.order)
        for lead in TaskLead.objects.filter(task__plan=source, unit__is_active=True)
    )
    TaskParticipant.objects.bulk_create(
        TaskParticipant(task=task_map[p.task_id], unit_id=p.unit_id, group=p.group)
        for p in TaskParticipant.objects.filter(task__plan=source, unit__is_active=True)
    )

    old_indicators = list(Indicator.objects.filter(task__plan=source).order_by("task", "order"))
    new_indicators = Indicator.objects.bulk_create(
        [
            Indicator(
                task=task_map[i.task_id],
                order=i.order,
                name=i.name,
                kind=i.kind,
                measure_unit=i.measure_unit,
                comparator=i.comparator,
                target=i.target,
                per_unit_target=i.per_unit_target,
                cadence=i.cadence,
                source_text=i.source_text,
            )
            for i in old_indicators
        ]
    )
    indicator_map = {old.pk: new for old, new in zip(old_indicators, new_indicators, strict=True)}
    IndicatorAllocation.objects.bulk_create(
        IndicatorAllocation(
            indicator=indicator_map[a.indicator_id], unit_id=a.unit_id, target=a.target
        )
        for a in IndicatorAllocation.objects.filter(
            indicator__task__plan=source, unit__is_active=True
        )
    )
    return {
        "sections": len(new_sections),
        "tasks": len(new_tasks),
        "indicators": len(new_indicators),
        "monthly_tasks": sum(t.rhythm == PeriodKind.MONTH for t in new_tasks),
    }
