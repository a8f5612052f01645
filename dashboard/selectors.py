"""Every figure of the leaders' dashboard, in a fixed number of aggregate queries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.urls import reverse

from departments.models import Unit
from history.models import Event
from reports.selectors import SubmissionGrid, approved_by_unit_indicator, submission_grid
from tasks.models import (
    IndicatorAllocation,
    IndicatorKind,
    Instruction,
    InstructionState,
    KeyTask,
    WorkPlan,
)
from tasks.selectors import TaskState, instructions_mark, task_states
from tasks.standing import plan_cached
from tasks.status import COLOUR_HEX, COLOUR_LABELS, COLOUR_ORDER, Colour, time_progress


@dataclass
class GroupFigure:
    """Completion of a group of tasks (a section, a lead department)."""

    key: int
    label: str
    url: str
    tasks: int = 0
    percent_sum: int = 0
    colours: dict[str, int] = field(default_factory=lambda: {c.value: 0 for c in COLOUR_ORDER})

    @property
    def percent(self) -> float:
        return round(self.percent_sum / self.tasks, 1) if self.tasks else 0.0


@dataclass
class RankRow:
    """A unit's place in the ranking (考核排名) and the parts of its score."""

    unit: Unit
    on_time: float  # share of due periods submitted on time
    contribution: float  # approved contributions against allocated targets, capped at 100 %
    not_returned: float  # share of submitted entries never returned
    score: float
    url: str
    rank: int = 0  # competition ranking (1, 2, 2, 4): units with the same score share a place
    tied: bool = False  # another unit has the same place (并列)


@dataclass
class Dashboard:
    plan: WorkPlan
    today: dt.date
    scope_label: str
    task_filter: str  # query string that scopes drill-down links (e.g. "&lead=3")
    states: list[TaskState]
    time_progress: float
    plan_progress: float
    colour_counts: list[dict[str, Any]]
    lagging: list[TaskState]
    by_section: list[GroupFigure]
    by_department: list[GroupFigure]
    indicators: list[dict[str, Any]]
    grid: SubmissionGrid | None
    ranking: list[RankRow]
    recent: list[Event]
    open_instructions: list[Instruction]
    open_instruction_count: int = 0
    overdue_instruction_count: int = 0  # open ones past their 办理时限 (shown red)

    def charts(self) -> dict[str, Any]:
        """Data for the ECharts of the page (each chart also has a table on the page)."""
        return {
            "progress": {
                "labels": ["时间进度", "计划完成进度"],
                "values": [self.time_progress, self.plan_progress],
            },
            "colours": [
                {
                    "name": c["label"],
                    "value": c["count"],
                    "url": c["url"],
                    "itemStyle": {"color": c["hex"]},
                }
                for c in self.colour_counts
            ],
            "sections": _bars(self.by_section),
            "departments": _bars(self.by_department),
            "indicators": {
                "labels": [f"{i['task'].number}. {i['name']}" for i in self.indicators[:10]],
                "values": [i["percent"] for i in self.indicators[:10]],
                "urls": [i["url"] for i in self.indicators[:10]],
            },
        }


def _bars(groups: list[GroupFigure]) -> dict[str, Any]:
    return {
        "labels": [g.label for g in groups],
        "values": [g.percent for g in groups],
        "urls": [g.url for g in groups],
    }


