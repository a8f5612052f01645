"""Reads of reporting periods."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal

from django.conf import settings
from django.db.models import Count, Max, Prefetch, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce, NullIf

from departments.models import Role, Unit, User
from reports.models import (
    Attachment,
    Contribution,
    EntryState,
    PeriodReopening,
    Reminder,
    ReminderKind,
    ReportEntry,
    ReportingPeriod,
    UnitReport,
)
from tasks import checks
from tasks import selectors as tasks_selectors
from tasks.models import (
    Indicator,
    IndicatorAllocation,
    IndicatorKind,
    KeyTask,
    PeriodKind,
    WorkPlan,
)
from tasks.services.periods import periods_of_kind
from tasks.standing import plan_cache_get, plan_cache_set, plan_cached
from unionplan.params import parse_id


def period_reopening_for(
    *, period: ReportingPeriod, unit: Unit, today: dt.date
) -> PeriodReopening | None:
    """The reopening that lets the unit still report on a locked period today, if any."""
    if not period.is_locked:
        return None
    return (
        PeriodReopening.objects.filter(period=period, unit=unit, until__gte=today)
        .order_by("-until")
        .first()
    )


def period_contacts() -> list[User]:
    """Whom a unit asks to reopen a locked period: the active system administrators."""
    return list(
        User.objects.filter(Q(role=Role.ADMIN) | Q(is_superuser=True), is_active=True).order_by(
            "full_name", "username"
        )
    )


def period_contact_line() -> str:
    """Who to contact about a locked period, as one line ("系统管理员：张三（电话 …）")."""
    configured = getattr(settings, "UNIONPLAN_SUPPORT_CONTACT", "")
    if configured:
        return configured
    people = [
        f"{u.display_name}（电话 {u.phone}）" if u.phone else u.display_name
        for u in period_contacts()
    ]
    return f"系统管理员：{'、'.join(people)}" if people else "系统管理员"


class ReportStatus:
    DRAFT = ("draft", "未提交")
    SUBMITTED = ("submitted", "已提交待审核")
    PARTLY_RETURNED = ("returned", "部分退回")
    APPROVED = ("approved", "已通过")


def report_status(states: list[str]) -> tuple[str, str]:
    """A report's state follows from its entries' states."""
    if not states or all(s == EntryState.DRAFT for s in states):
        return ReportStatus.DRAFT
    if any(s == EntryState.RETURNED for s in states):
        return ReportStatus.PARTLY_RETURNED
    if all(s == EntryState.APPROVED for s in states):
        return ReportStatus.APPROVED
    return ReportStatus.SUBMITTED


def report_with_entries(report_id: int) -> UnitReport:
    """A report with entries, tasks, indicators, contributions and attachments, fixed queries."""
    return (
        UnitReport.objects.select_related("unit", "period__plan")
        .prefetch_related(
            Prefetch(
                "entries",
                queryset=ReportEntry.objects.select_related("task", "reviewed_by")
                .prefetch_related(
                    "task__leads__unit",
                    Prefetch("task__indicators", queryset=Indicator.objects.order_by("order")),
                    "contributions",
                    "attachments",
                )
                .order_by("task__number"),
            )
        )
        .get(pk=report_id)
    )


ContributionKey = Literal["unit", "indicator", "period"]

_CONTRIBUTION_FIELDS: dict[str, str] = {
    "unit": "entry__report__unit_id",
    "indicator": "indicator_id",
    "period": "entry__report__period_id",
}


def approved_contributions(
    *,
    by: tuple[ContributionKey, ...],
    plan: WorkPlan | None = None,
    period: ReportingPeriod | None = None,
    unit: Unit | None = None,
    indicator_ids: Iterable[int] | None = None,
    tasks: QuerySet[KeyTask] | None = None,
) -> dict[tuple[int, ...], Decimal]:
    """Units' approved contributions summed per ``by`` (keys in that order), in one query."""
    rows = Contribution.objects.filter(entry__state=EntryState.APPROVED)
    if plan is not None:
        rows = rows.filter(entry__report__period__plan=plan)
    if period is not None:
        rows = rows.filter(entry__report__period=period)
    if unit is not None:
        rows = rows.filter(entry__report__unit=unit)
    if indicator_ids is not None:
        rows = rows.filter(indicator_id__in=list(indicator_ids))
    if tasks is not None:
        rows = rows.filter(indicator__task__in=tasks)
    fields = [_CONTRIBUTION_FIELDS[key] for key in by]
    # Tuples, not dicts: a plan's sums by unit, indicator and period are ten thousand rows.
    return {
        tuple(row[:-1]): row[-1] for row in rows.values_list(*fields).annotate(total=Sum("value"))
    }


