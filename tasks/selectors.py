"""Reads of the work plan for pages, API and exports."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import F, Prefetch, Q, QuerySet
from django.http import Http404

from departments.models import Unit, kind_order
from history.models import Action, Event
from tasks import cadence, standing
from tasks.figures import indicators_with_unit_figures
from tasks.models import (
    CadenceOccurrence,
    Indicator,
    IndicatorActual,
    IndicatorKind,
    Instruction,
    InstructionMessage,
    InstructionState,
    KeyTask,
    PlanStatus,
    ProgressStatus,
    ProgressUpdate,
    ReportingPeriod,
    Section,
    TaskLead,
    TaskParticipant,
    WorkPlan,
)
from tasks.status import (
    COLOUR_LABELS,
    COLOUR_ORDER,
    Colour,
    expected_progress,
    indicator_met,
    task_colour,
)
from unionplan.params import parse_id, parse_year


def task_queryset_for_display(
    tasks: QuerySet[KeyTask], *, with_unit_sums: bool = False, with_participants: bool = True
) -> QuerySet[KeyTask]:
    """Tasks with everything a page shows of them, in a fixed number of queries. Without
    participants (a row per unit, for "各街道" the most rows by far) when the caller shows
    only ``participants_text``."""
    indicators = Indicator.objects.order_by("order")
    if with_unit_sums:
        indicators = indicators_with_unit_figures(indicators)
    lookups: list[Prefetch] = [
        Prefetch("leads", queryset=TaskLead.objects.select_related("unit").order_by("order")),
        Prefetch("indicators", queryset=indicators),
    ]
    if with_participants:
        lookups.append(
            Prefetch(
                "participants",
                queryset=TaskParticipant.objects.select_related("unit").order_by(
                    kind_order("unit__kind"), "unit__sort_order", "unit__name"
                ),
            )
        )
    return tasks.select_related("section", "plan").prefetch_related(*lookups)


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


class InvalidYear(Http404):
    """A ``?year=`` value that names no year: a 404 on the pages, a 400 where the API says so."""


def plan_for_year_param(user: Any, raw: str | None, *, lenient: bool = False) -> WorkPlan | None:
    """The plan a ``?year=`` value names if the user may read it; the current plan when none.

    Only ASCII digits name a year ("²" and "2024x" do not). A named year the user may not read is
    a 404; a value that names no year raises InvalidYear (a 404), unless ``lenient``: then it is
    ignored like an absent one. None only when no year is named and the user may read no plan.
    """
    from unionplan import policies

    year = raw or ""
    if (number := parse_year(year)) is not None:
        return policies.access_plan_by_year(user, number)
    if year and not lenient:
        raise InvalidYear("年度应为四位数字，如 2024。")
    return plan_current(policies.plans_visible_to(user))


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


# --- progress and status -------------------------------------------------------------------


@dataclass
class IndicatorState:
    """An indicator with what has been achieved against it."""

    indicator: Indicator
    actual: Decimal | None  # count: sum of periods; rate: latest value; milestone: 1 when done
    done_on: dt.date | None
    met: bool
    pending: Decimal | None = None  # units' submitted, not yet approved contributions (counts)
    # cadence (频次): each slot of the year with its state; ``actual`` is the slots done
    slots: tuple[cadence.SlotState, ...] = ()

    @property
    def cadence_summary(self) -> cadence.CadenceSummary | None:
        """Slots done, due and missed of a cadence indicator; None for other kinds."""
        if self.indicator.kind != IndicatorKind.CADENCE:
            return None
        return cadence.summary(self.slots)

    @property
    def missed_slots(self) -> int:
        return sum(1 for s in self.slots if s.status == cadence.SlotStatus.MISSED)

    @property
    def percent(self) -> int | None:
        """Share of the target achieved (0–100, for the progress bar); None without a target."""
        ind = self.indicator
        if ind.kind == IndicatorKind.MILESTONE:
            return 100 if self.met else 0
        if ind.kind == IndicatorKind.CADENCE:
            summary = cadence.summary(self.slots)
            return int(100 * summary.done / summary.total) if summary.total else None
        if not ind.target or self.actual is None:
            return 0 if ind.target else None
        if ind.comparator == "lte":
            return 100 if self.met else 0
        return min(100, int(self.actual * 100 / ind.target))

    @property
    def actual_display(self) -> str:
        ind = self.indicator
        if ind.kind == IndicatorKind.MILESTONE:
            return (
                f"已完成（{self.done_on:%Y-%m-%d}）"
                if self.met and self.done_on
                else ("已完成" if self.met else "未完成")
            )
        if ind.kind == IndicatorKind.CADENCE and (summary := self.cadence_summary):
            return summary.display
        if self.actual is None:
            return "—"
        number = format(self.actual.normalize(), "f")
        return f"{number}%" if ind.measure_unit == "%" else f"{number} {ind.measure_unit}".strip()


@dataclass
class TaskState:
    """Where a task stands today: its latest update, colour and indicators."""

    task: KeyTask
    latest: ProgressUpdate | None
    percent: int
    expected: float
    colour: Colour
    indicators: list[IndicatorState] = field(default_factory=list)

    @property
    def behind(self) -> float:
        return max(0.0, round(self.expected - self.percent, 1))

    @property
    def colour_label(self) -> str:
        return COLOUR_LABELS[self.colour]

    @property
    def last_update_at(self) -> dt.datetime | None:
        return self.latest.updated_at if self.latest else None


def task_queryset_with_progress(
    tasks: QuerySet[KeyTask], *, with_participants: bool = True, with_unit_sums: bool = True
) -> QuerySet[KeyTask]:
    """Tasks for display plus their updates and actuals, in a fixed number of queries. Without
    unit sums, a caller that reads the units' contributions itself sets each count indicator's
    ``units_approved`` before task_state()."""
    return task_queryset_for_display(
        tasks, with_unit_sums=with_unit_sums, with_participants=with_participants
    ).prefetch_related(
        Prefetch(
            "updates",
            queryset=ProgressUpdate.objects.select_related("period", "updated_by")
            .prefetch_related("actuals")
            .order_by("period__end_date"),
        )
    )


def _cadence_state(ind: Indicator, year: int, today: dt.date) -> IndicatorState:
    """A cadence indicator's slots as of ``today`` (occurrences after it do not count yet):
    ``actual`` is the number of slots done, ``met`` every slot of the year done."""
    rows = getattr(ind, "cadence_occurrences", None)
    if rows is None:
        rows = list(ind.occurrences.all())
    target = int(ind.target) if ind.target else 1
    slots = cadence.slot_states(
        ind.cadence or "year",
        year,
        target,
        [(r.slot, r.done_on) for r in rows if r.done_on <= today],
        today,
    )
    done = [s for s in slots if s.status == cadence.SlotStatus.DONE]
    return IndicatorState(
        indicator=ind,
        actual=Decimal(len(done)),
        done_on=max((s.last_done_on for s in done if s.last_done_on), default=None),
        met=len(done) == len(slots),
        slots=tuple(slots),
    )


def cadence_occurrences_attach(indicators: Iterable[Indicator]) -> None:
    """Read the occurrences of the cadence indicators among ``indicators`` in one query (none
    when there are none) and set each one's ``cadence_occurrences``."""
    wanted = {i.pk: i for i in indicators if i.kind == IndicatorKind.CADENCE}
    if not wanted:
        return
    by_indicator: dict[int, list[CadenceOccurrence]] = {pk: [] for pk in wanted}
    for row in CadenceOccurrence.objects.filter(indicator_id__in=wanted).order_by(
        "slot", "done_on", "pk"
    ):
        by_indicator[row.indicator_id].append(row)
    for pk, ind in wanted.items():
        ind.cadence_occurrences = by_indicator[pk]  # type: ignore[attr-defined]


