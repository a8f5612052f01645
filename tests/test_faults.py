"""Faults caused for real, and survived: Redis dies with workbook jobs queued and comes back empty,
PostgreSQL drops every connection while the web tier and a worker are busy, and a job runs past a
worker's time limit. Each test starts its own Redis, gunicorn and Celery processes and stops them
(no mocks of the database, the queue or the worker)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg2
import pytest
import requests
from django.conf import settings
from django.db import connection
from django.test import Client

from departments.models import User
from notifications.models import Notification
from reports.models import ReportEntry, ReportingPeriod, ReportJob

pytestmark = pytest.mark.worker

ROOT = Path(__file__).resolve().parent.parent
LOGS = ROOT / "var"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until(check, what: str, timeout: float = 60) -> None:  # noqa: ANN001
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.1)
    raise AssertionError(f"{what}: not within {timeout} s")


class Processes:
    """The processes a test starts; all are stopped when it ends, whatever happened."""

    def __init__(self) -> None:
        self.started: list[subprocess.Popen] = []

    def env(self, redis_url: str, **extra: str) -> dict[str, str]:
        db = connection.settings_dict
        return {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "unionplan.settings",
            "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
            "REDIS_URL": redis_url,
            "MEDIA_ROOT": str(settings.MEDIA_ROOT),
            **extra,
        }

    def spawn(self, args: list[str], log_name: str, env: dict[str, str]) -> subprocess.Popen:
        LOGS.mkdir(exist_ok=True)
        log = (LOGS / log_name).open("w")
        process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        self.started.append(process)
        return process

    def redis(self, port: int) -> subprocess.Popen:
        """An empty Redis that keeps nothing on disk: killed, it comes back empty."""
        process = self.spawn(
            [
                "redis-server",
                "--port",
                str(port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            f"faults-redis-{port}.log",
            dict(os.environ),
        )
        wait_until(lambda: _answers(port), f"redis on {port}", timeout=20)
        return process

    def worker(
        self, name: str, redis_url: str, *, pool: str = "solo", **env: str
    ) -> subprocess.Popen:
        """A real Celery worker on ``redis_url`` using the test database; ready when it says so."""
        log = LOGS / f"faults-worker-{name}.log"
        process = self.spawn(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "unionplan",
                "worker",
                f"--pool={pool}",
                "--concurrency=1",
                "--loglevel=INFO",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "-n",
                f"{name}@%h",
            ],
            log.name,
            self.env(redis_url, **env),
        )

        def ready() -> bool:
            if process.poll() is not None:
                pytest.fail(f"worker {name} exited: {log.read_text()}")
            return " ready." in log.read_text()

        wait_until(ready, f"worker {name} ready")
        return process

    def web(self, redis_url: str) -> str:
        """gunicorn, as deployed, on the test database; returns its address."""
        port = free_port()
        self.spawn(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "unionplan.wsgi:application",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--threads",
                "2",
                "--timeout",
                "60",
            ],
            "faults-gunicorn.log",
            self.env(redis_url),
        )
        base = f"http://127.0.0.1:{port}"
        wait_until(lambda: _reachable(base), "gunicorn answering", timeout=30)
        return base

    def stop(self) -> None:
        for process in reversed(self.started):
            if process.poll() is None:
                process.terminate()
        for process in reversed(self.started):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
            sock.sendall(b"PING\r\n")
            return sock.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def _reachable(base: str) -> bool:
    try:
        return requests.get(f"{base}/healthz", timeout=5).status_code == 200
    except requests.RequestException:  # not listening yet, or still loading the application
        return False


@pytest.fixture
def processes(transactional_db, settings, tmp_path) -> Iterator[Processes]:  # noqa: ANN001
    settings.MEDIA_ROOT = tmp_path / "media"  # this test's files only, for it and its processes
    running = Processes()
    try:
        yield running
    finally:
        running.stop()  # before the database is flushed: no process holds a lock on it


def signed_in(base: str, user: User) -> requests.Session:
    """A browser session of ``user`` on the server at ``base`` (sessions live in the database)."""
    client = Client()
    client.force_login(user)
    session = requests.Session()
    session.cookies.set(
        settings.SESSION_COOKIE_NAME, client.cookies[settings.SESSION_COOKIE_NAME].value
    )
    return session


def request_workbook(
    session: requests.Session, base: str, period: ReportingPeriod
) -> requests.Response:
    """Ask for the quarterly workbook on the job page, as the form does."""
    session.get(f"{base}/reports/jobs/", timeout=30)
    token = session.cookies[settings.CSRF_COOKIE_NAME]
    return session.post(
        f"{base}/reports/jobs/",
        data={"period": period.pk, "csrfmiddlewaretoken": token},
        allow_redirects=False,
        timeout=30,
    )


def job_files(job: ReportJob) -> list[Path]:
    folder = Path(settings.MEDIA_ROOT) / "private" / "exports" / str(job.period.plan.year)
    return sorted(folder.glob(f"job-{job.pk}.*"))


def wait_for(job_id: int, statuses: set[str], timeout: float = 60) -> ReportJob:
    wait_until(
        lambda: ReportJob.objects.get(pk=job_id).status in statuses,
        f"job {job_id} {statuses}",
        timeout=timeout,
    )
    return ReportJob.objects.get(pk=job_id)


def assert_done_once(job: ReportJob, *, attempts: int | None = None) -> None:
    job.refresh_from_db()
    assert job.status == "done", job.error
    if attempts is not None:
        assert job.attempts == attempts
    assert len(job_files(job)) == 1
    assert job_files(job)[0].stat().st_size > 0
    assert (
        Notification.objects.filter(
            user_id=job.requested_by_id, title__contains=f"{job.file_name}已生成"
        ).count()
        == 1
    )


@contextmanager
def table_locked(table: str) -> Iterator[None]:
    """Another session holds an exclusive lock on ``table``, as a long migration or a VACUUM FULL
    would: a job that reads it waits there, mid-run, for as long as the test needs."""
    db = connection.settings_dict
    holder = psycopg2.connect(
        dbname=db["NAME"],
        user=db["USER"],
        host=db["HOST"],
        port=db["PORT"],
        password=db["PASSWORD"],
    )
    try:
        with holder.cursor() as cursor:
            cursor.execute(f'LOCK TABLE "{table}" IN ACCESS EXCLUSIVE MODE')
        yield
    finally:
        holder.close()  # ends its transaction (if the fault has not already): the lock goes


def demo_world() -> tuple[User, list[ReportingPeriod]]:
    from unionplan.demo import demo_seed

    demo_seed()  # a transactional test starts from an empty database
    periods = ReportingPeriod.objects.filter(plan__year=2024, kind="quarter").order_by("number")
    return User.objects.get(username="leader"), list(periods)


def test_jobs_queued_when_redis_dies_are_requeued_from_the_database_and_done_once(processes):
    from unionplan.demo import demo_seed

    demo_seed()
    leader = User.objects.get(username="leader")
    periods = list(
        ReportingPeriod.objects.filter(plan__year=2024, kind="quarter").order_by("number")
    )
    port = free_port()
    redis_url = f"redis://127.0.0.1:{port}/0"
    redis = processes.redis(port)
    base = processes.web(redis_url)
    session = signed_in(base, leader)

    # Three jobs queued with no worker running: their messages wait in Redis.
    for period in periods[:3]:
        assert request_workbook(session, base, period).status_code == 302
    queued = list(ReportJob.objects.order_by("pk"))
    assert [job.status for job in queued] == ["queued"] * 3
    assert int(_redis_cli(port, "LLEN", "celery")) == 3

    redis.send_signal(signal.SIGKILL)  # the messages die with it
    redis.wait(timeout=10)

    # A request while Redis is down answers as usual; its job is queued in the database.
    response = request_workbook(session, base, periods[3])
    assert response.status_code == 302, response.text[:500]
    assert "/reports/jobs/" in response.headers["Location"]
    page = session.get(f"{base}/reports/jobs/", timeout=30)
    assert page.status_code == 200
    jobs = list(ReportJob.objects.order_by("pk"))
    assert len(jobs) == 4 and {job.status for job in jobs} == {"queued"}

    processes.redis(port)  # back, empty
    assert int(_redis_cli(port, "LLEN", "celery")) == 0
    processes.worker("after-redis", redis_url, UNIONPLAN_JOB_STALE_SECONDS="0")
    time.sleep(2)
    assert {job.status for job in ReportJob.objects.all()} == {"queued"}, "nothing to run yet"

    # The periodic sweeper (beat sends it every five minutes) hands them over again.
    _celery_call(processes, redis_url, "exports.jobs.sweep_export_jobs")
    for job in jobs:
        wait_for(job.pk, {"done", "failed"})
    time.sleep(2)  # a duplicate delivery would run now
    for job in jobs:
        assert_done_once(job, attempts=1)


def _redis_cli(port: int, *command: str) -> str:
    return subprocess.run(
        ["redis-cli", "-p", str(port), *command], capture_output=True, text=True, check=True
    ).stdout.strip()


def _celery_call(processes: Processes, redis_url: str, task: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "celery", "-A", "unionplan", "call", task],
        cwd=ROOT,
        env=processes.env(redis_url),
        check=True,
        capture_output=True,
        timeout=60,
    )


def drop_every_connection() -> int:
    """What a PostgreSQL restart or failover does to our processes: every connection is cut."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = %s AND pid <> pg_backend_pid()",
            [connection.settings_dict["NAME"]],
        )
        return cursor.fetchone()[0]


