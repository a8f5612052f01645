"""Writes to reporting periods."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from departments.models import REPORTING_KINDS, Role, Unit, User, kind_order
from history.recording import Source, recording
from history.services import action_record
from notifications.services import notify
from reports.filetypes import ALLOWED_LABELS, OFFICE_OPEN_XML, sniff, zip_bomb_refusal
from reports.models import (
    Attachment,
    Contribution,
    EntryState,
    PeriodReopening,
    Reminder,
    ReminderKind,
    ReportEntry,
    ReportingPeriod,
    UnitReport,
)
from tasks.locking import ConflictError, lock_for_update
from tasks.models import IndicatorKind, KeyTask, PlanStatus, TaskLead, WorkPlan
from tasks.services.periods import rhythm_q
from unionplan import clock, policies
from unionplan.fields import REVIEW_REASON_MAX, text_lengths_check

# --- unit reports ----------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryInput:
    """What a unit submits for one task: the narrative and its indicator figures."""

    narrative: str
    contributions: dict[int, Decimal | None] = field(default_factory=dict)
    not_applicable: bool = False  # 本期不涉及: answered, shown to the reviewer, contributes nothing
    not_applicable_reason: str = ""


NOT_APPLICABLE_REASON_MAX = 200


def period_is_open_for(period: ReportingPeriod, unit: Unit, today: dt.date) -> bool:
    """A period takes submissions unless locked, or reopened for this unit until a date."""
    if not period.is_locked:
        return True
    return period.reopenings.filter(unit=unit, until__gte=today).exists()


def report_open(*, unit: Unit, period: ReportingPeriod, user: User) -> UnitReport:
    """The unit's report for the period, with an entry for every task the unit takes part in."""
    if not policies.can(user, "report.edit_unit", unit):
        raise PermissionDenied("只有本单位的填报员可以填报本单位报表。")
    with transaction.atomic(), recording(actor=user, source=Source.WEB, verb="打开报表"):
        report = UnitReport.objects.filter(unit=unit, period=period).first()
        if report is None:
            report = _report_create_or_get(unit=unit, period=period)
        have = set(report.entries.values_list("task_id", flat=True))
        # A month's report holds the tasks reported monthly, a quarter's the quarterly ones.
        tasks = KeyTask.objects.filter(
            rhythm_q(period.kind), plan_id=period.plan_id, participants__unit=unit
        )
        for task in tasks.exclude(pk__in=have).order_by("number").distinct():
            _entry_create_unless_exists(report=report, task=task)
    return report


def _report_create_or_get(*, unit: Unit, period: ReportingPeriod) -> UnitReport:
    # Two first opens at once (two tabs, two API calls): the loser of the unique constraint
    # takes the winner's report instead of a 500. The savepoint keeps the outer transaction usable.
    try:
        with transaction.atomic():
            report = UnitReport(unit=unit, period=period)
            report.save()
            return report
    except IntegrityError:
        return UnitReport.objects.get(unit=unit, period=period)


def _entry_create_unless_exists(*, report: UnitReport, task: KeyTask) -> None:
    # Same race for the entries (unique report+task): an entry created meanwhile stands.
    try:
        with transaction.atomic():
            ReportEntry(report=report, task=task).save()
    except IntegrityError:
        if not ReportEntry.objects.filter(report=report, task=task).exists():
            raise


def _require_editable(entry: ReportEntry, user: User) -> None:
    if not policies.can(user, "entry.edit", entry):
        raise PermissionDenied("只有本单位的填报员可以修改本单位的报表。")
    if not entry.is_editable:
        raise ValidationError({"entry": f"该条目{entry.get_state_display()}，不能修改。"})
    if not period_is_open_for(entry.report.period, entry.report.unit, clock.today()):
        raise ValidationError({"period": f"{entry.report.period.name}已锁定，不能再修改。"})