def _indicator_states(
    task: KeyTask, updates: list[ProgressUpdate], today: dt.date | None = None
) -> list[IndicatorState]:
    by_indicator: dict[int, list[IndicatorActual]] = {}
    for update in updates:  # oldest period first
        for recorded in update.actuals.all():
            by_indicator.setdefault(recorded.indicator_id, []).append(recorded)
    states = []
    for ind in task.indicators.all():
        if ind.kind == IndicatorKind.CADENCE:
            states.append(_cadence_state(ind, task.plan.year, today or dt.date.max))
            continue
        rows = by_indicator.get(ind.pk, [])
        done_on = None
        pending = None
        if ind.kind == IndicatorKind.COUNT:
            # District total: the lead department's own figures plus approved unit contributions.
            values = [r.value for r in rows if r.value is not None]
            approved = getattr(ind, "units_approved", None)
            if approved is not None:
                values.append(approved)
            actual = sum(values, Decimal(0)) if values else None
            pending = getattr(ind, "units_pending", None)
        elif ind.kind == IndicatorKind.RATE:
            values = [r.value for r in rows if r.value is not None]
            actual = values[-1] if values else None
        else:
            finished = [r for r in rows if r.done]
            actual = Decimal(1) if finished else None
            done_on = finished[-1].done_on if finished else None
        if ind.kind == IndicatorKind.MILESTONE:
            met = actual is not None
        else:
            met = indicator_met(comparator=ind.comparator, target=ind.target, actual=actual)
        states.append(
            IndicatorState(indicator=ind, actual=actual, done_on=done_on, met=met, pending=pending)
        )
    return states