def test_the_web_tier_and_a_job_survive_postgresql_dropping_every_connection(processes):
    leader, periods = demo_world()
    port = free_port()
    redis_url = f"redis://127.0.0.1:{port}/0"
    processes.redis(port)
    base = processes.web(redis_url)
    processes.worker("through-pg", redis_url)
    session = signed_in(base, leader)
    pages = ["/", "/tasks/", "/reports/jobs/", "/healthz"]
    for path in pages:
        assert session.get(f"{base}{path}", timeout=30).status_code == 200, path

    with table_locked(ReportEntry._meta.db_table):
        assert request_workbook(session, base, periods[2]).status_code == 302
        job = wait_for(ReportJob.objects.get().pk, {"running", "done"})
        time.sleep(0.5)  # the worker is inside the build, waiting on the table
        job.refresh_from_db()
        assert job.status == "running" and job.attempts == 1
        dropped = drop_every_connection()  # the lock holder's too
    assert dropped >= 3  # gunicorn's, the worker's and the lock holder's

    # The next requests succeed, on fresh connections, without restarting anything.
    for path in pages * 2:
        response = session.get(f"{base}{path}", timeout=30)
        assert response.status_code == 200, (path, response.text[:500])

    job = wait_for(job.pk, {"done", "failed"})
    time.sleep(2)  # a duplicate delivery would run now
    assert_done_once(job, attempts=2)  # the run the fault cut short, and the one that finished


