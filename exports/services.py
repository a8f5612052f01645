"""The export pipeline's jobs: request a document of any kind, build it on a worker (reader →
formatter → file), record failures, retry, sweep stuck jobs and expire old files.

The ``ReportJob`` row in the database is the truth about a job, not the broker.
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
from typing import Any

import kombu.exceptions
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from departments.models import Unit, User
from exports.registry import builder_for
from exports.year_summary import year_summary_period
from history.recording import Source
from history.services import action_record
from notifications.services import notify
from reports.models import JobKind, JobStatus, ReportJob
from tasks.models import PlanStatus, ReportingPeriod
from unionplan import policies

logger = logging.getLogger(__name__)

YEAR_SUMMARY_REFUSED = "年度工作总结初稿仅对管理员、领导和办公室工作人员开放。"


def export_job_request(
    *,
    kind: str,
    period: ReportingPeriod,
    user: User | None,
    department: Unit | None = None,
    unit: Unit | None = None,
    params: dict[str, Any] | None = None,
) -> ReportJob:
    """Ask for a document; the job is queued once the request's transaction commits."""
    if kind not in JobKind.values:
        raise ValidationError({"kind": "没有这种导出类型。"})
    if kind == JobKind.QUARTERLY and period.kind != "quarter":
        raise ValidationError(
            {"period": "季度推进情况表按季度生成，请选择季度（月度数据计入所在季度）。"}
        )
    if kind == JobKind.BRIEFING and period.kind != "quarter":
        raise ValidationError({"period": "季度通报按季度生成，请选择季度。"})
    if kind == JobKind.YEAR_SUMMARY:
        # A year's summary is filed under its plan's last quarter, whichever period was given.
        period = year_summary_period(period.plan) or period
    if kind == JobKind.UNIT:
        _check_unit(unit)
    elif unit is not None:
        raise ValidationError({"unit": "只有单位季度报表可以选择单位，其他文件请按部室选择范围。"})
    job = ReportJob(
        kind=kind,
        period=period,
        # A unit's workbook has no department; the briefing is always the whole plan's.
        department=department if kind not in (JobKind.UNIT, JobKind.BRIEFING) else None,
        unit=unit,
        requested_by=user,
        params=params or {},
    )
    if user is not None and not policies.can(user, "job.request", job):
        raise PermissionDenied(_refusal(user, kind, unit))
    if user is not None and not policies.periods_visible_to(user).filter(pk=period.pk).exists():
        raise PermissionDenied("您无权查看该周期的数据。")
    if department is not None and department.kind != "department":
        raise ValidationError({"department": "请选择一个区总部室。"})
    job.save()
    action_record(
        actor=user,
        source=Source.WEB if user is not None else Source.SYSTEM,
        verb="生成报表",
        summary=job.file_name.rsplit(".", 1)[0],
        plan=period.plan,
    )
    transaction.on_commit(functools.partial(export_job_enqueue, job.pk))
    return job


def _check_unit(unit: Unit | None) -> None:
    if unit is None:
        raise ValidationError(
            {"unit": "单位季度报表要选择一个单位：请在“单位”中选择街道、行业或社区工会。"}
        )
    if not unit.is_reporting_unit:
        raise ValidationError(
            {"unit": f"{unit.name}不是填报单位：单位季度报表只能为街道、行业或社区工会生成。"}
        )


def _refusal(user: User, kind: str, unit: Unit | None) -> str:
    if kind == JobKind.YEAR_SUMMARY:
        return YEAR_SUMMARY_REFUSED
    if kind == JobKind.UNIT and policies.is_reporter_of(user, {policies.unit_id_of(user)}):
        own = policies.unit_of(user).name
        other = unit.name if unit is not None else "其他单位"
        return f"您是{own}的填报员，只能生成本单位的报表，不能生成{other}的报表。"
    if policies.is_reporter_of(user, {policies.unit_id_of(user)}):
        return "填报员只能生成本单位的单位季度报表；推进情况表和导出由部室工作人员和领导生成。"
    return "只有部室工作人员和领导可以生成报表和导出。"


def report_job_request(
    *, period: ReportingPeriod, user: User | None, department: Unit | None = None
) -> ReportJob:
    """Ask for the quarterly workbook (推进情况表) of a period, whole plan or one department's."""
    return export_job_request(
        kind=JobKind.QUARTERLY, period=period, user=user, department=department
    )


def export_job_enqueue(job_id: int) -> None:
    """Hand a job to the workers (in-process when no broker is configured).

    A broker that cannot be reached does not fail the request that asked: the job row stays
    queued and the sweeper (``report_jobs_sweep``) hands it over again once the broker is back.
    """
    from exports.jobs import run_export_job  # the Celery task module imports this one

    try:
        # No time limits in the message (an explicit None; the stubs want ints): the worker
        # applies its own UNIONPLAN_JOB_*_LIMIT, not the values of whichever process sent it.
        worker_limits: dict[str, Any] = {"time_limit": None, "soft_time_limit": None}
        run_export_job.apply_async((job_id,), **worker_limits)
    except (kombu.exceptions.OperationalError, OSError):
        logger.warning("Job %s stays queued: the broker cannot be reached.", job_id, exc_info=True)


def _job_file_name(job: ReportJob) -> str:
    # One fixed name per job: a job that runs twice overwrites, it never leaves two files.
    extension = builder_for(job.kind).extension
    return f"private/exports/{job.period.plan.year}/job-{job.pk}.{extension}"


