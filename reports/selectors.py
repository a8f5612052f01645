"""Reads of reporting periods."""

from __future__ import annotations

import datetime as dt

from reports.models import ReportingPeriod
from tasks.models import WorkPlan


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
