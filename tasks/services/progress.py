"""Progress updates: the lead department's update of a task for a reporting period.

Validating the form's input, saving it under an optimistic lock, and the indicator actuals under it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from departments.models import User
from history.recording import Source, recording
from tasks.locking import ConflictError, lock_for_update
from tasks.models import (
    IndicatorActual,
    IndicatorKind,
    KeyTask,
    ProgressStatus,
    ProgressUpdate,
    ReportingPeriod,
)
from tasks.services.periods import task_rhythm
from tasks.status import COLOUR_LABELS, Colour, expected_progress, task_colour
from unionplan import clock, policies
from unionplan.fields import text_lengths_check


@dataclass(frozen=True)
class ActualInput:
    """The lead department's figure for one indicator in a progress update."""

    value: Decimal | None = None
    done: bool = False
    done_on: dt.date | None = None


@dataclass(frozen=True)
class ProgressInput:
    """What a progress form or API call submits."""

    status: str
    percent: int
    progress: str
    problems: str = ""
    next_steps: str = ""
    actuals: dict[int, ActualInput] = field(default_factory=dict)
    regression_reason: str = ""


def _previous_update(*, task: KeyTask, period: ReportingPeriod) -> ProgressUpdate | None:
    """The task's update of the latest period that ended before ``period`` began, if any."""
    return (
        ProgressUpdate.objects.filter(task=task, period__end_date__lt=period.start_date)
        .select_related("period")
        .order_by("-period__end_date")
        .first()
    )


def regression_message(*, previous: ProgressUpdate | None, status: str, percent: int) -> str:
    """Why saving ``status``/``percent`` after ``previous`` needs a reason; "" when it does not.

    Going back is allowed (a finished task can reopen), but never silently: a lower percent than
    the last period, or leaving 已完成, must say why.
    """
    if previous is None:
        return ""
    if previous.status == ProgressStatus.DONE and status != ProgressStatus.DONE:
        label = ProgressStatus(status).label if status in ProgressStatus.values else status
        return f"上期已完成，改为{label}请填写原因"
    if percent < previous.percent:
        return f"完成进度低于上期（{previous.percent}%），请确认并填写原因"
    return ""


def _validate_progress(
    *,
    task: KeyTask,
    period: ReportingPeriod,
    data: ProgressInput,
    today: dt.date,
    previous: ProgressUpdate | None,
) -> None:
    errors: dict[str, str] = {}
    if period.plan_id != task.plan_id:
        errors["period"] = "填报周期不属于该项工作所在的年度。"
    elif period.kind != task_rhythm(task):
        errors["period"] = (
            "本项工作按月填报，请选择月份。"
            if task_rhythm(task) == "month"
            else ("本项工作按季度填报，请选择季度。")
        )
    elif period.is_locked:
        errors["period"] = f"{period.name}已锁定，不能再修改进展。"
    if data.status not in ProgressStatus.values:
        errors["status"] = "请选择推进状态。"
    if not 0 <= data.percent <= 100:
        errors["percent"] = "完成进度必须在 0 到 100 之间。"
    elif data.status == ProgressStatus.DONE and data.percent != 100:
        errors["percent"] = "标记为“已完成”时，完成进度应为 100%。"
    if not data.progress.strip():
        errors["progress"] = "请填写进展情况。"
    if "status" not in errors and "percent" not in errors and not data.regression_reason.strip():
        regression = regression_message(previous=previous, status=data.status, percent=data.percent)
        if regression:
            errors["regression_reason"] = f"{regression}。"
    indicators = {i.pk: i for i in task.indicators.all()}
    for indicator_id, actual in data.actuals.items():
        ind = indicators.get(indicator_id)
        key = f"actual_{indicator_id}"
        if ind is None:
            errors[key] = "该指标不属于本项工作。"
        elif ind.kind == IndicatorKind.CADENCE:
            errors[key] = f"“{ind.name}”是频次型指标，请登记每次的开展情况，不填完成值。"
        elif actual.value is not None and actual.value < 0:
            errors[key] = f"“{ind.name}”的完成值不能为负数。"
        elif ind.kind == IndicatorKind.RATE and actual.value is not None and actual.value > 100:
            errors[key] = f"“{ind.name}”是比率，不能超过 100%。"
    if "percent" not in errors and not data.problems.strip():
        expected = expected_progress(task.plan.year, today, task.node_targets)
        colour = task_colour(
            done=data.status == ProgressStatus.DONE,
            percent=data.percent,
            expected=expected,
            overdue=today > task.due_date,
            amber_points=settings.UNIONPLAN_AMBER_POINTS,
            red_points=settings.UNIONPLAN_RED_POINTS,
        )
        if colour in (Colour.AMBER, Colour.RED):
            errors["problems"] = (
                f"按当前进度（应达 {expected:.0f}%）本项工作为{COLOUR_LABELS[colour]}，"
                "请填写存在问题。"
            )
    if errors:
        raise ValidationError(errors)


