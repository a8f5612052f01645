"""Readers of the export pipeline: each reads what one kind of document shows, in a fixed number
of queries, and returns plain values for its formatter (exports/formatters.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from dashboard.selectors import department_figures, unit_ranking
from reports.models import ReportJob
from reports.selectors import approved_contributions, submission_grid
from tasks.models import IndicatorKind, KeyTask, ReportingPeriod
from tasks.selectors import task_states
from tasks.status import COLOUR_LABELS, COLOUR_ORDER
from unionplan import clock

CHINESE_QUARTERS = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}


@dataclass
class WorkbookData:
    """Everything the workbook shows, as plain values."""

    title: str
    scope: str
    cut_off: dt.date
    generated_at: dt.datetime
    period_name: str
    quarters: list[str]
    tasks: list[dict[str, Any]] = field(default_factory=list)
    indicators: list[dict[str, Any]] = field(default_factory=list)
    departments: list[dict[str, Any]] = field(default_factory=list)
    units: list[dict[str, Any]] = field(default_factory=list)
    unit_indicators: list[str] = field(default_factory=list)
    colour_counts: list[tuple[str, int]] = field(default_factory=list)


def workbook_data(
    *, period: ReportingPeriod, tasks: QuerySet[KeyTask], scope: str = "全部重点工作"
) -> WorkbookData:
    """Read the plan as it stood at the period's end (or today, if earlier)."""
    plan = period.plan
    cut_off = min(period.end_date, timezone.localdate())
    states = task_states(tasks, cut_off)
    periods = list(plan.periods.filter(kind=period.kind).order_by("number"))
    data = WorkbookData(
        title=f"{plan.title.split('年')[0]}年重点工作{period.name}推进情况表",
        scope=scope,
        cut_off=cut_off,
        generated_at=timezone.localtime(),
        period_name=period.name,
        quarters=[p.name for p in periods],
    )
    # Approved unit contributions by indicator and period (one aggregate query).
    approved = approved_contributions(by=("indicator", "period"), tasks=tasks)
    counts = {c: 0 for c in COLOUR_ORDER}
    for state in states:
        task = state.task
        counts[state.colour] += 1
        this = next((u for u in task.updates.all() if u.period_id == period.pk), None)
        data.tasks.append(
            {
                "section": f"{task.section.numeral}、{task.section.title}",
                "number": task.number,
                "title": task.title,
                "leads": "、".join(lead.unit.name for lead in task.leads.all()),
                "participants": task.participants_text,
                "targets": "；".join(f"{i.name} {i.target_display}" for i in task.indicators.all()),
                "progress": this.progress if this else "本季度未填报",
                "cumulative": f"完成 {state.percent}%；"
                + "；".join(f"{s.indicator.name} {s.actual_display}" for s in state.indicators),
                "status": state.colour_label,
                "colour": state.colour,
                "problems": this.problems if this else "",
                "next_steps": this.next_steps if this else "",
            }
        )
        own_by_period: dict[int, dict[int, Decimal]] = {}
        for update in task.updates.all():
            for actual in update.actuals.all():
                if actual.value is not None:
                    own_by_period.setdefault(actual.indicator_id, {})[update.period_id] = (
                        actual.value
                    )
        for s in state.indicators:
            ind = s.indicator
            if ind.kind == IndicatorKind.MILESTONE:
                continue
            per_quarter = []
            for p in periods:
                own = own_by_period.get(ind.pk, {}).get(p.pk)
                units = approved.get((ind.pk, p.pk)) if ind.kind == IndicatorKind.COUNT else None
                value = None if own is None and units is None else (own or 0) + (units or 0)
                per_quarter.append(float(value) if value is not None else None)
            data.indicators.append(
                {
                    "task": f"{task.number}. {task.title}",
                    "name": ind.name,
                    "target": ind.target_display,
                    "quarters": per_quarter,
                    "cumulative": float(s.actual) if s.actual is not None else None,
                    "percent": (s.percent or 0) / 100,
                }
            )
    data.colour_counts = [(COLOUR_LABELS[c], counts[c]) for c in COLOUR_ORDER]
    data.departments = [
        {
            "name": dept.label,
            "order": dept.key,
            "tasks": dept.tasks,
            "percent_sum": dept.percent_sum,
            **dept.colours,
            "percent": dept.percent / 100,
        }
        for dept in department_figures(states, year=plan.year)
    ]
    _unit_rows(data, period, tasks, cut_off)
    return data