def approved_by_unit_indicator(plan: WorkPlan) -> dict[tuple[int, ...], Decimal]:
    """The plan's approved contributions by (unit, indicator): aggregated once per write of the
    plan (tasks.standing), then read from the cache."""
    return plan_cached(
        plan,
        "approved-by-unit-indicator",
        lambda: approved_contributions(by=("unit", "indicator"), plan=plan),
    )


@dataclass
class EntryView:
    """An entry as a page shows it: with its indicators, the unit's figures and targets."""

    entry: ReportEntry
    indicators: list[dict[str, Any]]


def entry_views(report: UnitReport, *, entries: list[ReportEntry] | None = None) -> list[EntryView]:
    """Entries with, per count/rate indicator: this entry's value, the unit's allocated target and
    its approved contributions so far across periods. Returned entries come first."""
    entries = entries if entries is not None else list(report.entries.all())
    indicator_ids = [i.pk for e in entries for i in e.task.indicators.all()]
    allocations = {
        a.indicator_id: a.target
        for a in IndicatorAllocation.objects.filter(
            unit=report.unit, indicator_id__in=indicator_ids
        )
    }
    # The unit's approved contributions so far, from the plan's sums (cached per write).
    so_far = {
        (indicator_id,): total
        for (unit_id, indicator_id), total in approved_by_unit_indicator(report.period.plan).items()
        if unit_id == report.unit_id
    }
    views = []
    for entry in entries:
        values = {c.indicator_id: c.value for c in entry.contributions.all()}
        indicators = [
            {
                "indicator": ind,
                "value": values.get(ind.pk),
                "allocated": allocations.get(ind.pk),
                "approved_so_far": so_far.get((ind.pk,)),
            }
            for ind in entry.task.indicators.all()
            if ind.kind in (IndicatorKind.COUNT, IndicatorKind.RATE)
        ]
        views.append(EntryView(entry=entry, indicators=indicators))
    order: dict[str, int] = {
        EntryState.RETURNED: 0,
        EntryState.DRAFT: 1,
        EntryState.SUBMITTED: 2,
        EntryState.APPROVED: 3,
    }
    views.sort(key=lambda v: (order[v.entry.state], v.entry.task.number))
    return views


# In the order the legend shows them: what needs action first.
GRID_LABELS = {
    "overdue": "逾期未报",
    "open": "填报中",
    "returned": "退回",
    "late": "逾期提交",
    "on_time": "按时",
    "approved": "已通过",
    "upcoming": "未开始",
}
# States of a unit that has not submitted yet: these cells offer 催报.
GRID_UNSUBMITTED = ("overdue", "open")


