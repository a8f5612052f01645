"""Reminders (催报): the daily job, with a frozen clock, run by a real Celery worker."""

from __future__ import annotations

import datetime as dt
import io
import os
import signal
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from departments.models import Unit, User
from notifications.models import Notification
from reports.models import Reminder, ReminderKind, ReportingPeriod, ReportJob
from reports.services import expected_units, reminders_run

ROOT = Path(__file__).resolve().parents[2]
TWO_DAYS_BEFORE_Q4_DUE = dt.date(2025, 1, 8)  # Q4 2024 is due on 10 January 2025


def reminded_units(period) -> set[str]:  # noqa: ANN001
    return set(
        Reminder.objects.filter(period=period, kind=ReminderKind.AUTO).values_list(
            "unit__name", flat=True
        )
    )


def test_reminders_go_to_exactly_the_units_that_have_not_submitted(world):
    q4 = world.period(4)
    world.report(period=4, submit=True)  # 坂田 has submitted
    result = reminders_run(today=TWO_DAYS_BEFORE_Q4_DUE)
    expected = {u.name for u in expected_units(world.plan)} - {"坂田街道总工会"}
    assert reminded_units(q4) == expected and result["reminded_units"] == len(expected)
    assert Notification.objects.filter(user__username="pinghu", title__contains="催报").exists()
    assert not Notification.objects.filter(user__username="bantian").exists()
    # Community federations take part in no 2024 task: nobody asks them to report.
    assert "岗头社区工联会" not in expected


def test_a_second_run_the_same_day_sends_nothing_new(world):
    reminders_run(today=TWO_DAYS_BEFORE_Q4_DUE)
    count = Notification.objects.count()
    again = reminders_run(today=TWO_DAYS_BEFORE_Q4_DUE)
    assert again == {"reminded_units": 0, "overdue_units": 0, "notifications": 0}
    assert Notification.objects.count() == count


def test_nothing_is_sent_long_before_the_due_date(world):
    assert reminders_run(today=dt.date(2024, 11, 15))["reminded_units"] == 0


def test_after_the_due_date_leaders_and_departments_get_the_overdue_list(world):
    world.report(period=4, submit=True)
    result = reminders_run(today=dt.date(2025, 1, 12))
    assert result["overdue_units"] == expected_units(world.plan).count() - 1
    notice = Notification.objects.get(user__username="leader", title="逾期未报单位")
    assert "平湖" in notice.body and "坂田" not in notice.body
    assert Notification.objects.filter(user__username="qyb", title="逾期未报单位").exists()


def test_staff_reminder_by_hand_is_recorded_and_notifies_the_unit(world):
    client = world.client("staff_lead")
    unit = Unit.objects.get(name="平湖街道总工会")
    response = client.post("/reports/remind/", {"period": world.period(4).pk, "unit": unit.pk})
    assert response.status_code == 302
    reminder = Reminder.objects.get(kind=ReminderKind.MANUAL, unit=unit)
    assert reminder.sent_by.username == "qyb"
    notice = Notification.objects.get(user__username="pinghu", title="催报")
    assert "权益部 工作人员提醒" in notice.body
    html = world.client("reporter_other").get("/notifications/").content.decode()
    assert "测试" not in html  # another unit's reporter sees none of it


@pytest.mark.worker
def test_the_daily_job_runs_in_a_real_worker_with_a_frozen_clock(worker):
    from reports.jobs import send_deadline_reminders
    from unionplan.demo import demo_seed

    demo_seed()
    from tasks.models import WorkPlan
    from tests.conftest import World

    plan = WorkPlan.objects.get(year=2024)
    world = World(plan=plan, task=plan.tasks.get(number=10))
    world.report(period=4, submit=True)
    result = send_deadline_reminders.delay(today=TWO_DAYS_BEFORE_Q4_DUE.isoformat()).get(
        timeout=120
    )
    expected = {u.name for u in expected_units(plan)} - {"坂田街道总工会"}
    assert result["reminded_units"] == len(expected)
    assert reminded_units(world.period(4)) == expected
    reporters = User.objects.filter(role="reporter", unit__name__in=expected)
    assert set(
        Notification.objects.filter(title="填报提醒（催报）").values_list(
            "user__username", flat=True
        )
    ) == set(reporters.values_list("username", flat=True))


def wait_for(job_id: int, statuses: set[str], timeout: float = 120) -> ReportJob:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        job = ReportJob.objects.get(pk=job_id)
        if job.status in statuses:
            return job
        time.sleep(0.05)
    raise AssertionError(f"job {job_id} still {job.status} after {timeout} s")


@pytest.mark.worker
def test_a_workbook_requested_in_the_browser_is_built_by_a_real_worker(worker, settings):
    from django.test import Client

    from unionplan.demo import demo_seed

    demo_seed()
    leader = User.objects.get(username="leader")
    client = Client()
    client.force_login(leader)
    q3 = ReportingPeriod.objects.get(plan__year=2024, number=3)
    response = client.post("/reports/jobs/", {"period": q3.pk})
    assert response.status_code == 302
    job = wait_for(ReportJob.objects.latest("pk").pk, {"done", "failed"})
    assert job.status == "done", job.error
    page = client.get("/reports/jobs/").content.decode()
    assert f"/reports/jobs/{job.pk}/download/" in page
    download = client.get(f"/reports/jobs/{job.pk}/download/")
    wb = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    ws = wb["总表"]
    assert wb["封面"]["A1"].value == "龙岗区总工会2024年重点工作第三季度推进情况表"
    row = next(r[0].row for r in ws.iter_rows(min_row=4) if r[0].value == 8)
    assert ws.cell(row, 8).value == "严重滞后"
    assert ws.cell(row, 8).fill.fgColor.rgb.endswith("C0392B")
    assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$1:$3"


@pytest.mark.worker
def test_a_worker_killed_mid_job_leaves_it_to_finish_exactly_once(workers):
    from dashboard.benchdata import build_dataset
    from departments.services import units_ensure_reference
    from exports.services import report_job_request, report_jobs_sweep

    units_ensure_reference()  # a transactional test starts from an empty database
    data = build_dataset(plans=1, tasks_per_plan=40, units=300, report_years=1)
    leader = User.objects.create(username="kill-test-leader", role="leader")
    period = data.plans[-1].periods.get(number=1)
    first = workers("doomed")
    job = report_job_request(period=period, user=leader)  # committed: enqueued at once
    wait_for(job.pk, {"running", "done"}, timeout=60)
    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=30)
    job.refresh_from_db()
    assert job.status == "running" and not job.file, "the job finished before the kill"
    workers("rescuer", UNIONPLAN_BROKER_VISIBILITY_TIMEOUT="1")
    report_jobs_sweep(stale_after=dt.timedelta(seconds=0))  # the periodic sweeper's work
    job = wait_for(job.pk, {"done", "failed"})
    assert job.status == "done", job.error
    assert job.attempts >= 2
    time.sleep(3)  # let a second delivery (broker restore and sweeper) run to its end
    job.refresh_from_db()
    assert job.status == "done"
    files = list(
        (Path(job.file.storage.location) / "private" / "exports" / str(period.plan.year)).glob(
            f"job-{job.pk}*"
        )
    )
    assert len(files) == 1
    assert Notification.objects.filter(user=leader, title__contains="已生成").count() == 1