def progress_save(
    *,
    task: KeyTask,
    period: ReportingPeriod,
    user: User,
    data: ProgressInput,
    expected_version: int,
    source: str = Source.WEB,
) -> ProgressUpdate:
    """Create or edit the lead department's update of ``task`` for ``period``.

    ``expected_version`` is the version the user's form was based on (0 for a new update);
    anything else than the stored version is refused with ConflictError, never overwritten.
    """
    if not policies.can(user, "task.update_progress", task):
        raise PermissionDenied("只有牵头部室的工作人员可以更新本项工作的进展。")
    text_lengths_check(
        {
            "progress": ("进展情况", data.progress),
            "problems": ("存在问题", data.problems),
            "next_steps": ("下一步计划", data.next_steps),
            "regression_reason": ("回退原因", data.regression_reason),
        }
    )
    previous = _previous_update(task=task, period=period)
    _validate_progress(task=task, period=period, data=data, today=clock.today(), previous=previous)
    goes_back = bool(
        regression_message(previous=previous, status=data.status, percent=data.percent)
    )
    with transaction.atomic(), recording(actor=user, source=source, verb="更新进展", task=task):
        update = lock_for_update(
            ProgressUpdate.objects.filter(task=task, period=period),
            expected_version=expected_version,
            message=_progress_conflict_message,
            new=lambda: ProgressUpdate(task=task, period=period, created_by=user),
            gone_message="该期进展已被删除，请刷新后重新填写。",
        )
        update.status = data.status
        update.percent = data.percent
        update.progress = data.progress.strip()
        update.problems = data.problems.strip()
        update.next_steps = data.next_steps.strip()
        # Kept only while the update goes back; a reason for what is no longer a step back is noise.
        update.regression_reason = data.regression_reason.strip() if goes_back else ""
        update.updated_by = user
        try:
            with transaction.atomic():
                update.save()
        except IntegrityError:
            # Someone created this period's update between our read and our insert.
            raise _progress_conflict(ProgressUpdate.objects.get(task=task, period=period)) from None
        _save_actuals(update, data.actuals)
    return update


def _progress_conflict(current: ProgressUpdate) -> ConflictError:
    return ConflictError(current=current, message=_progress_conflict_message(current))


def _progress_conflict_message(current: ProgressUpdate) -> str:
    who = current.updated_by.display_name if current.updated_by else "其他人"
    when = timezone.localtime(current.updated_at).strftime("%m月%d日 %H:%M")
    return (
        f"在您编辑期间，{who}已于{when}修改了{current.period.name}的进展。"
        "您填写的内容未保存，仍保留在表单中；请对照下方最新内容后再提交。"
    )


def _save_actuals(update: ProgressUpdate, actuals: dict[int, ActualInput]) -> None:
    existing = {a.indicator_id: a for a in update.actuals.all()}
    for indicator_id, value in actuals.items():
        row = existing.get(indicator_id) or IndicatorActual(
            update=update, indicator_id=indicator_id
        )
        row.value = value.value
        row.done = value.done
        row.done_on = (value.done_on or clock.today()) if value.done else None
        if row.pk is None and row.value is None and not row.done:
            continue  # nothing entered for this indicator
        row.save()