def task_state(task: KeyTask, today: dt.date) -> TaskState:
    """Compute a task's state from its prefetched updates (see task_queryset_with_progress)."""
    updates = list(task.updates.all())
    latest = updates[-1] if updates else None
    indicators = _indicator_states(task, updates, today)
    percent = latest.percent if latest else 0
    said_done = latest is not None and latest.status == ProgressStatus.DONE
    expected = expected_progress(task.plan.year, today, task.node_targets)
    colour = task_colour(
        # a cadence indicator (频次) is satisfied while no slot is missed: its future slots
        # cannot be done before their time
        done=said_done and all(s.met or (s.slots and not s.missed_slots) for s in indicators),
        percent=percent,
        expected=expected,
        overdue=today > task.due_date,
        amber_points=settings.UNIONPLAN_AMBER_POINTS,
        red_points=settings.UNIONPLAN_RED_POINTS,
        missed_slots=sum(s.missed_slots for s in indicators),
    )
    return TaskState(
        task=task,
        latest=latest,
        percent=percent,
        expected=expected,
        colour=colour,
        indicators=indicators,
    )


@dataclass
class IndicatorCarry:
    """What a progress form shows beside one indicator's input: the figures before the period.

    Count: ``before`` is the district total of every earlier period (the lead department's own
    figures plus units' approved contributions, as 累计完成 adds them), ``units_in`` the units'
    approved contributions to this period, so that saving Y gives before + units_in + Y.
    Rate: ``before`` is the latest earlier value, of ``before_period``.
    """

    indicator: Indicator
    before: Decimal | None
    units_in: Decimal | None = None
    before_period: ReportingPeriod | None = None


@dataclass
class ProgressCarry:
    """An earlier period's update carried into the form of ``period``."""

    period: ReportingPeriod
    previous: ProgressUpdate | None  # the latest update of a period that ended before this began
    has_update: bool  # this period already has its own update
    indicators: dict[int, IndicatorCarry] = field(default_factory=dict)


def progress_earlier(task: KeyTask, period: ReportingPeriod) -> list[ProgressUpdate]:
    """The task's prefetched updates of periods that ended before ``period`` began, oldest first."""
    return [u for u in task.updates.all() if u.period.end_date < period.start_date]