def _unit_rows(
    data: WorkbookData, period: ReportingPeriod, tasks: QuerySet[KeyTask], cut_off: dt.date
) -> None:
    grid = submission_grid(period.plan, max(cut_off, period.due_date + dt.timedelta(days=1)))
    ranking = {r.unit.pk: (r.rank, r.tied, r.score) for r in unit_ranking(period.plan, grid)}
    count_indicators = list(
        tasks.filter(indicators__kind=IndicatorKind.COUNT)
        .values_list("indicators__pk", "number", "indicators__name")
        .order_by("number", "indicators__order")
    )
    data.unit_indicators = [f"{n}. {name}" for _, n, name in count_indicators]
    sums = approved_contributions(
        by=("unit", "indicator"), period=period, indicator_ids=[i for i, _, _ in count_indicators]
    )
    for unit in grid.units:
        cell = grid.cells[(unit.pk, period.pk)]
        report = cell["report"]
        rank, tied, score = ranking.get(unit.pk, (None, False, None))
        data.units.append(
            {
                "name": unit.name,
                "state": cell["label"],
                "submitted_at": timezone.localtime(report.submitted_at).strftime("%Y-%m-%d %H:%M")
                if report and report.submitted_at
                else "",
                "values": [
                    float(sums[(unit.pk, i)]) if (unit.pk, i) in sums else None
                    for i, _, _ in count_indicators
                ],
                "rank": rank,
                "rank_tied": tied,
                "score": score,
            }
        )


@dataclass
class TaskListData:
    """The task list as the 重点工作 page filters it, one row a task."""

    title: str
    scope: str
    cut_off: dt.date
    generated_at: dt.datetime
    rows: list[dict[str, Any]] = field(default_factory=list)


def quarterly_read(job: ReportJob) -> WorkbookData:
    """The quarterly workbook's data for a job: the whole plan, or one department's tasks."""
    tasks = KeyTask.objects.filter(plan=job.period.plan)
    scope = "全部重点工作"
    if job.department is not None:
        tasks = tasks.filter(leads__unit=job.department).distinct()
        scope = f"{job.department.name}牵头的工作"
    return workbook_data(period=job.period, tasks=tasks, scope=scope)


def task_list_read(job: ReportJob) -> TaskListData:
    """Every task of the job's plan (or one department's, or one colour's) as it stands today."""
    plan = job.period.plan
    today = clock.today()
    tasks = KeyTask.objects.filter(plan=plan)
    scope = "全部重点工作"
    if job.department is not None:
        tasks = tasks.filter(leads__unit=job.department).distinct()
        scope = f"{job.department.name}牵头的工作"
    colour = str(job.params.get("colour", ""))
    states = task_states(tasks, today)
    if colour in {c.value for c in COLOUR_ORDER}:
        states = [s for s in states if s.colour == colour]
        scope += f"（{COLOUR_LABELS[colour]}）"  # type: ignore[index]
    data = TaskListData(
        title=f"{plan.year}年重点工作清单",
        scope=scope,
        cut_off=today,
        generated_at=timezone.localtime(),
    )
    for state in sorted(states, key=lambda s: s.task.number):
        task = state.task
        data.rows.append(
            {
                "number": task.number,
                "title": task.title,
                "section": task.section.title if task.section_id else "",
                "leads": "、".join(lead.unit.name for lead in task.leads.all()),
                "colour": state.colour.value,
                "colour_label": state.colour_label,
                "percent": state.percent,
                "expected": round(state.expected),
                "indicators": "；".join(
                    f"{i.indicator.name} {i.actual_display}" for i in state.indicators
                ),
                "latest": state.latest.progress if state.latest else "",
                "due": task.due_date,
            }
        )
    return data