def entry_save(
    *,
    entry: ReportEntry,
    user: User,
    data: EntryInput,
    expected_version: int,
    source: str = Source.WEB,
) -> ReportEntry:
    """Save a draft (or a returned entry being fixed): narrative and indicator figures."""
    _require_editable(entry, user)
    text_lengths_check({"narrative": ("工作情况", data.narrative)})
    indicators = {i.pk: i for i in entry.task.indicators.all()}
    errors: dict[str, str] = {}
    for indicator_id, value in data.contributions.items():
        ind = indicators.get(indicator_id)
        key = f"contribution_{indicator_id}"
        if ind is None or ind.kind in (IndicatorKind.MILESTONE, IndicatorKind.CADENCE):
            errors[key] = "该指标不接受单位填报。"
        elif value is not None and value < 0:
            errors[key] = f"“{ind.name}”的贡献值不能为负数。"
        elif value is not None and ind.kind == IndicatorKind.RATE and value > 100:
            errors[key] = f"“{ind.name}”是比率，不能超过 100%。"
    if len(data.not_applicable_reason.strip()) > NOT_APPLICABLE_REASON_MAX:
        errors["not_applicable_reason"] = f"不涉及原因不超过 {NOT_APPLICABLE_REASON_MAX} 个字。"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), recording(actor=user, source=source, verb="暂存"):
        current = lock_for_update(
            ReportEntry.objects.filter(pk=entry.pk),
            expected_version=expected_version,
            message="该条目已在别处被修改或提交，您填写的内容未保存，请刷新后再填。",
        )
        current.narrative = data.narrative.strip()
        current.not_applicable = data.not_applicable
        current.not_applicable_reason = data.not_applicable_reason.strip()
        current.saved_at = timezone.now()
        current.save()
        existing = {c.indicator_id: c for c in current.contributions.all()}
        for indicator_id, value in data.contributions.items():
            row = existing.get(indicator_id)
            if value is None or data.not_applicable:
                if row is not None:
                    row.delete()
                continue
            row = row or Contribution(entry=current, indicator_id=indicator_id)
            row.value = value
            row.save()
    return current


def attachment_add(
    *, entry: ReportEntry, user: User, upload: UploadedFile, source: str = Source.WEB
) -> Attachment:
    """Attach evidence to an entry: allowed kinds by content, size and count limits."""
    _require_editable(entry, user)
    # An upload parsed from a request always has a name and a size; Django types both optional.
    name, size = upload.name or "", upload.size or 0
    if size > settings.UNIONPLAN_ATTACHMENT_MAX_BYTES:
        limit = settings.UNIONPLAN_ATTACHMENT_MAX_BYTES // (1024 * 1024)
        raise ValidationError(
            {"file": ValidationError(f"文件“{name}”超过 {limit} MB，请压缩后再上传。", "too_large")}
        )
    if entry.attachments.count() >= settings.UNIONPLAN_ATTACHMENTS_PER_ENTRY:
        raise ValidationError(
            {"file": f"每个条目最多上传 {settings.UNIONPLAN_ATTACHMENTS_PER_ENTRY} 个佐证材料。"}
        )
    content_type = sniff(upload)
    if content_type is None:
        raise ValidationError(
            {
                "file": f"文件“{upload.name}”的内容不是允许的类型（{ALLOWED_LABELS}），"
                "系统按文件内容而非扩展名判断。"
            }
        )
    bomb = zip_bomb_refusal(upload) if content_type in OFFICE_OPEN_XML else None
    if bomb:
        raise ValidationError({"file": f"文件“{upload.name}”{bomb}，疑似压缩炸弹，已拒绝。"})
    with transaction.atomic(), recording(actor=user, source=source, verb="上传佐证"):
        # Parallel uploads each counted 9 and all went in: counting under the entry's row lock
        # makes them take turns, so the limit holds.
        locked = ReportEntry.objects.select_for_update().get(pk=entry.pk)
        if not locked.is_editable:
            raise ValidationError({"entry": f"该条目{locked.get_state_display()}，不能修改。"})
        limit = settings.UNIONPLAN_ATTACHMENTS_PER_ENTRY
        if locked.attachments.count() >= limit:
            raise ValidationError({"file": f"每个条目最多上传 {limit} 个佐证材料。"})
        attachment = Attachment(
            entry=entry,
            original_name=name[:200],
            content_type=content_type,
            size=size,
            uploaded_by=user,
        )
        attachment.file.save(name, upload, save=False)
        try:
            attachment.save()
        except Exception:
            attachment.file.delete(save=False)  # no orphan file when the row is not written
            raise
    return attachment


