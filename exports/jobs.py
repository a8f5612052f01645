"""Celery jobs of the export pipeline: one thin task builds a document of any kind; housekeeping
sweeps stuck jobs, requests each closed quarter's workbook and expires old files."""

from __future__ import annotations

import datetime as dt
from typing import Any

from celery import Task, shared_task
from django.conf import settings

from exports.services import (
    report_job_fail,
    report_job_run,
    report_jobs_expire,
    report_jobs_for_closed_periods,
    report_jobs_sweep,
)
from unionplan import clock


class ExportTask(Task):
    """Records a failure on the job row, with its reason, for the person who asked."""

    def on_failure(self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        job_id = args[0] if args else kwargs.get("job_id")
        if job_id is not None:
            report_job_fail(job_id, f"{type(exc).__name__}: {exc}")


@shared_task(
    name="exports.jobs.run_export_job",
    base=ExportTask,
    acks_late=True,
    reject_on_worker_lost=True,
    soft_time_limit=settings.UNIONPLAN_JOB_SOFT_LIMIT,
    time_limit=settings.UNIONPLAN_JOB_HARD_LIMIT,
)
def run_export_job(job_id: int) -> str:
    """Build one document of any kind; running it twice leaves one file and one done record."""
    return report_job_run(job_id).status


@shared_task(name="exports.jobs.sweep_export_jobs")
def sweep_export_jobs() -> int:
    """Queue again jobs stuck past the hard time limit (e.g. their worker died)."""
    return report_jobs_sweep(stale_after=dt.timedelta(seconds=settings.UNIONPLAN_JOB_STALE_SECONDS))


@shared_task(name="exports.jobs.request_closed_period_workbooks")
def request_closed_period_workbooks() -> int:
    """Daily: request the quarter's workbook once its period has closed."""
    return report_jobs_for_closed_periods(today=clock.today())


@shared_task(name="exports.jobs.expire_export_files")
def expire_export_files() -> int:
    """Daily housekeeping: delete workbook files past the retention."""
    return report_jobs_expire()
