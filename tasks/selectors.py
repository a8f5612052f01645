"""Reads of the work plan for pages, API and exports."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet

from departments.models import kind_order
from tasks.models import (
    Indicator,
    KeyTask,
    PlanStatus,
    Section,
    TaskLead,
    TaskParticipant,
    WorkPlan,
)


def task_queryset_for_display(tasks: QuerySet[KeyTask]) -> QuerySet[KeyTask]:
    """Tasks with everything a page shows of them, in a fixed number of queries."""
    return tasks.select_related("section", "plan").prefetch_related(
        Prefetch("leads", queryset=TaskLead.objects.select_related("unit").order_by("order")),
        Prefetch(
            "participants",
            queryset=TaskParticipant.objects.select_related("unit").order_by(
                kind_order("unit__kind"), "unit__sort_order", "unit__name"
            ),
        ),
        Prefetch("indicators", queryset=Indicator.objects.order_by("order")),
    )


def plan_sections_with_tasks(plan: WorkPlan, tasks: QuerySet[KeyTask]) -> list[Section]:
    """The plan's sections, each carrying ``shown_tasks``: the given tasks that belong to it."""
    sections = list(plan.sections.order_by("number"))
    by_section: dict[int, list[KeyTask]] = {s.pk: [] for s in sections}
    for task in task_queryset_for_display(tasks.filter(plan=plan)).order_by("number"):
        by_section[task.section_id].append(task)
    for section in sections:
        section.shown_tasks = by_section[section.pk]  # type: ignore[attr-defined]
    return sections


def plan_current(plans: QuerySet[WorkPlan]) -> WorkPlan | None:
    """The plan to open by default: the newest active one, else the newest of any status."""
    return (
        plans.filter(status=PlanStatus.ACTIVE).order_by("-year").first()
        or plans.order_by("-year").first()
    )


def _number(value: Any) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def plan_export_data(plan: WorkPlan) -> dict[str, Any]:
    """The whole plan as plain data (sections, tasks, leads, participants, indicators)."""
    tasks = task_queryset_for_display(plan.tasks.all()).prefetch_related(
        "indicators__allocations__unit"
    )
    by_section: dict[int, list[dict[str, Any]]] = {}
    for task in tasks.order_by("number"):
        by_section.setdefault(task.section_id, []).append(
            {
                "number": task.number,
                "title": task.title,
                "description": task.description,
                "due_date": task.due_date.isoformat(),
                "leads": [lead.unit.name for lead in task.leads.all()],
                "participants_text": task.participants_text,
                "participants": [p.unit.name for p in task.participants.all()],
                "indicators": [
                    {
                        "name": i.name,
                        "kind": i.kind,
                        "unit": i.measure_unit,
                        "comparator": i.comparator,
                        "target": _number(i.target),
                        "per_unit_target": _number(i.per_unit_target),
                        "allocations": {
                            a.unit.name: _number(a.target) for a in i.allocations.all()
                        },
                        "source": i.source_text,
                    }
                    for i in task.indicators.all()
                ],
            }
        )
    return {
        "year": plan.year,
        "title": plan.title,
        "framework": plan.framework,
        "status": plan.status,
        "paragraphs": plan.paragraphs,
        "sections": [
            {
                "number": s.number,
                "numeral": s.numeral,
                "title": s.title,
                "tasks": by_section.get(s.pk, []),
            }
            for s in plan.sections.order_by("number")
        ],
    }