def attachment_remove(*, attachment: Attachment, user: User, source: str = Source.WEB) -> None:
    """Remove evidence from an entry that can still be edited."""
    _require_editable(attachment.entry, user)
    with transaction.atomic(), recording(actor=user, source=source, verb="删除佐证"):
        name = attachment.file.name or ""  # a stored attachment always has its file name
        attachment.delete()
        transaction.on_commit(lambda: attachment.file.storage.delete(name))


def entry_missing(entry: ReportEntry) -> str | None:
    """Why an editable entry cannot be submitted yet, or None when it is answered."""
    if not entry.is_editable:
        return None
    label = f"第 {entry.task.number} 项“{entry.task.title}”"
    if entry.not_applicable:
        if entry.not_applicable_reason.strip():
            return None
        return f"{label}：已选“本期不涉及”，请填写原因"
    if entry.narrative.strip():
        return None
    return f"{label}：请填写工作情况（或勾选“本期不涉及”并说明原因）"


def report_missing_entries(report: UnitReport) -> list[tuple[ReportEntry, str]]:
    """Entries that still need something before the report can be submitted, with what."""
    found = []
    for entry in report.entries.select_related("task").order_by("task__number"):
        message = entry_missing(entry)
        if message is not None:
            found.append((entry, message))
    return found


def report_missing(report: UnitReport) -> list[str]:
    """What still has to be filled before the report can be submitted."""
    return [message for _entry, message in report_missing_entries(report)]


def report_submit(*, report: UnitReport, user: User, source: str = Source.WEB) -> UnitReport:
    """Submit every draft or returned entry; refused while anything required is missing."""
    if not policies.can(user, "report.edit_unit", report.unit):
        raise PermissionDenied("只有本单位的填报员可以提交本单位报表。")
    today = clock.today()
    if not period_is_open_for(report.period, report.unit, today):
        raise ValidationError(
            {"period": f"{report.period.name}已锁定，不能提交；如需补报请联系系统管理员单独开放。"}
        )
    with (
        transaction.atomic(),
        recording(actor=user, source=source, verb="提交报表", report=report),
    ):
        report = UnitReport.objects.select_for_update().get(pk=report.pk)
        missing = report_missing(report)
        if missing:
            raise ValidationError({"entries": missing})
        entries = [e for e in report.entries.select_related("task") if e.is_editable]
        if not entries:
            raise ValidationError({"entries": ["没有需要提交的条目：已提交的条目正在审核。"]})
        now = timezone.now()
        for entry in entries:
            entry.state = EntryState.SUBMITTED
            entry.submitted_at = now
            entry.return_reason = ""
            entry.version += 1
            entry.save()
        if report.submitted_at is None:
            report.submitted_at = now
            report.is_late = today > report.period.due_date
            report.save()
        _notify_reviewers(report, entries)
    return report