def report_job_run(job_id: int) -> ReportJob:
    """Build a job's document with its kind's builder; a job already done is left as it is."""
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().get(pk=job_id)
        if job.status in (JobStatus.DONE, JobStatus.EXPIRED):
            return job
        job.status = JobStatus.RUNNING
        job.started_at = timezone.now()
        job.attempts += 1
        job.error = ""
        job.save(update_fields=["status", "started_at", "attempts", "error"])
    job = ReportJob.objects.select_related("period__plan", "department", "unit").get(pk=job_id)
    content = builder_for(job.kind).build(job)
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().select_related("period__plan").get(pk=job_id)
        if job.status == JobStatus.DONE:
            return job  # another run finished first; its file and record stand
        storage = job.file.storage
        name = _job_file_name(job)
        if storage.exists(name):
            storage.delete(name)  # a half-written file of a killed run
        job.file.name = storage.save(name, ContentFile(content))
        job.status = JobStatus.DONE
        job.finished_at = timezone.now()
        job.save(update_fields=["file", "status", "finished_at"])
    if job.requested_by_id:
        notify(
            users=User.objects.filter(pk=job.requested_by_id),
            title=f"{job.file_name}已生成",
            url=reverse("exports:job_list"),
            event="job_done",
        )
    return job


def report_job_fail(job_id: int, reason: str) -> None:
    """Record why a job failed; no file is kept for it."""
    with transaction.atomic():
        job = ReportJob.objects.select_for_update().get(pk=job_id)
        if job.status == JobStatus.DONE:
            return
        job.status = JobStatus.FAILED
        job.error = reason[:2000] or "未知错误"
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "error", "finished_at"])


def report_job_retry(*, job: ReportJob, user: User) -> ReportJob:
    """The person who asked (or an admin) queues a failed job again."""
    if job.status != JobStatus.FAILED:
        raise ValidationError({"job": "只有失败的任务可以重试。"})
    if job.requested_by_id != user.pk and not policies.is_admin(user):
        raise PermissionDenied("只能重试自己申请的任务。")
    ReportJob.objects.filter(pk=job.pk).update(status=JobStatus.QUEUED, error="")
    transaction.on_commit(functools.partial(export_job_enqueue, job.pk))
    job.refresh_from_db()
    return job


def report_jobs_sweep(*, stale_after: dt.timedelta) -> int:
    """Queue again the jobs stuck in queued or running longer than ``stale_after``."""
    cutoff = timezone.now() - stale_after
    stuck = list(
        ReportJob.objects.filter(
            Q(status=JobStatus.QUEUED, created_at__lt=cutoff)
            | Q(status=JobStatus.RUNNING, started_at__lt=cutoff)
        ).values_list("pk", flat=True)
    )
    for job_id in stuck:
        ReportJob.objects.filter(pk=job_id).update(status=JobStatus.QUEUED)
        transaction.on_commit(functools.partial(export_job_enqueue, job_id))
    return len(stuck)


def report_jobs_for_closed_periods(*, today: dt.date) -> int:
    """Request the quarter's workbook once a period's due date has passed (or it is locked)."""
    periods = (
        ReportingPeriod.objects.filter(plan__status=PlanStatus.ACTIVE, kind="quarter")
        .filter(Q(due_date__lt=today) | Q(is_locked=True))
        .exclude(
            jobs__kind=JobKind.QUARTERLY,
            jobs__requested_by__isnull=True,
            jobs__department__isnull=True,
        )
    )
    count = 0
    for period in periods:
        report_job_request(period=period, user=None)
        count += 1
    return count


def briefing_request_closed(*, period: ReportingPeriod) -> ReportJob | None:
    """Request a period's briefing (季度通报) on behalf of the system, once: None when the
    system has already requested it (whatever became of that job)."""
    with transaction.atomic():
        # The period's row serialises two runs of the daily job: the second finds the first's.
        ReportingPeriod.objects.select_for_update().filter(pk=period.pk).first()
        if ReportJob.objects.filter(
            period=period, kind=JobKind.BRIEFING, requested_by__isnull=True
        ).exists():
            return None
        return export_job_request(kind=JobKind.BRIEFING, period=period, user=None)


def briefings_for_closed_periods(*, today: dt.date) -> int:
    """Request each quarter's briefing once its due date has passed (or it is locked)."""
    requested = ReportJob.objects.filter(kind=JobKind.BRIEFING, requested_by__isnull=True)
    periods = (
        ReportingPeriod.objects.filter(plan__status=PlanStatus.ACTIVE, kind="quarter")
        .filter(Q(due_date__lt=today) | Q(is_locked=True))
        .exclude(pk__in=requested.values("period_id"))
        .select_related("plan")
    )
    return sum(briefing_request_closed(period=period) is not None for period in periods)


def report_jobs_expire(*, now: dt.datetime | None = None) -> int:
    """Delete files older than the retention (UNIONPLAN_EXPORT_RETENTION_DAYS)."""
    now = now or timezone.now()
    cutoff = now - dt.timedelta(days=settings.UNIONPLAN_EXPORT_RETENTION_DAYS)
    expired = 0
    for job in ReportJob.objects.filter(status=JobStatus.DONE, finished_at__lt=cutoff):
        if job.file:
            job.file.delete(save=False)
        ReportJob.objects.filter(pk=job.pk).update(status=JobStatus.EXPIRED, file="")
        expired += 1
    return expired