@dataclass
class SubmissionGrid:
    """Units × periods, each cell a submission state, with reporting and on-time rates."""

    units: list[Unit]
    periods: list[ReportingPeriod]
    cells: dict[tuple[int, int], dict[str, Any]]
    rates: dict[int, dict[str, float | None]]
    today: dt.date
    plan: WorkPlan | None = None  # as read with the grid (its figures' stamp is current)
    kind: str = "quarter"  # the kind of period its columns are: quarter or month
    kinds: list[str] = field(default_factory=list)  # the kinds the plan has periods of

    def rows(self) -> list[tuple[Unit, list[dict[str, Any]]]]:
        return [(u, [self.cells[(u.pk, p.pk)] for p in self.periods]) for u in self.units]

    def rate_rows(self) -> list[dict[str, float | None]]:
        return [self.rates[p.pk] for p in self.periods]

    def reports(self) -> list[UnitReport]:
        """The reports in the grid's cells."""
        return [c["report"] for c in self.cells.values() if c["report"] is not None]

    def overdue(self) -> OverdueUnits | None:
        """Units without a submission for the most recent period past its due date."""
        past_due = [p for p in self.periods if self.today > p.due_date]
        if not past_due:
            return None
        period = max(past_due, key=lambda p: (p.due_date, p.number))
        cells = [self.cells[(u.pk, period.pk)] for u in self.units]
        earlier = {
            u.pk
            for p in past_due
            if p.pk != period.pk
            for u in self.units
            if self.cells[(u.pk, p.pk)]["state"] == "overdue"
        }
        return OverdueUnits(
            period=period,
            cells=[c for c in cells if c["state"] == "overdue"],
            earlier_units=len(earlier),
            days_overdue=(self.today - period.due_date).days,
        )


@dataclass
class OverdueUnits:
    """逾期未报单位: one period's overdue cells, and how many units still owe earlier periods."""

    period: ReportingPeriod
    cells: list[dict[str, Any]]
    earlier_units: int
    days_overdue: int


def reminders_last(plan: WorkPlan) -> dict[tuple[int, int], Mapping[str, Any]]:
    """The last manual 催报 of each (unit, period) of a plan, in one query."""
    rows = (
        Reminder.objects.filter(period__plan=plan, kind=ReminderKind.MANUAL, unit__isnull=False)
        .values("unit_id", "period_id")
        .annotate(sent_on=Max("sent_on"), at=Max("created_at"))
    )
    return {(r["unit_id"], r["period_id"]): r for r in rows}


