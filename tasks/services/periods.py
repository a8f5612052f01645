"""The plan's calendar: quarter and month dates, report due dates, creating a plan year's periods,
and the reporting rhythm (填报节奏) of a plan and of its tasks.

A plan always keeps its four quarters (the workbook, the dashboard and the quarterly figures stay
quarterly). When the plan or any of its tasks reports monthly, the plan also gets its twelve months.
A task's own rhythm (else the plan's) decides which periods its lead department updates and which
periods units report it in.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q

from departments.models import User
from history.models import EventKind, display_value, record_event
from history.recording import Source, recording
from tasks.models import (
    QUARTER_NAMES,
    KeyTask,
    PeriodKind,
    PlanStatus,
    ReportingPeriod,
    WorkPlan,
)
from unionplan import clock, policies

# Units report within this many days after a period ends (federation's rule: the 10th day).
DUE_DAYS_AFTER_END = 10
# A month's report is due on this day of the next month.
MONTH_DUE_DAY = 5
RHYTHM_LABELS = {PeriodKind.QUARTER: "按季度", PeriodKind.MONTH: "按月"}


def quarter_dates(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    """First and last day of a quarter."""
    first_month = 3 * (quarter - 1) + 1
    last_month = first_month + 2
    return (
        dt.date(year, first_month, 1),
        dt.date(year, last_month, calendar.monthrange(year, last_month)[1]),
    )


def month_dates(year: int, month: int) -> tuple[dt.date, dt.date]:
    """First and last day of a month."""
    return dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1])


def month_due_date(year: int, month: int) -> dt.date:
    """The 5th of the next month (December's: 5 January of the next year)."""
    if month == 12:
        return dt.date(year + 1, 1, MONTH_DUE_DAY)
    return dt.date(year, month + 1, MONTH_DUE_DAY)


# --- rhythm -------------------------------------------------------------------------------


def task_rhythm(task: KeyTask) -> str:
    """The kind of period a task is updated and reported in: its own rhythm, else its plan's."""
    return task.rhythm or task.plan.rhythm


def rhythm_q(kind: str, prefix: str = "") -> Q:
    """Tasks (through ``prefix``, e.g. "task__") whose effective rhythm is ``kind``."""
    return Q(**{f"{prefix}rhythm": kind}) | Q(
        **{f"{prefix}rhythm": "", f"{prefix}plan__rhythm": kind}
    )


def plan_reports_monthly(plan: WorkPlan) -> bool:
    """Whether the plan or any of its tasks reports monthly."""
    return (
        plan.rhythm == PeriodKind.MONTH
        or KeyTask.objects.filter(plan=plan, rhythm=PeriodKind.MONTH).exists()
    )


def periods_of_kind(periods: Iterable[ReportingPeriod], kind: str) -> list[ReportingPeriod]:
    """The periods of one kind, by date."""
    return sorted((p for p in periods if p.kind == kind), key=lambda p: p.start_date)


def periods_within(
    periods: Iterable[ReportingPeriod], outer: ReportingPeriod, kind: str = PeriodKind.MONTH
) -> list[ReportingPeriod]:
    """The periods of ``kind`` lying within ``outer`` (a quarter's months), by date."""
    return sorted(
        (
            p
            for p in periods
            if p.kind == kind and outer.start_date <= p.start_date and p.end_date <= outer.end_date
        ),
        key=lambda p: p.start_date,
    )


def periods_by_date(periods: Sequence[ReportingPeriod]) -> list[ReportingPeriod]:
    """Periods in calendar order: by end date, a month before the quarter it closes."""
    return sorted(periods, key=lambda p: (p.end_date, -p.start_date.toordinal()))


# --- creating periods ---------------------------------------------------------------------


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


def periods_ensure_months(*, plan: WorkPlan) -> list[ReportingPeriod]:
    """Create the plan year's twelve months (名称 "1月"…"12月", open from the month's first day,
    due the 5th of the next month); existing ones are left as set.

    A plan (or task) turning monthly in mid-year owes no reports for the months already past
    their due date: those months are not created (their quarters' reports covered them)."""
    today = clock.today()
    published = plan.status != PlanStatus.DRAFT
    periods = []
    with transaction.atomic():
        existing = {p.number: p for p in plan.periods.filter(kind=PeriodKind.MONTH)}
        for month in range(1, 13):
            if month in existing:
                periods.append(existing[month])
                continue
            if published and month_due_date(plan.year, month) < today:
                continue
            start, end = month_dates(plan.year, month)
            period, _ = ReportingPeriod.objects.get_or_create(
                plan=plan,
                kind=PeriodKind.MONTH,
                number=month,
                defaults={
                    "name": f"{month}月",
                    "start_date": start,
                    "end_date": end,
                    "opens_on": start,
                    "due_date": month_due_date(plan.year, month),
                },
            )
            periods.append(period)
    return periods


def periods_ensure(*, plan: WorkPlan, monthly: bool | None = None) -> list[ReportingPeriod]:
    """The plan's quarters, and its months when the plan or any task reports monthly (``monthly``:
    whether a task does, when the caller knows)."""
    periods = periods_ensure_quarters(plan=plan)
    if plan.rhythm == PeriodKind.MONTH or (
        plan_reports_monthly(plan) if monthly is None else monthly
    ):
        periods += periods_ensure_months(plan=plan)
    return periods


def _ensure_if_published(plan: WorkPlan) -> None:
    # A draft gets its periods when published (planning.services.editing.plan_publish).
    if plan.status != PlanStatus.DRAFT:
        periods_ensure(plan=plan)


def _valid_rhythm(rhythm: str, *, blank: bool) -> str:
    if rhythm in PeriodKind.values or (blank and rhythm == ""):
        return rhythm
    raise ValidationError({"rhythm": "请选择填报节奏。"})


def plan_rhythm_set(*, plan: WorkPlan, user: User | None, rhythm: str) -> WorkPlan:
    """Set the plan's reporting rhythm (按季度/按月); a published plan gets its months at once."""
    if user is not None and not policies.can(user, "plan.manage", plan):
        raise PermissionDenied("只有管理员可以设置填报节奏。")
    rhythm = _valid_rhythm(rhythm, blank=False)
    with (
        transaction.atomic(),
        recording(
            actor=user,
            source=Source.WEB,
            verb="编辑计划",
            summary=f"设置{plan.year}年工作要点的填报节奏",
            plan=plan,
            gathers=True,
        ),
    ):
        locked = WorkPlan.objects.select_for_update().get(pk=plan.pk)
        if locked.rhythm != rhythm:
            old = locked.rhythm
            locked.rhythm = rhythm
            locked.save(update_fields=["rhythm", "updated_at"])
            record_event(
                obj=locked,
                kind=EventKind.UPDATE,
                changes=[
                    [
                        "填报节奏",
                        display_value(RHYTHM_LABELS.get(PeriodKind(old), old)),
                        display_value(RHYTHM_LABELS[PeriodKind(rhythm)]),
                    ]
                ],
                plan_id=locked.pk,
            )
        _ensure_if_published(locked)
    plan.rhythm = locked.rhythm
    return locked


def task_rhythm_set(*, task: KeyTask, user: User | None, rhythm: str) -> KeyTask:
    """Set a task's own rhythm ("" follows the plan; "month"/"quarter"); audited on the task."""
    if user is not None and not policies.can(user, "plan.manage", task.plan):
        raise PermissionDenied("只有管理员可以设置填报节奏。")
    rhythm = _valid_rhythm(rhythm, blank=True)
    with (
        transaction.atomic(),
        recording(
            actor=user,
            source=Source.WEB,
            verb="编辑计划",
            summary=f"设置第{task.number}项重点工作的填报节奏",
            plan=task.plan,
            task=task,
            gathers=True,
        ),
    ):
        locked = KeyTask.objects.select_for_update().select_related("plan").get(pk=task.pk)
        if locked.rhythm != rhythm:
            locked.rhythm = rhythm
            locked.save()
        _ensure_if_published(locked.plan)
    task.rhythm = locked.rhythm
    return locked
