"""The plan's calendar: quarter dates, report due dates, and creating a plan year's periods."""

from __future__ import annotations

import calendar
import datetime as dt

from django.db import transaction

from tasks.models import QUARTER_NAMES, PeriodKind, ReportingPeriod, WorkPlan

# Units report within this many days after a period ends (federation's rule: the 10th day).
DUE_DAYS_AFTER_END = 10


def quarter_dates(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """First and last day of a quarter."""
    first_month = 3 * (quarter - 1) + 1
    last_month = first_month + 2
    return (
        dt.date(year, first_month, 1),
        dt.date(year, last_month, calendar.monthrange(year, last_month)[1]),
    )


def periods_ensure_quarters(*, plan: WorkPlan) -> list[ReportingPeriod]:
    """Create the plan year's four quarters with default dates; existing ones are left as set."""
    periods = []
    with transaction.atomic():
        for quarter in range(1, 5):
            start, end = quarter_dates(plan.year, quarter)
            period, _ = ReportingPeriod.objects.get_or_create(
                plan=plan,
                kind=PeriodKind.QUARTER,
                number=quarter,
                defaults={
                    "name": QUARTER_NAMES[quarter],
                    "start_date": start,
                    "end_date": end,
                    "opens_on": start,
                    "due_date": end + dt.timedelta(days=DUE_DAYS_AFTER_END),
                },
            )
            periods.append(period)
    return periods
