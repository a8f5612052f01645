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
from departments.models import KIND_DISPLAY_ORDER
from reports.models import ReportJob
from reports.selectors import SubmissionGrid, approved_contributions, submission_grid
from tasks.models import IndicatorKind, KeyTask, PeriodKind, ReportingPeriod
from tasks.selectors import (
    task_list_filters_parse,
    task_list_scope,
    task_list_states,
    task_queryset_with_progress,
    task_state,
)
from tasks.services.periods import periods_within
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
    as_of = max(cut_off, period.due_date + dt.timedelta(days=1))
    grid = submission_grid(plan, as_of, kind=PeriodKind.QUARTER)
    # A plan reporting monthly (or with monthly tasks): its months sum into the quarters.
    month_grid = (
        submission_grid(plan, as_of, kind=PeriodKind.MONTH)
        if PeriodKind.MONTH in grid.kinds
        else None
    )
    months = month_grid.periods if month_grid is not None else []
    periods = grid.periods  # the quarters, by date
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
        monthly = (task.rhythm or plan.rhythm) == PeriodKind.MONTH
        this = next((u for u in task.updates.all() if u.period_id == period.pk), None)
        progress = this.progress if this else "本季度未填报"
        if monthly:
            # The quarter of a monthly task: its months' texts, the latest month's problems.
            in_quarter = {p.pk: p for p in periods_within(months, period)}
            month_updates = [u for u in task.updates.all() if u.period_id in in_quarter]
            if month_updates:  # else the quarter's own update, from before it turned monthly
                this = month_updates[-1]
                progress = "\n".join(f"{u.period.name}：{u.progress}" for u in month_updates)
        data.tasks.append(
            {
                "section": f"{task.section.numeral}、{task.section.title}",
                "number": task.number,
                "title": task.title,
                "leads": "、".join(lead.unit.name for lead in task.leads.all()),
                "participants": task.participants_text,
                "targets": "；".join(f"{i.name} {i.target_display}" for i in task.indicators.all()),
                "progress": progress,
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
            if (summary := s.cadence_summary) is not None:
                # 频次: the slots done that end in each quarter, "已开展 x/y 期" as the total
                data.indicators.append(
                    {
                        "task": f"{task.number}. {task.title}",
                        "name": ind.name,
                        "target": ind.target_display,
                        "quarters": [
                            float(
                                sum(
                                    1
                                    for slot in s.slots
                                    if slot.status == "done"
                                    and p.start_date <= slot.end <= p.end_date
                                )
                            )
                            if p.start_date <= cut_off
                            else None  # a quarter not begun: blank, as the counts leave it
                            for p in periods
                        ],
                        "cumulative": summary.display,
                        "percent": summary.done / summary.total if summary.total else 0,
                    }
                )
                continue
            per_quarter = []
            for p in periods:
                value = _quarter_value(
                    ind,
                    [p, *periods_within(months, p)],  # a task's months, if it had any
                    own_by_period.get(ind.pk, {}),
                    by_indicator_period,
                )
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
        # contribution shares cached per write; a plan reporting only monthly ranks by months
        for r in unit_ranking(plan, grid if grid.units or month_grid is None else month_grid)
    }
    _unit_rows(data, period, grid, ranking, loaded, approved, month_grid)
    return data


def _quarter_value(
    ind: Any,
    parts: list[ReportingPeriod],
    own: dict[int, Decimal],
    units: dict[tuple[int, int], Decimal],
) -> Decimal | None:
    """An indicator's figure for a quarter from its periods (the quarter, or its months, by
    date): a count adds the lead department's and the units' figures of every part; a rate takes
    the latest part's value."""
    values: list[Decimal] = []
    for p in parts:
        mine = own.get(p.pk)
        theirs = units.get((ind.pk, p.pk)) if ind.kind == IndicatorKind.COUNT else None
        if mine is not None or theirs is not None:
            values.append((mine or Decimal(0)) + (theirs or Decimal(0)))
    if not values:
        return None
    if ind.kind == IndicatorKind.COUNT:
        return sum(values, Decimal(0))
    return values[-1]


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
    month_grid: SubmissionGrid | None = None,
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
    # The quarter and its months: a unit's figures of a monthly task are its months' sum.
    months = periods_within(month_grid.periods, period) if month_grid is not None else []
    parts = [period.pk, *(m.pk for m in months)]
    units = list(grid.units)
    if month_grid is not None and months:
        # Units reporting only monthly tasks: their quarter is told by its last month.
        quarterly = {u.pk for u in units}
        units += [u for u in month_grid.units if u.pk not in quarterly]
        order: dict[str, int] = {kind: i for i, kind in enumerate(KIND_DISPLAY_ORDER)}
        units.sort(key=lambda u: (order.get(u.kind, 99), u.sort_order, u.name))
    for unit in units:
        unit_id = unit.pk
        due, prefix = period.due_date, ""
        if (unit_id, period.pk) in grid.cells:
            cell = grid.cells[(unit_id, period.pk)]
        else:
            assert month_grid is not None
            cell = month_grid.cells[(unit_id, months[-1].pk)]
            due, prefix = months[-1].due_date, f"{months[-1].name}："
        report = cell["report"]
        rank, tied, score = ranking.get(unit_id, (None, False, None))
        values = [
            _sum_or_none(approved.get((unit_id, i, p)) for p in parts) for i, *_ in count_indicators
        ]
        lateness = _lateness(report, due, today)
        data.units.append(
            {
                "name": unit.name,
                "kind": UNIT_KIND_SHORT.get(unit.kind, unit.get_kind_display()),
                "lateness": f"{prefix}{lateness}" if lateness else "",
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


def _sum_or_none(values: Any) -> Decimal | None:
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None


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
