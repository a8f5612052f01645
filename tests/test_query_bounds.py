"""Every list page and list endpoint reads the same number of queries whatever the data size.

Each page is requested, as the role that sees the most of it, on a small synthetic plan
(``dashboard.benchdata``: 3 tasks × 3 units, 36 entries) and on the same at 10× the tasks and
units (30 tasks × 30 units, 3,600 entries; each task with an instruction and a notification to
the leader, each unit with a workbook job). The count of the first request (cold
caches) and of a second one (warm) must be equal at both sizes and stay under the bound stated
below, so that an N+1 query fails this module, not a user on the day reports are due.

Both data sets are built, measured and rolled back once for the module (a few seconds).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dashboard.benchdata import build_dataset
from departments.models import Role, Unit, UnitKind, User
from notifications.models import Notification
from reports.models import EntryState, JobKind, ReportEntry, ReportJob, UnitReport
from tasks.models import KeyTask
from tasks.services import instruction_create
from unionplan import clock, idle

YEAR = 2080
TODAY = dt.date(YEAR, 10, 20)  # Q3 due, Q4 open: every page has something current to show
SMALL = {"tasks_per_plan": 3, "units": 3}
LARGE = {"tasks_per_plan": 30, "units": 30}
# Entry states by task and unit (the data set's own depend on row ids, which differ run to
# run): every report and every task then has entries in each state, at both sizes.
STATES = [EntryState.SUBMITTED, EntryState.APPROVED, EntryState.RETURNED]

# (name, role, url template, bound on queries). The bound is today's count with two queries of
# room; what matters most is that 1× and 10× are equal. The goal for the task list and
# the dashboard is 12 (the task figures' cache is to bring them there).
PAGES: list[tuple[str, str, str, int]] = [
    # HTML pages
    ("任务列表 /tasks/", "leader", "/tasks/?year={year}", 16),
    ("驾驶舱 /dashboard/", "leader", "/dashboard/?year={year}", 22),
    ("待办 /todo/ 部室", "staff", "/todo/", 22),
    ("待办 /todo/ 管理员", "admin", "/todo/", 27),
    ("审核 /reviews/", "staff", "/reviews/", 16),
    ("审核 /reviews/ 全部状态", "staff", "/reviews/?state=all", 16),
    ("审核 /reviews/ 一个周期", "staff", "/reviews/?period={period}&state=all", 16),
    ("审核 /reviews/ 管理员", "admin", "/reviews/?state=all", 15),
    ("按报表审核", "staff", "/reviews/reports/{report}/", 13),
    ("报送情况 /reports/grid/", "leader", "/reports/grid/?year={year}", 12),
    ("领导批示 /instructions/", "leader", "/instructions/", 12),
    ("填报工作台 /reports/", "reporter", "/reports/", 31),
    ("单位报表", "reporter", "/reports/{report}/", 24),
    ("任务页 领导", "leader", "/tasks/{task}/", 23),
    ("任务页 牵头部室", "staff", "/tasks/{task}/", 30),
    ("任务页 第二页单位填报", "leader", "/tasks/{task}/?entries_page=2", 23),
    ("工作要点 /plans/<year>/", "leader", "/plans/{year}/", 15),
    ("计划管理 /plans/manage/", "admin", "/plans/manage/", 8),
    # +1: the plan years of the 年度工作总结初稿 card's year select
    ("报表任务 /reports/jobs/", "leader", "/reports/jobs/", 13),
    ("通知 /notifications/", "leader", "/notifications/", 8),
    # API list endpoints (and the task itself, which lists its participants)
    ("API tasks", "leader", "/api/v1/tasks/?plan__year={year}", 8),
    ("API task", "leader", "/api/v1/tasks/{task}/", 8),
    ("API sections", "leader", "/api/v1/sections/?plan__year={year}", 6),
    ("API indicators", "leader", "/api/v1/indicators/?task__plan__year={year}", 6),
    ("API progress-updates", "leader", "/api/v1/progress-updates/?task__plan__year={year}", 7),
    ("API instructions", "leader", "/api/v1/instructions/?task__plan__year={year}", 8),
    ("API periods", "leader", "/api/v1/periods/?plan__year={year}", 6),
    ("API reports", "leader", "/api/v1/reports/?period__plan__year={year}", 7),
    ("API reports 填报员", "reporter", "/api/v1/reports/", 7),
    ("API entries", "leader", "/api/v1/entries/?report__period={period}", 10),
    ("API entries 部室", "staff", "/api/v1/entries/", 9),
    ("API entries 填报员", "reporter", "/api/v1/entries/", 9),
    ("API units", "leader", "/api/v1/units/", 6),
    ("API people", "admin", "/api/v1/people/", 6),
    ("API report-jobs", "leader", "/api/v1/report-jobs/", 6),
    ("API notifications", "leader", "/api/v1/notifications/", 6),
    ("API submission-grid", "leader", "/api/v1/submission-grid/?year={year}", 9),
    ("API dashboard", "leader", "/api/v1/dashboard/?year={year}", 12),
]


DUMP = False


# What a page must show at both sizes, so that an empty page cannot pass for a bounded one.
MARKERS: dict[str, str] = {
    "审核 /reviews/": 'data-testid="review-entry"',
    "审核 /reviews/ 全部状态": 'data-testid="review-entry"',
    "审核 /reviews/ 一个周期": 'data-state="returned"',
    "按报表审核": 'data-testid="review-entry"',
    "报送情况 /reports/grid/": "基准街道2080-001",
    "领导批示 /instructions/": "请加快第",
    "任务页 领导": 'data-testid="unit-entries"',
    "任务页 牵头部室": 'data-testid="unit-entries"',
    "报表任务 /reports/jobs/": "基准街道2080-0",
    "通知 /notifications/": "通知1",
    "API entries": '"state":"returned"',
    "API instructions": "请加快第1项工作",
}


class Rollback(Exception):
    """Raised to undo a measured data set."""


@dataclass(frozen=True)
class Counts:
    cold: int
    warm: int
    status: int
    shows: bool  # the page's marker (if it has one) is in the answer


def _clients(units: list[Unit], size: str) -> dict[str, Client]:
    department = (
        Unit.objects.filter(kind=UnitKind.DEPARTMENT).order_by("sort_order").first()
    )  # leads tasks 1, 7, 13, 19 of the set
    people = {
        "leader": User(username=f"qb-leader-{size}", role=Role.LEADER),
        "admin": User(username=f"qb-admin-{size}", role=Role.ADMIN),
        "staff": User(username=f"qb-staff-{size}", role=Role.STAFF, unit=department),
        "reporter": User(username=f"qb-reporter-{size}", role=Role.REPORTER, unit=units[0]),
    }
    clients = {}
    for role, person in people.items():
        person.set_unusable_password()
        person.save()
        client = Client()
        client.force_login(person)
        clients[role] = client
    return clients


def _grow(plan: Any, units: list[Unit], leader: User) -> None:
    """What the benchmark set lacks: an instruction and a notification per task, a unit
    workbook job per unit; and entry states that do not depend on row ids."""
    tasks = list(KeyTask.objects.filter(plan=plan).prefetch_related("leads"))
    for task in tasks:
        instruction_create(task=task, user=leader, text=f"请加快第{task.number}项工作。")
    Notification.objects.bulk_create(
        Notification(user=leader, title=f"通知{task.number}", url=task.get_absolute_url())
        for task in tasks
    )
    order = {unit.pk: index for index, unit in enumerate(units)}
    entries = list(
        ReportEntry.objects.filter(report__period__plan=plan).select_related("task", "report")
    )
    for entry in entries:
        entry.state = STATES[(entry.task.number - 1 + order[entry.report.unit_id]) % 3]
        entry.return_reason = "请补充佐证材料。" if entry.state == EntryState.RETURNED else ""
    ReportEntry.objects.bulk_update(entries, ["state", "return_reason"], batch_size=1000)
    period = plan.periods.get(number=3)
    ReportJob.objects.bulk_create(
        ReportJob(period=period, kind=JobKind.UNIT, unit=unit, requested_by=leader)
        for unit in units
    )


def _measure(size: str, arguments: dict[str, int]) -> dict[str, Counts]:
    counts: dict[str, Counts] = {}
    try:
        with transaction.atomic(), clock.frozen(TODAY):
            data = build_dataset(first_year=YEAR, plans=1, report_years=1, **arguments)
            clients = _clients(data.units, size)
            plan = data.plans[0]
            _grow(plan, data.units, User.objects.get(username=f"qb-leader-{size}"))
            period = plan.periods.get(number=3)
            staff_unit = User.objects.get(username=f"qb-staff-{size}").unit
            values = {
                "year": YEAR,
                "period": period.pk,
                "report": UnitReport.objects.get(unit=data.units[0], period=period).pk,
                "task": KeyTask.objects.get(plan=plan, leads__unit=staff_unit, number=1).pk,
            }
            for name, role, url, _bound in PAGES:
                client = clients[role]
                address = url.format(**values)
                with CaptureQueriesContext(connection) as cold:
                    response = client.get(address)
                with CaptureQueriesContext(connection) as warm:
                    client.get(address)
                if DUMP:
                    print(name, size, *(q["sql"][:200] for q in cold.captured_queries), sep="\n  ")
                counts[name] = Counts(
                    len(cold.captured_queries),
                    len(warm.captured_queries),
                    response.status_code,
                    MARKERS.get(name, "") in response.content.decode(),
                )
            raise Rollback
    except Rollback:
        pass
    return counts


@pytest.fixture(scope="module")
def measured(django_db_setup, django_db_blocker) -> dict[str, dict[str, Counts]]:  # noqa: ANN001
    """Query counts of every page at 1× and at 10×, measured once for the module."""
    # The idle sign-out writes the session at most every 15 s (unionplan/idle.py): a measurement
    # slowed by a busy machine would count that write on whichever page it falls. Not what is
    # measured here, so it is held off.
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as patch:
        patch.setattr(idle, "_write_every", lambda: float("inf"))
        # Once, discarded: what a process reads only once (Django's content types, say) falls
        # here, whichever tests this process ran before, not on the first size measured.
        _measure("warm-up", SMALL)
        return {"1x": _measure("1x", SMALL), "10x": _measure("10x", LARGE)}


@pytest.mark.parametrize(
    ("name", "bound"), [(p[0], p[3]) for p in PAGES], ids=[p[0] for p in PAGES]
)
def test_list_reads_the_same_queries_at_ten_times_the_data(measured, name, bound):
    small, large = measured["1x"][name], measured["10x"][name]
    assert small.status == large.status == 200, (small, large)
    assert small.shows and large.shows, f"{name} does not show {MARKERS[name]!r}: {small} {large}"
    assert (large.cold, large.warm) == (small.cold, small.warm), (
        f"{name}: 1× {small.cold}/{small.warm} queries (cold/warm), 10× {large.cold}/{large.warm}"
    )
    assert max(large.cold, large.warm) <= bound, f"{name}: {large.cold}/{large.warm} > {bound}"