def build_dashboard(
    *,
    plan: WorkPlan,
    tasks: QuerySet[KeyTask],
    today: dt.date,
    scope_label: str,
    task_filter: str = "",
    unit: Unit | None = None,
    with_grid: bool = True,
) -> Dashboard:
    """Assemble the dashboard of ``tasks`` (already scoped by the policy and the chosen view)."""
    states = task_states(tasks, today, with_latest=False)  # the dashboard shows no update
    task_list = reverse("tasks:task_list")
    base = f"{task_list}?year={plan.year}{task_filter}"

    counts = {c: 0 for c in COLOUR_ORDER}
    for s in states:
        counts[s.colour] += 1
    colour_counts = [
        {
            "colour": c.value,
            "label": COLOUR_LABELS[c],
            "count": counts[c],
            "hex": COLOUR_HEX[c],
            "url": f"{base}&colour={c.value}",
        }
        for c in COLOUR_ORDER
    ]
    lagging = sorted(
        (s for s in states if s.colour in (Colour.RED, Colour.AMBER)),
        key=lambda s: (COLOUR_ORDER.index(s.colour), -s.behind, s.task.number),
    )

    sections: dict[int, GroupFigure] = {}
    for s in states:
        section = s.task.section
        group = sections.setdefault(
            section.pk,
            GroupFigure(
                section.number,
                f"{section.numeral}、{section.title[:12]}…",
                f"{base}&section={section.pk}",
            ),
        )
        _add(group, s)

    indicators: list[dict[str, Any]] = []
    for s in states:
        for i in s.indicators:
            ind = i.indicator
            if ind.kind == IndicatorKind.MILESTONE or not ind.target:
                continue
            indicators.append(
                {
                    "task": s.task,
                    "name": ind.name,
                    "target": ind.target_display,
                    "actual": i.actual_display,
                    "pending": i.pending,
                    "percent": i.percent or 0,
                    "met": i.met,
                    "url": s.task.get_absolute_url(),
                }
            )
    indicators.sort(key=lambda r: (r["percent"], r["task"].number))

    grid = submission_grid(plan, today) if with_grid else None
    if grid is not None and unit is not None:
        grid.units = [u for u in grid.units if u.pk == unit.pk]
    ranking = unit_ranking(plan, grid) if grid is not None and unit is None else []

    task_ids = [s.task.pk for s in states]
    recent = list(
        Event.objects.filter(task_id__in=task_ids, report__isnull=True)
        .select_related("actor", "task")
        .order_by("-created_at", "-pk")[:10]
    )
    open_rows = Instruction.objects.filter(task_id__in=task_ids, state=InstructionState.OPEN)
    # Overdue first (most overdue at the top), then the oldest waiting.
    open_instructions = instructions_mark(
        open_rows.select_related("task", "author").order_by(
            F("deadline").asc(nulls_last=True), "created_at", "pk"
        )[:10],
        today,
    )
    instruction_counts = open_rows.aggregate(
        open=Count("pk"), overdue=Count("pk", filter=Q(deadline__lt=today))
    )
    return Dashboard(
        plan=plan,
        today=today,
        scope_label=scope_label,
        task_filter=task_filter,
        states=states,
        time_progress=time_progress(plan.year, today),
        plan_progress=round(sum(s.percent for s in states) / len(states), 1) if states else 0.0,
        colour_counts=colour_counts,
        lagging=lagging[:10],
        by_section=sorted(sections.values(), key=lambda g: g.key),
        by_department=department_figures(states, year=plan.year),
        indicators=indicators,
        grid=grid,
        ranking=ranking,
        recent=recent,
        open_instructions=open_instructions,
        open_instruction_count=instruction_counts["open"],
        overdue_instruction_count=instruction_counts["overdue"],
    )


def department_figures(states: list[TaskState], *, year: int) -> list[GroupFigure]:
    """Completion of the tasks per lead department, in the departments' order (a task with two
    leads counts for both); each links to that department's tasks of the plan year."""
    task_list = reverse("tasks:task_list")
    departments: dict[int, GroupFigure] = {}
    for s in states:
        for lead in s.task.leads.all():
            dept = departments.setdefault(
                lead.unit_id,
                GroupFigure(
                    lead.unit.sort_order,
                    lead.unit.name,
                    f"{task_list}?year={year}&lead={lead.unit_id}",
                ),
            )
            _add(dept, s)
    return sorted(departments.values(), key=lambda g: g.key)


def _add(group: GroupFigure, state: TaskState) -> None:
    group.tasks += 1
    group.percent_sum += state.percent
    group.colours[state.colour] += 1