def submission_grid(plan: WorkPlan, today: dt.date, kind: str | None = None) -> SubmissionGrid:
    """The grid for a plan in four queries, however many units and periods.

    Its columns are the periods of one kind (``kind``, else the plan's rhythm: months for a plan
    reporting monthly), its rows the units reporting tasks of that rhythm."""
    from reports.services import expected_units

    every = list(plan.periods.select_related("plan"))
    kinds = [k for k in PeriodKind.values if any(p.kind == k for p in every)]
    if kind not in kinds:
        kind = plan.rhythm if plan.rhythm in kinds else (kinds[0] if kinds else PeriodKind.QUARTER)
    periods = periods_of_kind(every, kind)
    units = list(expected_units(plan, kind=kind))
    # The plan as it stands now: the caller's copy may predate a write of this request, and
    # with it its figures' stamp (tasks/standing.py).
    plan = every[0].plan if every else plan
    # Each report carries its entries' counts (read by pages and the ranking): aggregated with
    # the reports once per write of the plan, then read from the cache.
    counts = plan_cache_get(plan, "report-entry-counts")
    reports: list[Any]
    if counts is None:
        reports = list(
            UnitReport.objects.filter(period__plan=plan).annotate(
                n_returned=Count("entries", filter=Q(entries__state=EntryState.RETURNED)),
                n_approved=Count("entries", filter=Q(entries__state=EntryState.APPROVED)),
                n_drafts=Count("entries", filter=Q(entries__state=EntryState.DRAFT)),
                n_entries=Count("entries"),
            )
        )
        plan_cache_set(
            plan,
            "report-entry-counts",
            {r.pk: (r.n_returned, r.n_approved, r.n_drafts, r.n_entries) for r in reports},
        )
    else:
        reports = list(UnitReport.objects.filter(period__plan=plan))
        for report in reports:  # one created since the counts has no entries yet
            report.n_returned, report.n_approved, report.n_drafts, report.n_entries = counts.get(
                report.pk, (0, 0, 0, 0)
            )
    by_key = {(r.unit_id, r.period_id): r for r in reports}
    reminded = reminders_last(plan)
    cells: dict[tuple[int, int], dict[str, Any]] = {}
    rates: dict[int, dict[str, float | None]] = {}
    for period in periods:
        submitted = on_time = 0
        for unit in units:
            report = by_key.get((unit.pk, period.pk))
            if report is None or report.submitted_at is None:
                if today > period.due_date:
                    state = "overdue"
                elif today >= period.opens_on:
                    state = "open"
                else:
                    state = "upcoming"
            else:
                submitted += 1
                on_time += not report.is_late
                if report.n_returned:
                    state = "returned"
                elif report.n_entries and report.n_approved == report.n_entries:
                    state = "approved"
                else:
                    state = "late" if report.is_late else "on_time"
            last = reminded.get((unit.pk, period.pk))
            cells[(unit.pk, period.pk)] = {
                "state": state,
                "label": GRID_LABELS[state],
                "late": bool(report and report.is_late),
                "report": report,
                "unit": unit,
                "period": period,
                "remindable": state in GRID_UNSUBMITTED,
                "last_reminder_on": last["sent_on"] if last else None,
                "last_reminder_at": last["at"] if last else None,
                "reminded_today": bool(last and last["sent_on"] >= today),
            }
        due = today > period.due_date or submitted
        rates[period.pk] = {
            "reporting": round(100 * submitted / len(units), 1) if units and due else None,
            "on_time": round(100 * on_time / len(units), 1) if units and due else None,
        }
    return SubmissionGrid(
        units=units,
        periods=periods,
        cells=cells,
        rates=rates,
        today=today,
        plan=plan,
        kind=kind,
        kinds=kinds,
    )


# --- the reporter's due work --------------------------------------------------------------


@dataclass
class DueReport:
    """A period a unit has to act on: overdue without a submission, or with returned entries."""

    period: ReportingPeriod
    report: UnitReport | None
    overdue_days: int  # days past the due date without a submission; 0 when not overdue
    returned: int  # entries returned for fixing

    @property
    def message(self) -> str:
        name = f"{self.period.plan.year}年{self.period.name}报表"
        if self.returned and self.overdue_days:
            return f"{name}已逾期 {self.overdue_days} 天未报，另有 {self.returned} 个条目被退回"
        if self.returned:
            return f"{name}有 {self.returned} 个条目被退回，请修改后重新提交"
        return f"{name}已逾期 {self.overdue_days} 天未报，请尽快填报"


def _open_for(period: ReportingPeriod, reopened_until: dt.date | None, today: dt.date) -> bool:
    return not period.is_locked or (reopened_until is not None and reopened_until >= today)


def reports_due_for_unit(*, plan: WorkPlan, unit: Unit, today: dt.date) -> list[DueReport]:
    """Periods of the plan, oldest first, whose report the unit still owes: past due and not
    submitted (while the period takes submissions), or with entries returned. Three queries."""
    from reports.models import PeriodReopening

    periods = sorted(
        plan.periods.filter(opens_on__lte=today, kind__in=unit_rhythms(plan, unit)),
        key=lambda p: (p.end_date, -p.start_date.toordinal()),
    )
    reports = {
        r.period_id: r
        for r in UnitReport.objects.filter(unit=unit, period__in=periods).annotate(
            n_returned=Count("entries", filter=Q(entries__state=EntryState.RETURNED)),
            n_draft=Count("entries", filter=Q(entries__state=EntryState.DRAFT)),
        )
    }
    reopened = dict(
        PeriodReopening.objects.filter(unit=unit, period__in=periods).values_list(
            "period_id", "until"
        )
    )
    due = []
    for period in periods:
        if not _open_for(period, reopened.get(period.pk), today):
            continue
        report = reports.get(period.pk)
        submitted = report is not None and report.submitted_at is not None
        overdue = 0 if submitted or today <= period.due_date else (today - period.due_date).days
        returned = report.n_returned if report is not None else 0
        if overdue or returned:
            due.append(
                DueReport(period=period, report=report, overdue_days=overdue, returned=returned)
            )
    return due