def progress_carry_forward(task: KeyTask, period: ReportingPeriod) -> ProgressCarry:
    """The latest earlier update and the indicator figures before ``period``, for its form.

    ``task`` comes from task_queryset_with_progress (updates and actuals prefetched); one more
    query adds the units' contributions by period.
    """
    earlier = progress_earlier(task, period)
    carry = ProgressCarry(
        period=period,
        previous=earlier[-1] if earlier else None,
        has_update=any(u.period_id == period.pk for u in task.updates.all()),
    )
    indicators = indicators_with_unit_figures(task.indicators.order_by("order"), period=period)
    for ind in indicators:
        if ind.kind == IndicatorKind.MILESTONE:
            continue
        figures = [
            (u.period, a.value)
            for u in earlier
            for a in u.actuals.all()
            if a.indicator_id == ind.pk and a.value is not None
        ]
        if ind.kind == IndicatorKind.RATE:
            last = figures[-1] if figures else (None, None)
            carry.indicators[ind.pk] = IndicatorCarry(ind, before=last[1], before_period=last[0])
            continue
        units_before = getattr(ind, "units_approved_before", None) or Decimal(0)
        carry.indicators[ind.pk] = IndicatorCarry(
            ind,
            before=sum((v for _, v in figures), Decimal(0)) + units_before,
            units_in=getattr(ind, "units_approved_in", None),
        )
    return carry


def task_states(
    tasks: QuerySet[KeyTask],
    today: dt.date,
    *,
    with_participants: bool = False,
    with_latest: bool = True,
) -> list[TaskState]:
    """States of many tasks, in task-number order, in a fixed number of queries: the tasks with
    their sections, leads and indicators, their latest updates (unless not ``with_latest``:
    ``latest`` is then None), and each plan's figures, read from the cache of tasks.standing
    (computed for the whole plan when missing)."""
    loaded = list(
        task_queryset_for_display(tasks, with_participants=with_participants).order_by("number")
    )
    plans = {task.plan_id: task.plan for task in loaded}
    figures = {
        plan.pk: standing.plan_figures(plan, today, plan_figures_compute) for plan in plans.values()
    }
    if not all(_figures_cover(task, figures[task.plan_id].get(task.pk)) for task in loaded):
        # written between reading the tasks and the figures: read both afresh
        figures = {plan.pk: plan_figures_compute(plan, today) for plan in plans.values()}
    latest: dict[int, ProgressUpdate] = {}
    if with_latest:
        ids = [figures[t.plan_id][t.pk].latest_id for t in loaded]
        latest = ProgressUpdate.objects.select_related("period", "updated_by").in_bulk(
            [pk for pk in ids if pk is not None]
        )
    states = []
    for task in loaded:
        figure = figures[task.plan_id][task.pk]
        update = latest.get(figure.latest_id) if figure.latest_id is not None else None
        states.append(_state_from_figures(task, figure, update))
    return states


def task_state_cached(task: KeyTask, today: dt.date) -> TaskState:
    """A task's state as task_state() computes it, for a task loaded by
    task_queryset_with_progress(with_unit_sums=False): the figures come from its plan's cache
    (tasks.standing), so its page does not aggregate the units' contributions again."""
    figures = standing.plan_figures(task.plan, today, plan_figures_compute).get(task.pk)
    if figures is None or not _figures_cover(task, figures):
        figures = plan_figures_compute(task.plan, today)[task.pk]  # written meanwhile
    latest = next((u for u in task.updates.all() if u.pk == figures.latest_id), None)
    return _state_from_figures(task, figures, latest)


def _figures_cover(task: KeyTask, figures: standing.TaskFigures | None) -> bool:
    """Whether cached figures hold the task and each of its (prefetched) indicators."""
    return figures is not None and all(i.pk in figures.indicators for i in task.indicators.all())


def _state_from_figures(
    task: KeyTask, figures: standing.TaskFigures, latest: ProgressUpdate | None
) -> TaskState:
    """A TaskState of a task (its indicators prefetched) from its plan's cached figures."""
    return TaskState(
        task=task,
        latest=latest,
        percent=figures.percent,
        expected=figures.expected,
        colour=figures.colour,
        indicators=[
            IndicatorState(
                indicator=ind,
                actual=(f := figures.indicators[ind.pk]).actual,
                done_on=f.done_on,
                met=f.met,
                pending=f.pending,
                slots=f.slots,
            )
            for ind in task.indicators.all()
        ],
    )


