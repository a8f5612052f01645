"""Reads of 待办: what waits for a department's staff (or, for administrators, for every
department and for the system itself), each part in a fixed number of queries."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, F, Min, OuterRef, Prefetch, QuerySet, Subquery
from django.urls import reverse

from departments.models import Unit, User
from reports.models import EntryState, JobStatus, ReportEntry, ReportJob
from reports.selectors import reviewable_entries, submission_grid
from tasks.models import (
    Instruction,
    InstructionState,
    KeyTask,
    PlanStatus,
    ProgressStatus,
    ProgressUpdate,
    ReportingPeriod,
    TaskLead,
    TaskParticipant,
    WorkPlan,
)
from tasks.selectors import instructions_open_for, period_current, plan_current
from tasks.services.periods import rhythm_q
from unionplan import policies

# How many rows a section lists before it says "and N more" and links to the full list.
SECTION_LIMIT = 20


@dataclass
class ReviewGroup:
    """One unit report's entries waiting for one department's review."""

    report_id: int
    unit_name: str
    period_label: str
    departments: list[str]  # for administrators: the departments whose review it waits for
    count: int
    since: dt.datetime | None

    @property
    def url(self) -> str:
        return f"{reverse('reports:review_list')}?report={self.report_id}"


@dataclass
class InstructionItem:
    """An open instruction with how many days it is past its deadline (0 when not)."""

    instruction: Instruction
    overdue_days: int


@dataclass
class LatePeriod:
    """Units that owe one past-due period's report (the period still takes submissions)."""

    period: ReportingPeriod
    days_overdue: int
    units: list[Unit]


@dataclass
class SystemHealth:
    """What an administrator keeps running: failed exports, periods to lock, accounts, units."""

    failed_jobs: list[ReportJob]
    failed_job_count: int
    periods_to_lock: list[ReportingPeriod]
    users: int
    units: int


@dataclass
class Todo:
    """The 待办 page: each section's rows and its full count."""

    department: Unit | None  # None: every department (administrators)
    plan: WorkPlan | None
    period: ReportingPeriod | None  # the current period, for 本期未更新
    today: dt.date
    reviews: list[ReviewGroup] = field(default_factory=list)
    review_count: int = 0
    reviews_more: int = 0  # unit reports waiting beyond those listed
    instructions: list[InstructionItem] = field(default_factory=list)
    stale_tasks: list[KeyTask] = field(default_factory=list)
    returned: list[ReportEntry] = field(default_factory=list)
    returned_count: int = 0
    late: list[LatePeriod] = field(default_factory=list)
    health: SystemHealth | None = None

    @property
    def instruction_count(self) -> int:
        return len(self.instructions)

    @property
    def stale_count(self) -> int:
        return len(self.stale_tasks)

    @property
    def late_count(self) -> int:
        return sum(len(p.units) for p in self.late)

    @property
    def returned_late_count(self) -> int:
        return self.returned_count + self.late_count

    @property
    def returned_more(self) -> int:
        """Returned entries beyond those listed."""
        return self.returned_count - len(self.returned)

    @property
    def total(self) -> int:
        return (
            self.review_count + self.instruction_count + self.stale_count + self.returned_late_count
        )


def waiting_review_entries(user: Any) -> QuerySet[ReportEntry]:
    """Submitted entries waiting for the user's review (the review list's default filter)."""
    return reviewable_entries(user).filter(state=EntryState.SUBMITTED)


def waiting_review_count(user: Any) -> int:
    """How many entries wait for the user's review, in one query (the 审核 badge)."""
    if not policies.can(user, "review.list"):
        return 0
    return waiting_review_entries(user).count()


def instruction_badge(user: Any) -> tuple[int, str]:
    """The 领导批示 badge in one query: for leaders their answered instructions waiting to be
    read (追问 or 办结); for staff the open ones on their department's tasks; for administrators
    every open one. Returns the count and what it counts."""
    visible = policies.instructions_visible_to(user)
    if policies.is_leader(user) and not policies.is_admin(user):
        count = visible.filter(author=user, state=InstructionState.ANSWERED).count()
        return count, f"{count} 条批示已答复，待您阅处（追问或办结）"
    if policies.is_admin(user) or policies.can(user, "todo.view"):
        count = instructions_open_for(user, visible).count()
        return count, f"{count} 条批示待办理"
    return 0, ""


def _reviews(user: Any, with_departments: bool) -> tuple[list[ReviewGroup], int, int]:
    # One row per unit report, oldest submission first; administrators also see which
    # departments' reviews it waits for (an entry on a co-led task waits for each lead).
    entries = waiting_review_entries(user)
    rows = list(
        entries.values(
            "report_id", "report__unit__name", "report__period__plan__year", "report__period__name"
        )
        .annotate(n=Count("pk"), since=Min("report__submitted_at"))
        .order_by("since", "report_id")
    )
    shown = rows[:SECTION_LIMIT]
    departments: dict[int, list[str]] = {}
    if with_departments and shown:
        pairs = (
            entries.filter(report_id__in=[r["report_id"] for r in shown])
            .values_list("report_id", "task__leads__unit__name")
            .distinct()
            .order_by("report_id", "task__leads__unit__name")
        )
        for report_id, name in pairs:
            if name:
                departments.setdefault(report_id, []).append(name)
    groups = [
        ReviewGroup(
            report_id=r["report_id"],
            unit_name=r["report__unit__name"],
            period_label=f"{r['report__period__plan__year']}年{r['report__period__name']}",
            departments=departments.get(r["report_id"], []),
            count=r["n"],
            since=r["since"],
        )
        for r in shown
    ]
    return groups, sum(r["n"] for r in rows), len(rows) - len(shown)


