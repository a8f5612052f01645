"""Shared fixtures: the demo world (2024 plan, periods, one user per role) loaded once per run."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from departments.models import ApiToken, Unit, User
from departments.services import token_create
from exports.services import (
    export_job_request,
    report_job_fail,
    report_job_request,
    report_job_run,
)
from notifications.models import Notification
from reports.models import (
    Attachment,
    JobKind,
    ReportEntry,
    ReportingPeriod,
    ReportJob,
    UnitReport,
)
from reports.services import (
    EntryInput,
    attachment_add,
    entry_save,
    report_open,
    report_submit,
)
from tasks.models import Instruction, KeyTask, WorkPlan
from tasks.services import instruction_create
from unionplan.demo import demo_seed

# The roles of the permission matrix, relative to task 10 (lead: 权益部; participants: streets
# and industry unions).
ROLE_USERNAMES: dict[str, str | None] = {
    "anonymous": None,
    "reporter_other": "gangtou",  # community federation: takes no part in task 10
    "reporter": "bantian",  # 坂田街道总工会: takes part in task 10
    "staff_other": "zjb",  # 组建部: does not lead task 10
    "staff_lead": "qyb",  # 权益部: leads task 10
    "leader": "leader",
    "admin": "admin",
}
ROLES = tuple(ROLE_USERNAMES)


PNG_BYTES = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"
    b"\x00\x00\x00\x90wS\xde\x00\x00\x00\x0cIDATx\x9cc\xf8\xcf\xc0\x00\x00\x03\x01"
    b"\x01\x00\xc9\xfe\x92\xef\x00\x00\x00\x00IEND\xaeB`\x82"
)


def png(name: str = "现场照片.png") -> SimpleUploadedFile:
    """A real one-pixel PNG upload."""
    return SimpleUploadedFile(name, PNG_BYTES, content_type="image/png")


@dataclass
class World:
    plan: WorkPlan
    task: KeyTask  # task 10, the matrix's reference task

    def user(self, role: str) -> User | None:
        username = ROLE_USERNAMES[role]
        return None if username is None else User.objects.get(username=username)

    def period(self, number: int) -> ReportingPeriod:
        return self.plan.periods.get(kind="quarter", number=number)

    def open_instruction(self) -> Instruction:
        """A fresh unanswered instruction on task 10."""
        return instruction_create(
            task=self.task, user=self.user("leader"), text="请加快律师驻点建设。"
        )

    def report(self, *, period: int = 4, fill: bool = True, submit: bool = False) -> UnitReport:
        """坂田's report for a quarter: entries filled in (and submitted) by its reporter."""
        reporter = self.user("reporter")
        report = report_open(unit=reporter.unit, period=self.period(period), user=reporter)
        if fill:
            for entry in report.entries.select_related("task"):
                entry_save(
                    entry=entry,
                    user=reporter,
                    expected_version=entry.version,
                    data=EntryInput(narrative=f"坂田第{entry.task.number}项工作已开展。"),
                )
        if submit:
            report_submit(report=report, user=reporter)
        return report

    def entry(self, report: UnitReport) -> ReportEntry:
        """The report's entry for task 10 (lead: 权益部)."""
        return report.entries.get(task=self.task)

    def attachment(self, entry: ReportEntry | None = None) -> Attachment:
        """A PNG on task 10's entry of a draft report (or the given entry, added before submit)."""
        entry = entry or self.entry(self.report(period=3))
        return attachment_add(entry=entry, user=self.user("reporter"), upload=png())

    def submitted_attachment(self) -> Attachment:
        report = self.report(period=4)
        attachment = self.attachment(self.entry(report))
        report_submit(report=report, user=self.user("reporter"))
        return attachment

    def notification_for(self, role: str) -> Notification:
        user = self.user(role)
        assert user is not None
        return Notification.objects.create(user=user, title="测试通知", url="/reports/")

    def done_job(self) -> ReportJob:
        """A finished Q3 workbook requested by the leader."""
        job = report_job_request(period=self.period(3), user=self.user("leader"))
        return report_job_run(job.pk)

    def task_unit(self) -> Unit:
        """坂田街道总工会, the reporter's unit."""
        return Unit.objects.get(name="坂田街道总工会")

    def done_unit_job(self) -> ReportJob:
        """A finished Q3 unit workbook of 坂田 requested by the leader."""
        job = export_job_request(
            kind=JobKind.UNIT,
            period=self.period(3),
            user=self.user("leader"),
            unit=self.task_unit(),
        )
        return report_job_run(job.pk)

    def failed_job(self) -> ReportJob:
        job = report_job_request(period=self.period(3), user=self.user("leader"))
        report_job_fail(job.pk, "测试失败原因")
        return job

    def token_for(self, role: str) -> ApiToken:
        return token_create(user=self.user(role), name="测试")[0]

    def client(self, role: str) -> Client:
        client = Client()
        user = self.user(role)
        if user is not None:
            client.force_login(user)
        return client