def unit_rhythms(plan: WorkPlan, unit: Unit) -> QuerySet[Any, Any]:
    """The kinds of period (month, quarter) the unit reports the plan's tasks in, as a subquery:
    each task's own rhythm, else the plan's."""
    return (
        KeyTask.objects.filter(plan=plan, participants__unit=unit)
        .annotate(kind=Coalesce(NullIf("rhythm", Value("")), "plan__rhythm"))
        .values("kind")
    )


def unit_periods(plan: WorkPlan, unit: Unit) -> list[ReportingPeriod]:
    """The periods the unit reports the plan in (its tasks' months and/or quarters), by date."""
    periods = plan.periods.filter(kind__in=unit_rhythms(plan, unit))
    return sorted(periods, key=lambda p: (p.end_date, -p.start_date.toordinal()))


def report_period_to_open(*, plan: WorkPlan, unit: Unit, today: dt.date) -> ReportingPeriod | None:
    """The period 季度填报 opens first: the oldest one overdue, returned, or open and not yet
    submitted; else the current period."""
    due = reports_due_for_unit(plan=plan, unit=unit, today=today)
    if due:
        return due[0].period
    kinds = {row["kind"] for row in unit_rhythms(plan, unit)}
    kind = plan.rhythm if plan.rhythm in kinds or not kinds else sorted(kinds)[0]
    current = tasks_selectors.period_current(plan, today, kind=kind)
    if current is None:
        return None
    earlier = plan.periods.filter(
        kind=current.kind, opens_on__lte=today, start_date__lt=current.start_date
    ).order_by("start_date")
    for period in earlier:
        if period.due_date < today:
            continue  # past due and not owed (submitted, or closed): nothing to do there
        report = UnitReport.objects.filter(unit=unit, period=period).first()
        if report is None or report.submitted_at is None:
            return period  # still open and not submitted: it comes before the current one
    return current


def previous_narratives(report: UnitReport) -> dict[int, str]:
    """Task id → the unit's narrative for that task in the previous period of the same kind."""
    period = report.period
    previous = (
        ReportingPeriod.objects.filter(
            plan_id=period.plan_id, kind=period.kind, start_date__lt=period.start_date
        )
        .order_by("-start_date")
        .first()
    )
    if previous is None:
        return {}
    return {
        task_id: narrative
        for task_id, narrative in ReportEntry.objects.filter(
            report__unit_id=report.unit_id, report__period=previous
        )
        .exclude(narrative="")
        .values_list("task_id", "narrative")
    }


# --- review at volume --------------------------------------------------------------------------

REVIEW_STATES: dict[str, str] = {
    "submitted": "待审核",
    "approved": "已通过",
    "returned": "已退回",
    "all": "全部",
}


@dataclass(frozen=True)
class ReviewFilters:
    """The review list's filters as parsed from the query string (odd values are dropped)."""

    unit: int | None = None
    period: int | None = None
    task: int | None = None
    report: int | None = None
    state: str = "submitted"
    late: bool = False

    @property
    def is_filtered(self) -> bool:
        return bool(self.unit or self.period or self.task or self.report or self.late) or (
            self.state != "submitted"
        )


def _positive_int(value: str | None) -> int | None:
    return parse_id(value)