def _notify_reviewers(report: UnitReport, entries: list[ReportEntry]) -> None:
    # Each lead department hears only about its own entries, and lands on the review list
    # filtered to this report.
    task_ids = {e.task_id for e in entries}
    per_department: dict[int, int] = {}
    for unit_id, _task_id in TaskLead.objects.filter(task__in=task_ids).values_list(
        "unit_id", "task_id"
    ):
        per_department[unit_id] = per_department.get(unit_id, 0) + 1
    if not per_department:
        return
    staff_by_unit: dict[int | None, list[User]] = {}
    for person in User.objects.filter(role=Role.STAFF, unit_id__in=per_department):
        staff_by_unit.setdefault(person.unit_id, []).append(person)
    url = f"{reverse('reports:review_list')}?report={report.pk}"
    submitted = f"{report.unit.name}提交了{report.period.name}报表"
    for unit_id, count in sorted(per_department.items()):
        if unit_id not in staff_by_unit:
            continue
        notify(
            users=staff_by_unit[unit_id],
            title=f"{submitted}，其中 {count} 个条目由本部室审核",
            body=f"本部室牵头的 {count} 个条目待审核（本次共提交 {len(entries)} 个条目）。",
            url=url,
        )


@dataclass
class BatchResult:
    """What a batch approval did: the entries approved, and the others each with its reason."""

    approved: list[ReportEntry] = field(default_factory=list)
    failed: list[tuple[ReportEntry, str]] = field(default_factory=list)


def entry_label(entry: ReportEntry) -> str:
    """How a reviewer names an entry in a message: unit and task number."""
    return f"{entry.report.unit.name}第 {entry.task.number} 项"


def entries_approve(
    *, items: list[tuple[ReportEntry, int]], user: User, source: str = Source.WEB
) -> BatchResult:
    """Approve several entries, each (entry, expected version) in its own transaction under the
    rules of entry_review: a conflict or refusal on one is reported and the others go through."""
    result = BatchResult()
    # One action for the batch: each approval's transaction writes its events under it.
    with recording(actor=user, source=source, verb="批量通过", gathers=True):
        for entry, version in items:
            try:
                approved = entry_review(
                    entry=entry, user=user, approve=True, expected_version=version, source=source
                )
            except ConflictError as conflict:
                result.failed.append((entry, conflict.message))
            except PermissionDenied as exc:
                result.failed.append((entry, str(exc) or "无权审核此条目。"))
            except ValidationError as exc:
                result.failed.append((entry, "；".join(exc.messages)))
            else:
                result.approved.append(approved)
    return result


def entry_review(
    *,
    entry: ReportEntry,
    user: User,
    approve: bool,
    reason: str = "",
    expected_version: int,
    source: str = Source.WEB,
) -> ReportEntry:
    """The lead department approves an entry or returns it with a reason; one reviewer wins."""
    if not policies.can(user, "entry.review", entry):
        raise PermissionDenied("只有该项工作的牵头部室可以审核此条目。")
    if not approve and not reason.strip():
        raise ValidationError({"reason": "退回时请填写退回原因。"})
    text_lengths_check({"reason": ("退回原因", reason)}, REVIEW_REASON_MAX)
    verb = "通过" if approve else "退回"
    with transaction.atomic(), recording(actor=user, source=source, verb=verb):
        current = lock_for_update(
            ReportEntry.objects.select_related("report__unit").filter(pk=entry.pk),
            expected_version=expected_version,
            stale=lambda row: row.state != EntryState.SUBMITTED,
            message=lambda row: (
                f"该条目已{row.get_state_display()}（可能已被他人审核），本次操作未保存。"
            ),
        )
        current.state = EntryState.APPROVED if approve else EntryState.RETURNED
        current.return_reason = "" if approve else reason.strip()
        current.reviewed_by = user
        current.reviewed_at = timezone.now()
        current.save()
        if not approve:
            notify(
                users=User.objects.filter(role=Role.REPORTER, unit=current.report.unit),
                title=f"{current.report.period.name}报表第 {current.task.number} 项被退回",
                body=f"退回原因：{current.return_reason}",
                url=reverse("reports:workspace"),
                event="entry_returned",
                subject=current.report.unit.name,
            )
    return current


