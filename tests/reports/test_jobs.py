"""Reminders (催报): the daily job, with a frozen clock, run by a real Celery worker."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.db import connection

from departments.models import Unit, User
from notifications.models import Notification
from reports.models import Reminder, ReminderKind
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


@pytest.fixture
def worker(transactional_db):  # noqa: ANN001
    """A real Celery worker process on the real Redis broker, using the test database."""
    from unionplan.celery import app

    app.control.purge()
    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "unionplan.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15"),
    }
    (ROOT / "var").mkdir(exist_ok=True)
    log = open(ROOT / "var" / "celery-worker-test.log", "w")  # noqa: SIM115
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "unionplan",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "--without-gossip",
            "--without-mingle",
            "-n",
            "test@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if app.control.ping(timeout=1):
            break
        if process.poll() is not None:
            pytest.fail(f"worker exited: {(ROOT / 'var' / 'celery-worker-test.log').read_text()}")
    else:
        process.terminate()
        pytest.fail("Celery worker did not answer within 60 s")
    yield process
    process.terminate()
    process.wait(timeout=30)
    log.close()


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