@pytest.mark.parametrize(
    ("limits", "seconds"),
    [
        ({"UNIONPLAN_JOB_SOFT_LIMIT": "2", "UNIONPLAN_JOB_HARD_LIMIT": "60"}, 2),
        # Stuck in the database, the job never sees the soft limit's exception: the hard limit
        # ends it.
        ({"UNIONPLAN_JOB_SOFT_LIMIT": "1", "UNIONPLAN_JOB_HARD_LIMIT": "2"}, 2),
    ],
    ids=["soft-limit", "hard-limit"],
)
def test_a_job_past_the_time_limit_fails_with_a_reason_and_a_retry_finishes_it(
    processes, limits, seconds
):
    leader, periods = demo_world()
    port = free_port()
    redis_url = f"redis://127.0.0.1:{port}/0"
    processes.redis(port)
    # Time limits are kept by the prefork pool, the one production runs.
    limited = processes.worker("limited", redis_url, pool="prefork", **limits)
    base = processes.web(redis_url)
    session = signed_in(base, leader)
    session.get(f"{base}/reports/jobs/", timeout=30)
    hard = limits["UNIONPLAN_JOB_HARD_LIMIT"] == str(seconds)
    with table_locked(ReportEntry._meta.db_table):
        assert request_workbook(session, base, periods[2]).status_code == 302
        job = wait_for(ReportJob.objects.get().pk, {"running", "done"})
        assert job.status == "running"
        if hard:
            # The hard limit ends the process however it is stuck.
            job = wait_for(job.pk, {"done", "failed"}, timeout=30)
        else:
            # The soft limit is an exception in the job: it is raised once the query returns.
            time.sleep(seconds + 1)
    job = wait_for(job.pk, {"done", "failed"}, timeout=30)
    assert job.status == "failed"
    assert job.error == f"生成超时（超过 {seconds} 秒），已停止；请重试或联系管理员。"
    assert not job.file and not job_files(job)
    page = session.get(f"{base}/reports/jobs/", timeout=30)
    assert page.status_code == 200 and job.error in page.text

    limited.terminate()
    limited.wait(timeout=30)
    job.refresh_from_db()
    assert job.status == "failed" and job.attempts == 1  # not run again behind the user's back
    processes.worker("normal", redis_url, pool="prefork")
    response = session.post(
        f"{base}/reports/jobs/{job.pk}/retry/",
        data={"csrfmiddlewaretoken": session.cookies[settings.CSRF_COOKIE_NAME]},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, response.text[:500]
    job = wait_for(job.pk, {"done", "failed"})
    time.sleep(1)
    assert_done_once(job, attempts=2)