# --- reminders (催报) ----------------------------------------------------------------------


def _unsubmitted_units(period: ReportingPeriod) -> list[Unit]:
    submitted = UnitReport.objects.filter(period=period, submitted_at__isnull=False).values(
        "unit_id"
    )
    return list(expected_units(period.plan, kind=period.kind).exclude(pk__in=submitted))


def expected_units(plan: WorkPlan, kind: str | None = None) -> QuerySet[Unit]:
    """The units expected to report on a plan: reporting units taking part in any of its tasks
    (with ``kind``, in its tasks reported by that kind of period: month or quarter)."""
    # One filter() call: the plan and the rhythm are of the same participation's task.
    same_task = Q(task_participations__task__plan=plan)
    if kind is not None:
        same_task &= rhythm_q(kind, "task_participations__task__")
    return (
        Unit.objects.filter(same_task, kind__in=REPORTING_KINDS, is_active=True)
        .distinct()
        .order_by(kind_order(), "sort_order", "name")
    )


def reminders_run(*, today: dt.date) -> dict[str, int]:
    """Daily job: remind units that have not submitted as the due date nears; list the overdue.

    Idempotent per day: a second run the same day sends nothing new.
    """
    sent = {"reminded_units": 0, "overdue_units": 0, "notifications": 0}
    days = settings.UNIONPLAN_REMIND_DAYS_BEFORE
    periods = ReportingPeriod.objects.filter(
        plan__status=PlanStatus.ACTIVE, opens_on__lte=today
    ).select_related("plan")
    for period in periods:
        left = (period.due_date - today).days
        if 0 <= left <= days and not period.is_locked:
            for unit in _unsubmitted_units(period):
                message = (
                    f"{period.plan.year}年{period.name}报表将于{period.due_date:%m月%d日}截止"
                    f"（还有 {left} 天），请尽快填报。"
                )
                if _log_reminder(period, unit, ReminderKind.AUTO, today, None, message):
                    sent["reminded_units"] += 1
                    sent["notifications"] += notify(
                        users=User.objects.filter(role=Role.REPORTER, unit=unit),
                        title="填报提醒（催报）",
                        body=message,
                        url=reverse("reports:workspace"),
                        event="reminder",
                        subject=unit.name,
                    )
        elif left < 0 and left >= -30:
            overdue = _unsubmitted_units(period)
            if not overdue:
                continue
            names = "、".join(u.display_name for u in overdue)
            message = (
                f"{period.plan.year}年{period.name}报表已逾期未报 {len(overdue)} 个单位：{names}。"
            )
            if _log_reminder(period, None, ReminderKind.OVERDUE, today, None, message):
                sent["overdue_units"] += len(overdue)
                readers = User.objects.filter(
                    Q(role=Role.LEADER) | Q(role=Role.STAFF), is_active=True
                )
                sent["notifications"] += notify(
                    users=readers,
                    title="逾期未报单位",
                    body=message,
                    url=reverse("reports:grid") + f"?year={period.plan.year}",
                    event="reminder",
                )
    return sent


def _log_reminder(
    period: ReportingPeriod,
    unit: Unit | None,
    kind: str,
    day: dt.date,
    user: User | None,
    message: str,
) -> bool:
    """Record a reminder; False when today's automatic one was already sent."""
    try:
        with transaction.atomic():
            Reminder.objects.create(
                period=period, unit=unit, kind=kind, sent_on=day, sent_by=user, message=message
            )
            action_record(
                actor=user,
                source=Source.SYSTEM if user is None else Source.WEB,
                verb="催报",
                summary=message,
                plan=period.plan,
            )
    except IntegrityError:
        return False
    return True


