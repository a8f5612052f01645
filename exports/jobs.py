"""Celery jobs of the export pipeline: one thin task builds a document of any kind; housekeeping
sweeps stuck jobs, requests each closed quarter's workbook and expires old files."""

from __future__ import annotations

import datetime as dt
from typing import Any

from billiard.exceptions import SoftTimeLimitExceeded, TimeLimitExceeded, WorkerLostError
from celery import Task, shared_task
from django import db
from django.conf import settings

from exports.services import (
    briefings_for_closed_periods,
    report_job_fail,
    report_job_run,
    report_jobs_expire,
    report_jobs_for_closed_periods,
    report_jobs_sweep,
)
from unionplan import clock

# A database that drops its connections (a restart, a failover) is waited out this many times.
DATABASE_RETRIES = 5
DATABASE_RETRY_SECONDS = 3


def failure_reason(exc: BaseException) -> str:
    """Why a job failed, as the person who asked reads it on the job list."""
    if isinstance(exc, SoftTimeLimitExceeded):
        seconds = settings.UNIONPLAN_JOB_SOFT_LIMIT
    elif isinstance(exc, TimeLimitExceeded):
        seconds = settings.UNIONPLAN_JOB_HARD_LIMIT
    else:
        seconds = 0
    if seconds:
        return f"生成超时（超过 {seconds} 秒），已停止；请重试或联系管理员。"
    if isinstance(exc, WorkerLostError):
        return "生成文件的后台进程意外退出，已停止；请重试或联系管理员。"
    if isinstance(exc, db.Error):
        return "数据库连接多次中断，生成未完成；请稍后重试或联系管理员。"
    return f"生成失败（{type(exc).__name__}: {exc}）；请重试或联系管理员。"


def drop_broken_connections() -> None:
    """Let the next query connect afresh if the database dropped the connection. Only outside a
    transaction: a job run in-process inside one (embedded mode, tests) keeps its connection."""
    if not db.connection.in_atomic_block:
        db.close_old_connections()


class ExportTask(Task):
    """Records a failure on the job row, with its reason, for the person who asked."""

    def on_failure(self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        job_id = args[0] if args else kwargs.get("job_id")
        if job_id is not None:
            drop_broken_connections()  # a connection the failure broke is not reused
            report_job_fail(job_id, failure_reason(exc))


@shared_task(
    name="exports.jobs.run_export_job",
    base=ExportTask,
    bind=True,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,  # the job row is the result
    # The worker's own limits: export_job_enqueue sends none in the message.
    soft_time_limit=settings.UNIONPLAN_JOB_SOFT_LIMIT,
    time_limit=settings.UNIONPLAN_JOB_HARD_LIMIT,
    max_retries=DATABASE_RETRIES,
)
def run_export_job(self: Task, job_id: int) -> str:
    """Build one document of any kind; running it twice leaves one file and one done record."""
    try:
        return report_job_run(job_id).status
    except (db.OperationalError, db.InterfaceError) as exc:
        # The database dropped the connection mid-run: start again on a fresh one.
        drop_broken_connections()
        raise self.retry(exc=exc, countdown=DATABASE_RETRY_SECONDS) from exc


@shared_task(name="exports.jobs.sweep_export_jobs")
def sweep_export_jobs() -> int:
    """Queue again jobs stuck past the hard time limit (e.g. their worker died)."""
    return report_jobs_sweep(stale_after=dt.timedelta(seconds=settings.UNIONPLAN_JOB_STALE_SECONDS))


@shared_task(name="exports.jobs.request_closed_period_workbooks")
def request_closed_period_workbooks() -> int:
    """Daily: request the quarter's workbook once its period has closed."""
    return report_jobs_for_closed_periods(today=clock.today())


@shared_task(name="exports.jobs.request_closed_period_briefings")
def request_closed_period_briefings() -> int:
    """Daily: request the quarter's briefing (季度通报) once its due date has passed."""
    return briefings_for_closed_periods(today=clock.today())


@shared_task(name="exports.jobs.expire_export_files")
def expire_export_files() -> int:
    """Daily housekeeping: delete workbook files past the retention."""
    return report_jobs_expire()
