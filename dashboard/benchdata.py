"""A synthetic city-scale data set for the benchmark and the query-count tests.

Written with bulk inserts (synthetic data, not user changes, so it leaves no history); callers run
it inside a transaction they roll back, so nothing of it stays in the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from departments.models import Unit, UnitKind
from reports.models import (
    Contribution,
    EntryState,
    PeriodKind,
    ReportEntry,
    ReportingPeriod,
    UnitReport,
)
from tasks.models import (
    Indicator,
    IndicatorAllocation,
    IndicatorKind,
    KeyTask,
    PlanStatus,
    ProgressUpdate,
    Section,
    TaskLead,
    TaskParticipant,
    WorkPlan,
)
from tasks.services import DUE_DAYS_AFTER_END, quarter_dates


@dataclass
class Dataset:
    plans: list[WorkPlan]
    units: list[Unit]
    rows: dict[str, int]


def build_dataset(
    *,
    first_year: int = 2080,
    plans: int = 10,
    tasks_per_plan: int = 40,
    units: int = 100,
    report_years: int = 5,
) -> Dataset:
    """Plans of tasks with leads, participants, indicators, allocations, quarterly updates, and for
    the last ``report_years`` plans every unit's four quarterly reports with contributions."""
    rows: dict[str, int] = {}
    departments = list(Unit.objects.filter(kind=UnitKind.DEPARTMENT).order_by("sort_order"))
    if not departments:  # an emptied database (migrations create the federation's own)
        departments = Unit.objects.bulk_create(
            Unit(name=f"基准部室{first_year}-{n}", kind=UnitKind.DEPARTMENT, sort_order=n)
            for n in range(6)
        )
    bench_units = Unit.objects.bulk_create(
        Unit(
            name=f"基准街道{first_year}-{n:03d}",
            short_name=f"基准{n}",
            kind=UnitKind.STREET,
            sort_order=1000 + n,
        )
        for n in range(units)
    )
    rows["units"] = len(bench_units)
    all_plans = []
    for index in range(plans):
        year = first_year + index
        active = index == plans - 1
        plan = WorkPlan.objects.create(
            year=year,
            title=f"基准{year}年工作要点",
            framework="123430",
            status=PlanStatus.ACTIVE if active else PlanStatus.ARCHIVED,
        )
        all_plans.append(plan)
        sections = Section.objects.bulk_create(
            Section(plan=plan, number=n + 1, numeral="一二三四五"[n], title=f"第{n + 1}板块")
            for n in range(5)
        )
        tasks = KeyTask.objects.bulk_create(
            KeyTask(
                plan=plan,
                section=sections[n % 5],
                number=n + 1,
                title=f"基准工作{n + 1}",
                description=f"基准工作{n + 1}。内容。",
                participants_text="各街道总工会",
                due_date=dt.date(year, 12, 31),
                node_targets=[],
            )
            for n in range(tasks_per_plan)
        )
        TaskLead.objects.bulk_create(
            TaskLead(task=t, unit=departments[n % len(departments)], order=0)
            for n, t in enumerate(tasks)
        )
        TaskParticipant.objects.bulk_create(
            TaskParticipant(task=t, unit=u, group="各街道总工会")
            for t in tasks
            for u in bench_units
        )
        indicators = Indicator.objects.bulk_create(
            Indicator(
                task=t,
                order=k,
                name=f"指标{k}",
                kind=kind,
                measure_unit=unit,
                comparator="gte",
                target=target,
            )
            for t in tasks
            for k, (kind, unit, target) in enumerate(
                [
                    (IndicatorKind.COUNT, "场", Decimal(units * 4)),
                    (IndicatorKind.RATE, "%", Decimal(90)),
                ]
            )
        )
        counts = [i for i in indicators if i.kind == IndicatorKind.COUNT]
        IndicatorAllocation.objects.bulk_create(
            IndicatorAllocation(indicator=i, unit=u, target=Decimal(4))
            for i in counts
            for u in bench_units
        )
        periods = []
        for quarter in range(1, 5):
            start, end = quarter_dates(year, quarter)
            periods.append(
                ReportingPeriod(
                    plan=plan,
                    kind=PeriodKind.QUARTER,
                    number=quarter,
                    name=f"第{quarter}季度",
                    start_date=start,
                    end_date=end,
                    opens_on=start,
                    due_date=end + dt.timedelta(days=DUE_DAYS_AFTER_END),
                )
            )
        periods = ReportingPeriod.objects.bulk_create(periods)
        ProgressUpdate.objects.bulk_create(
            ProgressUpdate(
                task=t,
                period=p,
                percent=min(100, 20 * q + t.number % 15),
                progress="基准进展。",
                version=1,
            )
            for t in tasks
            for q, p in enumerate(periods, start=1)
        )
        if index >= plans - report_years:
            _reports(periods, tasks, counts, bench_units, rows)
        for name, n in (("tasks", len(tasks)), ("indicators", len(indicators))):
            rows[name] = rows.get(name, 0) + n
    rows["plans"] = len(all_plans)
    return Dataset(plans=all_plans, units=bench_units, rows=rows)


def _reports(
    periods: list[ReportingPeriod],
    tasks: list[KeyTask],
    counts: list[Indicator],
    units: list[Unit],
    rows: dict[str, int],
) -> None:
    count_of = {i.task_id: i for i in counts}
    reports = UnitReport.objects.bulk_create(
        UnitReport(
            unit=u,
            period=p,
            is_late=(u.sort_order % 7 == 0),
            submitted_at=dt.datetime.combine(p.due_date, dt.time(9), tzinfo=dt.UTC),
        )
        for p in periods
        for u in units
    )
    states = [EntryState.APPROVED] * 7 + [EntryState.SUBMITTED] * 2 + [EntryState.RETURNED]
    entries = ReportEntry.objects.bulk_create(
        ReportEntry(report=r, task=t, narrative="基准填报。", state=states[(r.pk + t.pk) % 10])
        for r in reports
        for t in tasks
    )
    Contribution.objects.bulk_create(
        Contribution(entry=e, indicator=count_of[e.task_id], value=Decimal(1)) for e in entries
    )
    rows["reports"] = rows.get("reports", 0) + len(reports)
    rows["entries"] = rows.get("entries", 0) + len(entries)