def unit_ranking(
    plan: WorkPlan,
    grid: SubmissionGrid,
    *,
    approved: dict[tuple[int, ...], Decimal] | None = None,
) -> list[RankRow]:
    """Rank units by weighted on-time submission, contributions against targets, no returns.

    score = w_on_time × on-time share + w_contribution × contribution share
            + w_not_returned × share of entries never returned   (weights in settings)

    ``approved``: the plan's approved contributions by (unit, indicator) when the caller has
    read them already (the quarterly workbook); read here otherwise.
    """
    weights = settings.UNIONPLAN_RANKING_WEIGHTS
    plan = grid.plan or plan  # read with the grid: its stamp is current
    due_periods = [p for p in grid.periods if grid.today > p.due_date] if grid.periods else []
    if approved is None:
        shares = plan_cached(plan, "contribution-shares", lambda: contribution_shares(plan))
    else:
        shares = contribution_shares(plan, approved=approved)
    # Entries sent (all but drafts) and returned, per unit: the grid has every report's counts.
    sent: dict[int, int] = defaultdict(int)
    returned: dict[int, int] = defaultdict(int)
    for cell in grid.cells.values():
        report = cell["report"]
        if report is not None:
            sent[report.unit_id] += report.n_entries - report.n_drafts
            returned[report.unit_id] += report.n_returned
    rows = []
    dashboard_url = reverse("dashboard:dashboard")
    for unit in grid.units:
        on_time = sum(
            1
            for p in due_periods
            if grid.cells[(unit.pk, p.pk)]["report"] is not None
            and grid.cells[(unit.pk, p.pk)]["state"] not in ("overdue", "open", "upcoming")
            and not grid.cells[(unit.pk, p.pk)]["late"]
        )
        on_time_share = on_time / len(due_periods) if due_periods else 0.0
        unit_shares = shares.get(unit.pk, [])
        contribution = sum(unit_shares) / len(unit_shares) if unit_shares else 0.0
        total = sent.get(unit.pk, 0)
        not_returned = 1 - returned.get(unit.pk, 0) / total if total else 0.0
        score = (
            weights["on_time"] * on_time_share
            + weights["contribution"] * contribution
            + weights["not_returned"] * not_returned
        )
        rows.append(
            RankRow(
                unit=unit,
                on_time=round(100 * on_time_share, 1),
                contribution=round(100 * contribution, 1),
                not_returned=round(100 * not_returned, 1),
                score=round(score, 1),
                url=f"{dashboard_url}?year={plan.year}&unit={unit.pk}",
            )
        )
    rows.sort(key=lambda r: (-r.score, r.unit.sort_order, r.unit.name))
    _assign_places(rows)
    return rows


def contribution_shares(
    plan: WorkPlan, *, approved: dict[tuple[int, ...], Decimal] | None = None
) -> dict[int, list[float]]:
    """Each unit's approved contributions against its allocated targets, one share (capped at 1)
    per allocated indicator, by unit id."""
    allocated: dict[tuple[int, int], Decimal] = {
        (unit_id, indicator_id): target
        for unit_id, indicator_id, target in IndicatorAllocation.objects.filter(
            indicator__task__plan=plan
        ).values_list("unit_id", "indicator_id", "target")
    }
    if approved is None:
        approved = approved_by_unit_indicator(plan)
    shares: dict[int, list[float]] = defaultdict(list)
    for (unit_id, indicator_id), target in allocated.items():
        if target:
            got = approved.get((unit_id, indicator_id), Decimal(0))
            shares[unit_id].append(float(min(Decimal(1), got / target)))
    return dict(shares)


def _assign_places(rows: list[RankRow]) -> None:
    """Competition ranking on the score as shown: equal scores share a place and are marked
    tied; the next score takes the place after all of them (1, 2, 2, 4)."""
    counts: dict[float, int] = defaultdict(int)
    for row in rows:
        counts[row.score] += 1
    for n, row in enumerate(rows):
        if n and row.score == rows[n - 1].score:
            row.rank = rows[n - 1].rank
        else:
            row.rank = n + 1
        row.tied = counts[row.score] > 1