def reminder_send(*, period: ReportingPeriod, unit: Unit, user: User) -> Reminder:
    """Staff or a leader reminds one unit by hand (recorded)."""
    if not policies.can(user, "reminder.send", unit):
        raise PermissionDenied("只有部室工作人员和领导可以催报。")
    if UnitReport.objects.filter(period=period, unit=unit, submitted_at__isnull=False).exists():
        raise ValidationError({"unit": f"{unit.name}已提交{period.name}报表，无需催报。"})
    message = (
        f"{user.display_name}提醒：请尽快填报{period.plan.year}年{period.name}报表"
        f"（截止 {period.due_date:%m月%d日}）。"
    )
    today = clock.today()
    try:
        # One manual reminder per unit, period and day (constraint reminder_once_a_day): a
        # double click or a second person gets a refusal, the unit gets one notification.
        with transaction.atomic():
            reminder = Reminder.objects.create(
                period=period,
                unit=unit,
                kind=ReminderKind.MANUAL,
                sent_on=today,
                sent_by=user,
                message=message,
            )
            action_record(
                actor=user,
                source=Source.WEB,
                verb="催报",
                summary=f"{unit.name}：{message}",
                plan=period.plan,
                report=UnitReport.objects.filter(period=period, unit=unit).first(),
            )
            notify(
                users=User.objects.filter(role=Role.REPORTER, unit=unit),
                title="催报",
                body=message,
                url=reverse("reports:workspace"),
                event="reminder",
                subject=unit.name,
            )
    except IntegrityError:
        earlier = Reminder.objects.filter(
            period=period, unit=unit, kind=ReminderKind.MANUAL, sent_on=today
        ).first()
        when = f" {timezone.localtime(earlier.created_at):%H:%M}" if earlier else ""
        raise ValidationError(
            {"unit": f"今天{when} 已向{unit.name}催报过，每个单位每天只催报一次。"}
        ) from None
    return reminder


# --- reopening a locked period for one unit --------------------------------------------------


REOPEN_REASON_MAX = 200


def period_reopen_check(*, unit: Unit, until: dt.date, reason: str, today: dt.date) -> None:
    """Refuse a reopening that could not help: not a reporting unit, a date past, a long reason."""
    errors: dict[str, str] = {}
    if unit.kind not in REPORTING_KINDS:
        errors["unit"] = "只能为街道总工会、行业工会或社区工联会单独开放。"
    if until < today:
        errors["until"] = f"开放截止日期不能早于今天（{today:%Y年%m月%d日}）。"
    if len(reason.strip()) > REOPEN_REASON_MAX:
        errors["reason"] = f"原因不超过 {REOPEN_REASON_MAX} 个字。"
    if errors:
        raise ValidationError(errors)


def period_reopen(
    *,
    period: ReportingPeriod,
    unit: Unit,
    until: dt.date,
    reason: str,
    user: User,
) -> PeriodReopening:
    """Reopen a locked period for one unit until a date (or move the date); tell its reporters."""
    if not policies.can(user, "period.reopen", period):
        raise PermissionDenied("只有系统管理员可以为单位单独开放已锁定的周期。")
    period_reopen_check(unit=unit, until=until, reason=reason, today=clock.today())
    with transaction.atomic():
        reopening, _created = PeriodReopening.objects.update_or_create(
            period=period,
            unit=unit,
            defaults={"until": until, "reason": reason.strip(), "reopened_by": user},
        )
        action_record(
            actor=user,
            source=Source.ADMIN,
            verb="单独开放",
            summary=f"{unit.name}{period.name}报表开放至{until:%Y-%m-%d}",
            plan=period.plan,
        )
        report = UnitReport.objects.filter(period=period, unit=unit).first()
        url = (
            report.get_absolute_url()
            if report is not None
            else f"{reverse('reports:workspace')}?period={period.pk}"
        )
        notify(
            users=User.objects.filter(role=Role.REPORTER, unit=unit),
            title=f"{period.name}报表已单独开放",
            body=f"您单位的{period.name}报表已单独开放至{until.month}月{until.day}日，请尽快补报。",
            url=url,
        )
    return reopening