def plan_figures_compute(plan: WorkPlan, today: dt.date) -> dict[int, standing.TaskFigures]:
    """Every task's figures of ``plan`` as of ``today``, computed from its updates, their
    indicator figures, the units' contributions and the occurrences of its cadence indicators
    (a fixed number of queries whatever the plan's size)."""
    tasks = KeyTask.objects.filter(plan=plan).prefetch_related(
        Prefetch(
            "indicators",
            queryset=indicators_with_unit_figures(Indicator.objects.order_by("order")),
        ),
        Prefetch(
            "updates",
            queryset=ProgressUpdate.objects.select_related("period")
            .prefetch_related("actuals")
            .order_by("period__end_date"),
        ),
    )
    loaded = list(tasks)
    cadence_occurrences_attach(i for task in loaded for i in task.indicators.all())
    result = {}
    for task in loaded:
        task.plan = plan  # the same plan for every task: no query for its year
        state = task_state(task, today)
        result[task.pk] = standing.TaskFigures(
            latest_id=state.latest.pk if state.latest else None,
            percent=state.percent,
            expected=state.expected,
            colour=state.colour,
            indicators={
                s.indicator.pk: standing.IndicatorFigures(
                    actual=s.actual,
                    done_on=s.done_on,
                    met=s.met,
                    pending=s.pending,
                    slots=s.slots,
                )
                for s in state.indicators
            },
        )
    return result


def _param_id(value: Any) -> int | None:
    # A primary key from a query string or a job's params: ASCII digits that fit an integer.
    return parse_id(value)


@dataclass(frozen=True)
class TaskListFilters:
    """The 重点工作 list's filters, as the page, its print and its Excel export apply them."""

    section: int | None = None
    lead: int | None = None
    colour: str = ""
    q: str = ""
    unit: int | None = None  # the dashboard's drill-down from one unit's view
    order: str = ""  # "lag": the behind ones first

    @property
    def is_filtered(self) -> bool:
        return bool(self.section or self.lead or self.colour or self.q or self.unit)

    def as_params(self) -> dict[str, Any]:
        """The filters as a job's params (JSON), without the empty ones."""
        return {k: v for k, v in self.__dict__.items() if v not in (None, "")}


def task_list_filters_parse(params: Any, *, mine_unit: int | None = None) -> TaskListFilters:
    """Read the task list's filters from a query string or a job's params; odd values are
    dropped. ``mine_unit`` (本部室牵头的工作) replaces the lead department chosen."""
    colour = str(params.get("colour") or "").strip()
    return TaskListFilters(
        section=_param_id(params.get("section")),
        lead=mine_unit if mine_unit is not None else _param_id(params.get("lead")),
        colour=colour if colour in {c.value for c in Colour} else "",
        q=str(params.get("q") or "").strip()[:100],
        unit=_param_id(params.get("unit")),
        order="lag" if params.get("order") == "lag" else "",
    )


def task_list_states(
    tasks: QuerySet[KeyTask], filters: TaskListFilters, today: dt.date
) -> list[TaskState]:
    """The task list: ``tasks`` filtered, with their states, in a fixed number of queries."""
    if filters.section:
        tasks = tasks.filter(section_id=filters.section)
    if filters.lead:
        tasks = tasks.filter(leads__unit_id=filters.lead)
    if filters.q:
        tasks = tasks.filter(Q(title__icontains=filters.q) | Q(description__icontains=filters.q))
    if filters.unit:
        tasks = tasks.filter(participants__unit_id=filters.unit)
    states = task_states(tasks.distinct(), today)
    if filters.colour:
        states = [s for s in states if s.colour == filters.colour]
    if filters.order == "lag":
        states.sort(key=lambda s: (COLOUR_ORDER.index(s.colour), -s.behind, s.task.number))
    return states


def task_list_scope(plan: WorkPlan, filters: TaskListFilters) -> list[str]:
    """The filter in words (e.g. ["宣教部牵头", "严重滞后", "含“职工”"]); empty when unfiltered."""
    names = dict(Unit.objects.filter(pk__in=[filters.lead, filters.unit]).values_list("pk", "name"))
    words = []
    if filters.section:
        section = plan.sections.filter(pk=filters.section).first()
        if section is not None:
            words.append(f"{section.numeral}、{section.title}")
    if filters.lead in names:
        words.append(f"{names[filters.lead]}牵头")
    if filters.unit in names:
        words.append(f"{names[filters.unit]}参与")
    if filters.colour:
        words.append(COLOUR_LABELS[Colour(filters.colour)])
    if filters.q:
        words.append(f"含“{filters.q}”")
    return words


