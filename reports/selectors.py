"""Reads of reporting periods."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet, Sum

from departments.models import Unit
from reports.models import Contribution, EntryState, ReportEntry, ReportingPeriod, UnitReport
from tasks.models import Indicator, IndicatorAllocation, IndicatorKind, WorkPlan


def period_current(plan: WorkPlan, today: dt.date) -> ReportingPeriod | None:
    """The period being reported on today: the one containing today, else the nearest before."""
    periods = list(plan.periods.order_by("kind", "start_date"))
    if not periods:
        return None
    for period in periods:
        if period.start_date <= today <= period.end_date:
            return period
    earlier = [p for p in periods if p.start_date <= today]
    return earlier[-1] if earlier else periods[0]


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
    so_far = dict(
        Contribution.objects.filter(
            entry__report__unit=report.unit,
            entry__state=EntryState.APPROVED,
            indicator_id__in=indicator_ids,
        )
        .values_list("indicator_id")
        .annotate(total=Sum("value"))
    )
    views = []
    for entry in entries:
        values = {c.indicator_id: c.value for c in entry.contributions.all()}
        indicators = [
            {
                "indicator": ind,
                "value": values.get(ind.pk),
                "allocated": allocations.get(ind.pk),
                "approved_so_far": so_far.get(ind.pk),
            }
            for ind in entry.task.indicators.all()
            if ind.kind in (IndicatorKind.COUNT, IndicatorKind.RATE)
        ]
        views.append(EntryView(entry=entry, indicators=indicators))
    order = {
        EntryState.RETURNED: 0,
        EntryState.DRAFT: 1,
        EntryState.SUBMITTED: 2,
        EntryState.APPROVED: 3,
    }
    views.sort(key=lambda v: (order[v.entry.state], v.entry.task.number))
    return views


GRID_LABELS = {
    "on_time": "按时",
    "late": "逾期",
    "missing": "未报",
    "open": "填报中",
    "returned": "退回",
    "approved": "已通过",
    "upcoming": "未开始",
}


@dataclass
class SubmissionGrid:
    """Units × periods, each cell a submission state, with reporting and on-time rates."""

    units: list[Unit]
    periods: list[ReportingPeriod]
    cells: dict[tuple[int, int], dict[str, Any]]
    rates: dict[int, dict[str, float | None]]
    today: dt.date

    def rows(self) -> list[tuple[Unit, list[dict[str, Any]]]]:
        return [(u, [self.cells[(u.pk, p.pk)] for p in self.periods]) for u in self.units]

    def rate_rows(self) -> list[dict[str, float | None]]:
        return [self.rates[p.pk] for p in self.periods]


def submission_grid(plan: WorkPlan, today: dt.date) -> SubmissionGrid:
    """The grid for a plan in three queries, however many units and periods."""
    from reports.services import expected_units

    units = list(expected_units(plan))
    periods = list(plan.periods.order_by("kind", "number"))
    reports = UnitReport.objects.filter(period__plan=plan).annotate(
        n_returned=Count("entries", filter=Q(entries__state=EntryState.RETURNED)),
        n_approved=Count("entries", filter=Q(entries__state=EntryState.APPROVED)),
        n_entries=Count("entries"),
    )
    by_key = {(r.unit_id, r.period_id): r for r in reports}
    cells: dict[tuple[int, int], dict[str, Any]] = {}
    rates: dict[int, dict[str, float | None]] = {}
    for period in periods:
        submitted = on_time = 0
        for unit in units:
            report = by_key.get((unit.pk, period.pk))
            if report is None or report.submitted_at is None:
                if today > period.due_date:
                    state = "missing"
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
            cells[(unit.pk, period.pk)] = {
                "state": state,
                "label": GRID_LABELS[state],
                "late": bool(report and report.is_late),
                "report": report,
                "unit": unit,
                "period": period,
            }
        due = today > period.due_date or submitted
        rates[period.pk] = {
            "reporting": round(100 * submitted / len(units), 1) if units and due else None,
            "on_time": round(100 * on_time / len(units), 1) if units and due else None,
        }
    return SubmissionGrid(units=units, periods=periods, cells=cells, rates=rates, today=today)


def review_queue(user: Any) -> QuerySet[ReportEntry]:
    """Submitted entries waiting for the user's department (all of them for an admin)."""
    from unionplan import policies

    entries = ReportEntry.objects.filter(state=EntryState.SUBMITTED)
    if not policies.is_admin(user):
        entries = entries.filter(task__leads__unit_id=user.unit_id)
    return (
        entries.select_related("report__unit", "report__period", "task")
        .prefetch_related(
            Prefetch("task__indicators", queryset=Indicator.objects.order_by("order")),
            "contributions",
            "attachments",
        )
        .order_by("submitted_at", "task__number")
        .distinct()
    )