def review_filters_parse(params: Any) -> ReviewFilters:
    """Read the review list's GET parameters; anything malformed means "not filtered"."""
    state = params.get("state", "submitted")
    return ReviewFilters(
        unit=_positive_int(params.get("unit")),
        period=_positive_int(params.get("period")),
        task=_positive_int(params.get("task")),
        report=_positive_int(params.get("report")),
        state=state if state in REVIEW_STATES else "submitted",
        late=params.get("late") in ("1", "on", "true"),
    )


def _review_prefetches() -> list[Any]:
    return [
        Prefetch("task__indicators", queryset=Indicator.objects.order_by("order")),
        Prefetch("contributions", queryset=Contribution.objects.select_related("indicator")),
        Prefetch("attachments", queryset=Attachment.objects.order_by("uploaded_at", "pk")),
    ]


def reviewable_entries(user: Any) -> QuerySet[ReportEntry]:
    """Entries the user reviews: submitted at least once, on tasks their department leads (all
    of them for an admin); the policy decides."""
    from unionplan import policies

    if not policies.can(user, "review.list"):
        return ReportEntry.objects.none()
    visible = policies.entries_visible_to(user).exclude(state=EntryState.DRAFT)
    return ReportEntry.objects.filter(pk__in=visible.values("pk"))


def review_entries(user: Any, filters: ReviewFilters) -> QuerySet[ReportEntry]:
    """The review list: the reviewer's entries filtered, grouped by report (oldest first)."""
    entries = reviewable_entries(user)
    if filters.state != "all":
        entries = entries.filter(state=filters.state)
    if filters.unit:
        entries = entries.filter(report__unit_id=filters.unit)
    if filters.period:
        entries = entries.filter(report__period_id=filters.period)
    if filters.task:
        entries = entries.filter(task_id=filters.task)
    if filters.report:
        entries = entries.filter(report_id=filters.report)
    if filters.late:
        entries = entries.filter(report__is_late=True)
    return (
        entries.select_related("report__unit", "report__period__plan", "task", "reviewed_by")
        .prefetch_related(*_review_prefetches())
        .order_by("report__submitted_at", "report_id", "task__number")
    )


@dataclass
class ReviewFilterOptions:
    """What the review list's filter bar offers: the reviewer's units, periods and tasks."""

    units: list[Unit]
    periods: list[ReportingPeriod]
    tasks: list[Any]


def review_filter_options(user: Any) -> ReviewFilterOptions:
    """Units, periods and tasks that occur among the reviewer's entries (three queries)."""
    from departments.models import kind_order
    from tasks.models import KeyTask

    # Semi-joins on the reviewer's entries: no DISTINCT over thousands of joined rows.
    mine = reviewable_entries(user)
    units = Unit.objects.filter(pk__in=mine.values("report__unit_id"))
    periods = ReportingPeriod.objects.filter(pk__in=mine.values("report__period_id"))
    tasks = KeyTask.objects.filter(pk__in=mine.values("task_id"))
    return ReviewFilterOptions(
        units=list(units.order_by(kind_order(), "sort_order", "name")),
        periods=list(periods.select_related("plan").order_by("-plan__year", "start_date", "kind")),
        tasks=list(tasks.order_by("number")),
    )


def review_report_entries(user: Any, report: UnitReport) -> list[ReportEntry]:
    """One unit report's entries the reviewer reviews (all submitted ones for an admin)."""
    return list(
        reviewable_entries(user)
        .filter(report=report)
        .select_related("task", "reviewed_by", "report__unit", "report__period__plan")
        .prefetch_related(*_review_prefetches())
        .order_by("task__number")
    )


def report_events_for(user: Any, report: UnitReport, *, limit: int = 100) -> list[Any]:
    """The 报表留痕 timeline of a report, limited by the policy to what its reader may see."""
    from unionplan import policies

    events = policies.report_events_visible_to(user, report)
    return list(events.select_related("actor", "action")[:limit])