def _instructions(user: Any, today: dt.date) -> list[InstructionItem]:
    open_ = (
        instructions_open_for(user, policies.instructions_visible_to(user))
        .prefetch_related(Prefetch("task__leads", queryset=TaskLead.objects.select_related("unit")))
        .order_by(F("deadline").asc(nulls_last=True), "created_at", "pk")
    )
    return [
        InstructionItem(
            instruction=i,
            overdue_days=(today - i.deadline).days if i.deadline and i.deadline < today else 0,
        )
        for i in open_
    ]


def _stale_tasks(tasks: QuerySet[KeyTask], period: ReportingPeriod) -> list[KeyTask]:
    # A task finished in an earlier period needs no new update; the latest update says so.
    latest = ProgressUpdate.objects.filter(task=OuterRef("pk")).order_by("-period__end_date", "-pk")
    return list(
        tasks.filter(rhythm_q(period.kind))  # the tasks updated by this kind of period
        .exclude(updates__period=period)
        .annotate(
            last_status=Subquery(latest.values("status")[:1]),
            last_percent=Subquery(latest.values("percent")[:1]),
            last_period=Subquery(latest.values("period__name")[:1]),
        )
        .exclude(last_status=ProgressStatus.DONE)
        .prefetch_related(Prefetch("leads", queryset=TaskLead.objects.select_related("unit")))
        .order_by("number")
    )


def _returned(user: Any) -> tuple[list[ReportEntry], int]:
    entries = reviewable_entries(user).filter(state=EntryState.RETURNED)
    rows = list(
        entries.select_related("report__unit", "report__period__plan", "task", "reviewed_by")
        .prefetch_related(Prefetch("task__leads", queryset=TaskLead.objects.select_related("unit")))
        .order_by("reviewed_at", "pk")[:SECTION_LIMIT]
    )
    return rows, entries.count()


def _late(plan: WorkPlan, tasks: QuerySet[KeyTask], today: dt.date) -> list[LatePeriod]:
    grid = submission_grid(plan, today)
    involved = set(TaskParticipant.objects.filter(task__in=tasks).values_list("unit_id", flat=True))
    late = []
    # Newest period first: it is the one reminders are about; a locked period takes no reports.
    for period in sorted(grid.periods, key=lambda p: p.due_date, reverse=True):
        if period.is_locked or today <= period.due_date:
            continue
        units = [
            u
            for u in grid.units
            if u.pk in involved and grid.cells[(u.pk, period.pk)]["state"] == "overdue"
        ]
        if units:
            late.append(
                LatePeriod(period=period, days_overdue=(today - period.due_date).days, units=units)
            )
    return late


def system_health(today: dt.date) -> SystemHealth:
    """Failed export jobs, past-due periods not yet locked, and active accounts and units."""
    failed = ReportJob.objects.filter(status=JobStatus.FAILED)
    return SystemHealth(
        failed_jobs=list(
            failed.select_related("period__plan", "requested_by", "department").order_by(
                "-created_at", "-pk"
            )[:SECTION_LIMIT]
        ),
        failed_job_count=failed.count(),
        periods_to_lock=list(
            ReportingPeriod.objects.filter(is_locked=False, due_date__lt=today)
            .select_related("plan")
            .order_by("due_date", "pk")
        ),
        users=User.objects.filter(is_active=True).count(),
        units=Unit.objects.filter(is_active=True).count(),
    )


def todo_for(user: User, today: dt.date) -> Todo:
    """The user's 待办: their department's work (staff) or every department's and the system's
    (administrators). The caller has checked "todo.view"."""
    admin = policies.is_admin(user)
    department = None if admin else policies.unit_of(user)
    plan = plan_current(policies.plans_visible_to(user))
    todo = Todo(department=department, plan=plan, period=None, today=today)
    todo.reviews, todo.review_count, todo.reviews_more = _reviews(user, with_departments=admin)
    todo.instructions = _instructions(user, today)
    todo.returned, todo.returned_count = _returned(user)
    if plan is not None and plan.status == PlanStatus.ACTIVE:
        tasks = policies.tasks_visible_to(user).filter(plan=plan)
        if department is not None:
            tasks = tasks.filter(leads__unit=department)
        tasks = KeyTask.objects.filter(pk__in=tasks.values("pk"))
        todo.period = period_current(plan, today)
        if todo.period is not None:
            todo.stale_tasks = _stale_tasks(tasks, todo.period)
        todo.late = _late(plan, tasks, today)
    if admin:
        todo.health = system_health(today)
    return todo