def task_timeline(task: KeyTask, user: Any) -> QuerySet[Event]:
    """Every recorded change of a task the user may read, newest first.

    Units' report activity (drafts, evidence) shows only to that unit and administrators; the
    reviews of departments show to everyone, like the task's own changes.
    """
    from unionplan import policies

    events = Event.objects.filter(task=task)
    if not policies.is_admin(user):
        events = events.filter(
            Q(report__isnull=True)
            | Q(report__unit_id=getattr(user, "unit_id", None))
            | Q(actor__role="staff")
        )
    return events.select_related("actor", "action").order_by("-created_at", "-pk")


@dataclass
class TimelineEntry:
    """One action (e.g. 更新进展: an update and its indicator figures) and its events."""

    first: Event
    events: list[Event]
    action: Action | None = None

    @property
    def verb(self) -> str:
        return self.action.verb if self.action is not None else ""

    @property
    def actor_name(self) -> str:
        return self.action.actor_name if self.action is not None else self.first.actor_name

    @property
    def source_label(self) -> str:
        return (self.action or self.first).source_label


def timeline_entries(events: list[Event], *, window_seconds: int = 5) -> list[TimelineEntry]:
    """Group events by the action they were recorded under, newest action first.

    Events recorded before actions existed (no action) fall back to the old rule: consecutive
    events of the same actor and channel within ``window_seconds`` read as one entry.
    """
    entries: list[TimelineEntry] = []
    by_action: dict[int, TimelineEntry] = {}
    for event in events:
        if event.action_id is not None:
            entry = by_action.get(event.action_id)
            if entry is None:
                entry = TimelineEntry(first=event, events=[], action=event.action)
                by_action[event.action_id] = entry
                entries.append(entry)
            entry.events.append(event)
            continue
        last = entries[-1] if entries else None
        if (
            last is not None
            and last.action is None
            and last.first.actor_id == event.actor_id
            and last.first.source == event.source
            and abs((last.events[-1].created_at - event.created_at).total_seconds())
            <= window_seconds
        ):
            last.events.append(event)
        else:
            entries.append(TimelineEntry(first=event, events=[event]))
    for entry in entries:
        entry.events.reverse()  # within one action, read in the order things were written
    return entries


def instructions_open_for(user: Any, instructions: QuerySet[Instruction]) -> QuerySet[Instruction]:
    """Unanswered instructions: all for leaders and admins, those on led tasks for staff."""
    from unionplan import policies

    open_ = instructions.filter(state="open").select_related("task__plan", "author")
    if policies.is_admin(user) or policies.is_leader(user):
        return open_
    return open_.filter(task__leads__unit_id=policies.unit_id_of(user)).distinct()


# The 领导批示 list's 状态 filter: value -> label ("all": every state).
INSTRUCTION_STATE_FILTERS = {
    InstructionState.OPEN.value: InstructionState.OPEN.label,
    InstructionState.ANSWERED.value: InstructionState.ANSWERED.label,
    InstructionState.CLOSED.value: InstructionState.CLOSED.label,
    "all": "全部",
}


def instruction_days_overdue(instruction: Instruction, today: dt.date) -> int:
    """How many days an instruction waiting for the lead department (待办理) is past its
    办理时限; 0 when it has none, is not past it, or is answered or closed."""
    if instruction.state != InstructionState.OPEN or instruction.deadline is None:
        return 0
    return max((today - instruction.deadline).days, 0)


def instruction_is_overdue(instruction: Instruction, today: dt.date) -> bool:
    """An instruction still 待办理 after its 办理时限 (shown red on every list)."""
    return instruction_days_overdue(instruction, today) > 0


def instructions_overdue(
    instructions: QuerySet[Instruction], today: dt.date
) -> QuerySet[Instruction]:
    """The overdue ones of ``instructions``: the rule of instruction_is_overdue, in SQL."""
    return instructions.filter(state=InstructionState.OPEN, deadline__lt=today)