@pytest.fixture(scope="session")
def _demo_world(django_db_setup, django_db_blocker):  # noqa: ANN001
    with django_db_blocker.unblock():
        demo_seed()


@pytest.fixture
def _demo_data(_demo_world, django_db_blocker):  # noqa: ANN001
    """seed_demo's data again where a transactional test of this process has emptied the tables
    since (they end by flushing them): one query when it is there."""
    with django_db_blocker.unblock():
        if not WorkPlan.objects.filter(year=2024).exists():
            demo_seed()


@pytest.fixture
def world(_demo_data, db) -> World:  # noqa: ANN001
    """The demo data of seed_demo, rolled back after each test."""
    plan = WorkPlan.objects.get(year=2024)
    return World(plan=plan, task=plan.tasks.get(number=10))


@pytest.fixture
def plan_text() -> str:
    from unionplan.demo import REFERENCE_PLAN

    return REFERENCE_PLAN.read_text(encoding="utf-8")


# --- real Celery workers ----------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent


def start_worker(name: str, **extra_env: str) -> subprocess.Popen:
    """A real Celery worker process on the real Redis broker, using the test database."""
    from django.conf import settings

    from unionplan.celery import app

    db = connection.settings_dict
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "unionplan.settings",
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15"),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        **extra_env,
    }
    (ROOT / "var").mkdir(exist_ok=True)
    suffix = os.environ.get("PYTEST_XDIST_WORKER", "")
    log_path = ROOT / "var" / f"celery-worker-{name}{'-' + suffix if suffix else ''}.log"
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
            f"{name}@%h",
        ],
        cwd=ROOT,
        env=env,
        stdout=log_path.open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"worker exited: {log_path.read_text()}")
        replies = app.control.ping(timeout=1) or []
        if any(name in key for reply in replies for key in reply):
            return process
    process.kill()
    pytest.fail("Celery worker did not answer within 60 s")


@pytest.fixture
def workers(transactional_db):  # noqa: ANN001
    """Start workers by name; all are stopped after the test."""
    from unionplan.celery import app

    app.control.purge()
    # Unacknowledged messages of workers killed in earlier runs would be restored by ours.
    with app.connection_for_write() as conn:
        conn.default_channel.client.delete("unacked", "unacked_index")
    started: list[subprocess.Popen] = []

    def start(name: str, **env: str) -> subprocess.Popen:
        process = start_worker(name, **env)
        started.append(process)
        return process

    yield start
    for process in started:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)


@pytest.fixture
def worker(workers):  # noqa: ANN001
    return workers("test")


@pytest.fixture
def demo_server(live_server, transactional_db):  # noqa: ANN001
    """The live server with seed_demo's data (transactional tests start from an empty database)."""
    from unionplan.demo import demo_seed

    demo_seed()
    return live_server


# --- order: the longest modules first -------------------------------------------------------

# The collection order: the two schemathesis halves (several minutes each) first, then the modules
# whose tests all run inside a rolled-back transaction, then the modules with transactional tests
# (live server, real workers), which empty the tables when they end. One process (TEST_WORKERS=0)
# runs in this order. Under the test command's two processes pytest-xdist hands out whole modules
# largest first instead (its default reordering), so the schemathesis halves run last, one per
# process; the world fixture makes seed_demo's data again wherever a flush came before.
LONGEST_FIRST = ("tests/test_schemathesis.py", "tests/test_schemathesis_staff.py")
TRANSACTIONAL = {"transactional_db", "live_server"}


@pytest.hookimpl(trylast=True)  # after pytest-django's own ordering
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def module(item: pytest.Item) -> str:
        return item.nodeid.split("::")[0]

    flushing = {module(i) for i in items if TRANSACTIONAL & set(getattr(i, "fixturenames", ()))}

    def rank(item: pytest.Item) -> int:
        path = module(item)
        if path in LONGEST_FIRST:
            return LONGEST_FIRST.index(path)
        return len(LONGEST_FIRST) + (path in flushing)

    items.sort(key=rank)  # stable: tests keep their order within each rank