def entries_for_review_by_ids(user: Any, entry_ids: list[int]) -> list[ReportEntry]:
    """The reviewer's entries among ``entry_ids``, with what the policy and messages read."""
    return list(
        reviewable_entries(user)
        .filter(pk__in=entry_ids)
        .select_related("report__unit", "report__period", "task__plan")
        .prefetch_related("task__leads")
    )


def indicators_annotate_unit_sums(
    indicators: QuerySet[Indicator], *, period: ReportingPeriod | None = None
) -> QuerySet[Indicator]:
    """Indicators annotated with the units' approved (``units_approved``) and submitted, not yet
    reviewed (``units_pending``) contributions; with ``period``, also the approved ones of periods
    that ended before it began (``units_approved_before``) and of that period
    (``units_approved_in``). Registered with the plan in reports/apps.py."""
    approved = Q(contributions__entry__state=EntryState.APPROVED)
    sums = {
        "units_approved": Sum("contributions__value", filter=approved),
        "units_pending": Sum(
            "contributions__value", filter=Q(contributions__entry__state=EntryState.SUBMITTED)
        ),
    }
    if period is not None:
        sums["units_approved_before"] = Sum(
            "contributions__value",
            filter=approved
            & Q(contributions__entry__report__period__end_date__lt=period.start_date),
        )
        sums["units_approved_in"] = Sum(
            "contributions__value",
            filter=approved & Q(contributions__entry__report__period=period),
        )
    return indicators.annotate(**sums)


def entry_figure_warnings(entries: Iterable[ReportEntry]) -> dict[int, dict[int, list[str]]]:
    """The warnings (tasks.checks) on entries' figures, by entry id then indicator id.

    A unit's scope: the figures in hand are the given entries' contributions of the same report;
    a count's running total adds the unit's approved contributions of its other reports. Entries
    need ``report.period.plan`` loaded and their task's indicators and contributions prefetched;
    the rules, allocations and sums come from the plan's cache (no query once it is warm)."""
    entries = [e for e in entries if not e.not_applicable]
    figures: dict[int, dict[int, Decimal | None]] = {}
    approved_in_hand: dict[int, dict[int, Decimal]] = {}
    for entry in entries:
        hand = figures.setdefault(entry.report_id, {})
        approved = approved_in_hand.setdefault(entry.report_id, {})
        for c in entry.contributions.all():
            hand[c.indicator_id] = c.value
            if entry.state == EntryState.APPROVED:
                approved[c.indicator_id] = c.value
    result: dict[int, dict[int, list[str]]] = {}
    by_report: dict[int, dict[int, list[str]]] = {}
    for entry in entries:
        report, report_id = entry.report, entry.report_id
        if report_id not in by_report:
            plan = report.period.plan
            hand = figures[report_id]
            checks_of_plan = checks.plan_checks(plan)
            rules = checks_of_plan.rules_for(hand)
            indicators = checks.check_indicators(
                (i for e in entries if e.report_id == report_id for i in e.task.indicators.all()),
                rules,
            )
            sums = approved_by_unit_indicator(plan) if hand else {}
            unit_id = report.unit_id
            known = {
                pk: total - approved_in_hand[report_id].get(pk, Decimal(0))
                for pk, ind in indicators.items()
                if ind.kind == IndicatorKind.COUNT
                and (total := sums.get((unit_id, pk))) is not None
            }
            context = checks.CheckContext(
                indicators=indicators,
                rules=checks.rules_by_indicator(rules),
                known=known,
                allocations={
                    pk: checks_of_plan.allocations[(unit_id, pk)]
                    for pk in indicators
                    if (unit_id, pk) in checks_of_plan.allocations
                },
            )
            by_report[report_id] = checks.warnings_by_indicator(
                checks.figure_warnings(hand, context)
            )
        mine = {i.pk for i in entry.task.indicators.all()}
        result[entry.pk] = {k: v for k, v in by_report[report_id].items() if k in mine}
    return result