def instructions_with_thread(instructions: QuerySet[Instruction]) -> QuerySet[Instruction]:
    """Instructions with their people and their thread (messages and authors), in fixed queries."""
    return instructions.select_related("author", "answered_by", "closed_by").prefetch_related(
        Prefetch(
            "messages",
            queryset=InstructionMessage.objects.select_related("author").order_by(
                "created_at", "pk"
            ),
        )
    )


def instructions_filtered(
    instructions: QuerySet[Instruction],
    *,
    state: str,
    department: int | None,
    overdue: bool,
    today: dt.date,
) -> QuerySet[Instruction]:
    """The 领导批示 list: by state ("all" for every one), the task's lead department and
    overdue only; waiting ones by 办理时限 (most overdue first), the others newest first."""
    if state in InstructionState.values:
        instructions = instructions.filter(state=state)
    if department is not None:
        lead_tasks = TaskLead.objects.filter(unit_id=department).values("task_id")
        instructions = instructions.filter(task_id__in=lead_tasks)
    if overdue:
        instructions = instructions_overdue(instructions, today)
    if state == InstructionState.OPEN or overdue:
        return instructions.order_by(F("deadline").asc(nulls_last=True), "-created_at", "-pk")
    return instructions.order_by("-created_at", "-pk")


@dataclass(frozen=True)
class InstructionFilters:
    """The 领导批示 list's filters (page and Excel export): state, lead department, overdue."""

    state: str = InstructionState.OPEN
    department: int | None = None
    overdue: bool = False

    @property
    def is_filtered(self) -> bool:
        return self.state != InstructionState.OPEN or self.department is not None or self.overdue


def instruction_filters_parse(params: Any, *, user: Any) -> InstructionFilters:
    """Read the 批示 list's filters; staff start on their own department's (``dept=`` for all),
    everybody on those waiting for an answer (待办理)."""
    from unionplan import policies

    state = params.get("state", InstructionState.OPEN)
    dept = params.get("dept")
    if dept is None and policies.is_staff_of(user, {getattr(user, "unit_id", None)}):
        dept = str(user.unit_id)
    return InstructionFilters(
        state=state if state in INSTRUCTION_STATE_FILTERS else InstructionState.OPEN,
        department=_param_id(dept),
        overdue=params.get("overdue") == "1",
    )


def instructions_for_list(
    user: Any, filters: InstructionFilters, today: dt.date
) -> QuerySet[Instruction]:
    """The 批示 the user may read, filtered and ordered as the list shows them, with their
    tasks, leads and threads (a fixed number of queries)."""
    from unionplan import policies

    return instructions_filtered(
        instructions_with_thread(policies.instructions_visible_to(user))
        .select_related("task")
        .prefetch_related("task__leads__unit"),
        state=filters.state,
        department=filters.department,
        overdue=filters.overdue,
        today=today,
    )


def instructions_mark(
    instructions: Iterable[Instruction], today: dt.date, *, thread: bool = False
) -> list[Instruction]:
    """Set what pages show of each instruction beside its fields: ``overdue_days``; with
    ``thread`` (prefetched by instructions_with_thread) also ``thread`` and ``last_message``."""
    rows = list(instructions)
    for row in rows:
        # Read by templates only; Instruction does not declare these attributes.
        marked: Any = row
        marked.overdue_days = instruction_days_overdue(row, today)
        if thread:
            messages = list(row.messages.all())
            marked.thread = messages
            marked.last_message = messages[-1] if messages else None
    return rows


def period_current(
    plan: WorkPlan, today: dt.date, kind: str | None = None
) -> ReportingPeriod | None:
    """The period being reported on today: the one containing today, else the nearest before.

    Of one kind: ``kind``, else the plan's rhythm (a month of a monthly plan), else any."""
    every = list(plan.periods.order_by("start_date", "kind"))
    periods = [p for p in every if p.kind == (kind or plan.rhythm)] or every
    if not periods:
        return None
    for period in periods:
        if period.start_date <= today <= period.end_date:
            return period
    earlier = [p for p in periods if p.start_date <= today]
    return earlier[-1] if earlier else periods[0]
