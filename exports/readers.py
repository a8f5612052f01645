"""Readers of the export pipeline: each reads what one kind of document shows, in a fixed number
of queries, and returns plain values for its formatter (exports/formatters.py).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from dashboard.selectors import department_figures, unit_ranking
from reports.models import ReportJob
from reports.selectors import SubmissionGrid, approved_contributions, submission_grid
from tasks.models import IndicatorKind, KeyTask, ReportingPeriod
from tasks.selectors import (
    task_list_filters_parse,
    task_list_scope,
    task_list_states,
    task_queryset_with_progress,
    task_state,
)
from tasks.standing import plan_cached
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
    # The section heading of each of unit_indicators, in the same order.
    unit_indicator_sections: list[str] = field(default_factory=list)
    colour_counts: list[tuple[str, int]] = field(default_factory=list)
    period_end: dt.date | None = None
    # The day the units' submissions and lateness are counted to (the workbook's making).
    submissions_as_of: dt.date | None = None


def workbook_data(
    *, period: ReportingPeriod, tasks: QuerySet[KeyTask], scope: str = "全部重点工作"
) -> WorkbookData:
    """Read the plan as it stood at the period's end (or today, if earlier), in eleven queries
    whatever the plan's size."""
    plan = period.plan
    cut_off = min(period.end_date, clock.today())
    # One aggregate of the units' approved contributions by unit, indicator and period gives
    # the indicators' district totals (累计), their quarters and the units' columns; the ranking
    # reads its own cached shares.
    approved = plan_cached(
        plan,
        "approved-by-unit-indicator-period",
        lambda: approved_contributions(by=("unit", "indicator", "period"), plan=plan),
    )
    by_indicator_period: dict[tuple[int, int], Decimal] = defaultdict(Decimal)
    for (_unit_id, indicator_id, period_id), total in approved.items():
        by_indicator_period[(indicator_id, period_id)] += total
    by_indicator: dict[int, Decimal] = defaultdict(Decimal)
    for (indicator_id, _period_id), total in by_indicator_period.items():
        by_indicator[indicator_id] += total
    # The workbook shows participants_text, not the participant rows; the units' sums are the
    # ones above, not each indicator's own aggregate.
    loaded = list(
        task_queryset_with_progress(tasks, with_participants=False, with_unit_sums=False).order_by(
            "number"
        )
    )
    for task in loaded:
        for ind in task.indicators.all():
            ind.units_approved = by_indicator.get(ind.pk)  # type: ignore[attr-defined]
    states = [task_state(task, cut_off) for task in loaded]
    grid = submission_grid(plan, max(cut_off, period.due_date + dt.timedelta(days=1)))
    periods = [p for p in grid.periods if p.kind == period.kind]  # ordered by number
    data = WorkbookData(
        title=f"{plan.title.split('年')[0]}年重点工作{period.name}推进情况表",
        scope=scope,
        cut_off=cut_off,
        generated_at=timezone.localtime(),
        period_name=period.name,
        quarters=[p.name for p in periods],
        period_end=period.end_date,
    )
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
                "cumulative": "；".join(
                    [f"完成 {state.percent}%"]
                    + [f"{s.indicator.name} {s.actual_display}" for s in state.indicators]
                ),
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
                units = (
                    by_indicator_period.get((ind.pk, p.pk))
                    if ind.kind == IndicatorKind.COUNT
                    else None
                )
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
    ranking: dict[int, tuple[int | None, bool, float | None]] = {
        r.unit.pk: (r.rank, r.tied, r.score)
        for r in unit_ranking(plan, grid)  # contribution shares cached per write
    }
    _unit_rows(data, period, grid, ranking, loaded, approved)
    return data


UNIT_KIND_SHORT = {"street": "街道", "industry": "行业", "community": "社区"}


def _lateness(report: Any, due: dt.date, today: dt.date) -> str:
    """按时, 逾期 N 天 (submitted late, counted to the submission), 未报送，逾期 N 天, or ''."""
    if report is not None and report.submitted_at is not None:
        if not report.is_late:
            return "按时"
        days = (timezone.localtime(report.submitted_at).date() - due).days
        return f"逾期 {days} 天" if days > 0 else "逾期"
    if today > due:
        return f"未报送，逾期 {(today - due).days} 天"
    return ""


def _unit_rows(
    data: WorkbookData,
    period: ReportingPeriod,
    grid: SubmissionGrid,
    ranking: dict[int, tuple[int | None, bool, float | None]],
    tasks: list[KeyTask],
    approved: dict[tuple[int, ...], Decimal],
) -> None:
    count_indicators = [
        (ind.pk, task.number, ind.name, task.section.numeral, task.section.title)
        for task in tasks
        for ind in task.indicators.all()
        if ind.kind == IndicatorKind.COUNT
    ]
    data.unit_indicators = [f"{n}. {name}" for _, n, name, _, _ in count_indicators]
    data.unit_indicator_sections = [f"{num}、{title}" for *_, num, title in count_indicators]
    today = data.submissions_as_of = clock.today()
    period_id = period.pk
    for unit in grid.units:
        unit_id = unit.pk
        cell = grid.cells[(unit_id, period_id)]
        report = cell["report"]
        rank, tied, score = ranking.get(unit_id, (None, False, None))
        values = [approved.get((unit_id, i, period_id)) for i, *_ in count_indicators]
        data.units.append(
            {
                "name": unit.name,
                "kind": UNIT_KIND_SHORT.get(unit.kind, unit.get_kind_display()),
                "lateness": _lateness(report, period.due_date, today),
                "state": cell["label"],
                "submitted_at": timezone.localtime(report.submitted_at).strftime("%Y-%m-%d %H:%M")
                if report and report.submitted_at
                else "",
                "values": [float(v) if v is not None else None for v in values],
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
        scope = f"{job.department.name}牵头"
    return workbook_data(period=job.period, tasks=tasks, scope=scope)


def task_list_read(job: ReportJob) -> TaskListData:
    """The tasks of the job's plan as the 重点工作 page filters them (the job's params: section,
    lead, colour, text…, the same filter function), as they stand today."""
    plan = job.period.plan
    today = clock.today()
    filters = task_list_filters_parse(
        job.params, mine_unit=job.department_id if not job.params.get("lead") else None
    )
    states = task_list_states(KeyTask.objects.filter(plan=plan), filters, today)
    words = task_list_scope(plan, filters)
    data = TaskListData(
        title=f"{plan.year}年重点工作清单",
        scope="；".join(words) if words else "全部重点工作",
        cut_off=today,
        generated_at=timezone.localtime(),
    )
    for state in states:
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
