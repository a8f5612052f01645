"""Reporting: units' quarterly reports and their entries, evidence, reminders, reopenings and
workbook jobs. The reporting periods themselves are the plan's calendar (tasks.models)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from history.models import AuditedModel
from tasks.models import QUARTER_NAMES, PeriodKind, ReportingPeriod
from tasks.status import COLOUR_LABELS
from unionplan.links import url_with_pk

# The calendar moved to the plan's side; these names stay importable from here for old callers.
__all__ = ["QUARTER_NAMES", "PeriodKind", "ReportingPeriod"]


class PeriodReopening(models.Model):
    """A locked period reopened for one unit by an administrator, until a date."""

    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name="填报周期",
        on_delete=models.CASCADE,
        related_name="reopenings",
    )
    unit = models.ForeignKey(
        "departments.Unit", verbose_name="单位", on_delete=models.CASCADE, related_name="+"
    )
    until = models.DateField("开放至")
    reason = models.CharField("原因", max_length=200, blank=True)
    reopened_by = models.ForeignKey(
        "departments.User", verbose_name="操作人", on_delete=models.PROTECT, related_name="+"
    )
    reopened_at = models.DateTimeField("操作时间", auto_now_add=True)

    class Meta:
        verbose_name = "单独开放"
        verbose_name_plural = "单独开放"
        constraints = [
            models.UniqueConstraint(fields=["period", "unit"], name="reopening_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.period} · {self.unit}（至 {self.until}）"


class UnitReport(AuditedModel):
    """A unit's quarterly report: one entry for each task the unit takes part in."""

    audit_fields = ("submitted_at", "is_late")

    unit = models.ForeignKey(
        "departments.Unit",
        verbose_name="填报单位",
        on_delete=models.PROTECT,
        related_name="reports",
    )
    period = models.ForeignKey(
        ReportingPeriod, verbose_name="填报周期", on_delete=models.PROTECT, related_name="reports"
    )
    submitted_at = models.DateTimeField("首次提交时间", null=True, blank=True)
    is_late = models.BooleanField("逾期提交", default=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "单位季度报表"
        verbose_name_plural = "单位季度报表"
        ordering = ["period", "unit__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "period"], name="report_one_per_unit_period"),
        ]

    def __str__(self) -> str:
        return f"{self.unit.name} {self.period.name}报表"

    def get_absolute_url(self) -> str:
        return url_with_pk("reports:report_detail", self.pk)

    def audit_scope(self) -> dict[str, int | None]:
        return {"report_id": self.pk}


class EntryState(models.TextChoices):
    DRAFT = "draft", "未提交"
    SUBMITTED = "submitted", "待审核"
    APPROVED = "approved", "已通过"
    RETURNED = "returned", "已退回"


class ReportEntry(AuditedModel):
    """What a unit did for one task in the period, reviewed by the task's lead department."""

    audit_fields = (
        "narrative",
        "not_applicable",
        "not_applicable_reason",
        "state",
        "return_reason",
    )

    report = models.ForeignKey(
        UnitReport, verbose_name="单位报表", on_delete=models.CASCADE, related_name="entries"
    )
    task = models.ForeignKey(
        "tasks.KeyTask", verbose_name="重点工作", on_delete=models.PROTECT, related_name="entries"
    )
    narrative = models.TextField("工作情况", blank=True)
    not_applicable = models.BooleanField("本期不涉及", default=False)
    not_applicable_reason = models.CharField("不涉及原因", max_length=200, blank=True)
    saved_at = models.DateTimeField("最近暂存时间", null=True, blank=True)
    state = models.CharField(
        "状态", max_length=20, choices=EntryState.choices, default=EntryState.DRAFT
    )
    return_reason = models.TextField("退回原因", blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        "departments.User",
        verbose_name="审核人",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "报表条目"
        verbose_name_plural = "报表条目"
        ordering = ["report", "task__number"]
        constraints = [
            models.UniqueConstraint(fields=["report", "task"], name="entry_one_per_task"),
        ]

    def __str__(self) -> str:
        return f"{self.report.unit.display_name} · 第{self.task.number}项"

    def audit_scope(self) -> dict[str, int | None]:
        return {"report_id": self.report_id, "task_id": self.task_id}

    @property
    def is_editable(self) -> bool:
        return self.state in (EntryState.DRAFT, EntryState.RETURNED)


class Contribution(AuditedModel):
    """A unit's figure for one indicator in an entry: its share of a count, or its rate."""

    audit_fields = ("value",)

    entry = models.ForeignKey(
        ReportEntry, verbose_name="报表条目", on_delete=models.CASCADE, related_name="contributions"
    )
    indicator = models.ForeignKey(
        "tasks.Indicator",
        verbose_name="量化指标",
        on_delete=models.CASCADE,
        related_name="contributions",
    )
    value = models.DecimalField("贡献值", max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = "指标贡献"
        verbose_name_plural = "指标贡献"
        constraints = [
            models.UniqueConstraint(fields=["entry", "indicator"], name="contribution_unique"),
            models.CheckConstraint(condition=Q(value__gte=0), name="contribution_value_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.name}：{self.value}"

    def audit_scope(self) -> dict[str, int | None]:
        return {"report_id": self.entry.report_id, "task_id": self.entry.task_id}


def attachment_path(instance: Attachment, filename: str) -> str:
    # Stored under MEDIA_ROOT/private: never under a public static path; served by a view
    # that asks the policy. The stored name is random; the original name is kept in a field.
    import uuid

    return f"private/attachments/{instance.entry.report.period.plan.year}/{uuid.uuid4().hex}"


class Attachment(AuditedModel):
    """Evidence (佐证材料) of an entry: an image, PDF, Word or Excel file."""

    audit_fields = ("original_name", "size")

    entry = models.ForeignKey(
        ReportEntry, verbose_name="报表条目", on_delete=models.CASCADE, related_name="attachments"
    )
    file = models.FileField("文件", upload_to=attachment_path, max_length=200)
    original_name = models.CharField("文件名", max_length=200)
    content_type = models.CharField("文件类型", max_length=100)
    size = models.PositiveIntegerField("大小（字节）")
    uploaded_by = models.ForeignKey(
        "departments.User", verbose_name="上传人", on_delete=models.PROTECT, related_name="+"
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)

    class Meta:
        verbose_name = "佐证材料"
        verbose_name_plural = "佐证材料"
        ordering = ["entry", "uploaded_at"]

    def __str__(self) -> str:
        return self.original_name

    def audit_scope(self) -> dict[str, int | None]:
        return {"report_id": self.entry.report_id, "task_id": self.entry.task_id}


class ReminderKind(models.TextChoices):
    AUTO = "auto", "自动催报"
    MANUAL = "manual", "人工催报"
    OVERDUE = "overdue", "逾期通报"


class Reminder(models.Model):
    """A reminder (催报) sent to a unit for a period; one of each kind a day at most."""

    period = models.ForeignKey(
        ReportingPeriod, verbose_name="填报周期", on_delete=models.CASCADE, related_name="reminders"
    )
    unit = models.ForeignKey(
        "departments.Unit",
        verbose_name="单位",
        on_delete=models.CASCADE,
        related_name="+",
        null=True,
        blank=True,
    )
    kind = models.CharField("类型", max_length=20, choices=ReminderKind.choices)
    sent_on = models.DateField("日期")
    sent_by = models.ForeignKey(
        "departments.User",
        verbose_name="催报人",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    message = models.CharField("内容", max_length=300)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "催报记录"
        verbose_name_plural = "催报记录"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["period", "unit", "kind", "sent_on"],
                name="reminder_once_a_day",
            ),
        ]

    def __str__(self) -> str:
        return self.message


class JobStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "生成中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"
    EXPIRED = "expired", "已过期"


class JobKind(models.TextChoices):
    """The documents the export pipeline builds (exports.registry holds how)."""

    QUARTERLY = "quarterly", "季度推进情况表"
    TASK_LIST = "task_list", "重点工作清单"
    UNIT = "unit", "单位季度报表"
    YEAR_SUMMARY = "year_summary", "年度工作总结初稿"
    BRIEFING = "briefing", "季度通报"


class ReportJob(models.Model):
    """A request for the quarterly workbook; this row, not the broker, is the truth about it."""

    period = models.ForeignKey(
        ReportingPeriod, verbose_name="填报周期", on_delete=models.CASCADE, related_name="jobs"
    )
    department = models.ForeignKey(
        "departments.Unit",
        verbose_name="部室",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    unit = models.ForeignKey(
        "departments.Unit",
        verbose_name="单位",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text="单位季度报表的单位（街道、行业或社区工会）",
    )
    requested_by = models.ForeignKey(
        "departments.User",
        verbose_name="申请人",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    kind = models.CharField(
        "类型", max_length=30, choices=JobKind.choices, default=JobKind.QUARTERLY
    )
    params = models.JSONField("参数", default=dict, blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED
    )
    error = models.TextField("失败原因", blank=True)
    file = models.FileField("文件", upload_to="private/exports/", max_length=200, blank=True)
    attempts = models.PositiveSmallIntegerField("执行次数", default=0)
    created_at = models.DateTimeField("申请时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "报表任务"
        verbose_name_plural = "报表任务"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="job_status_time")]

    def __str__(self) -> str:
        return f"{self.period} {self.get_kind_display()} #{self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status in (JobStatus.DONE, JobStatus.FAILED, JobStatus.EXPIRED)

    @property
    def colour_label(self) -> str:
        """The colour a list export was limited to, as people read it (e.g. 严重滞后)."""
        colour = self.params.get("colour", "") if isinstance(self.params, dict) else ""
        return {c.value: label for c, label in COLOUR_LABELS.items()}.get(str(colour), "")

    @property
    def file_name(self) -> str:
        scope = f"（{self.department.name}）" if self.department is not None else ""
        if self.kind == JobKind.TASK_LIST:
            return f"{self.period.plan.year}年重点工作清单{scope}.xlsx"
        if self.kind == JobKind.UNIT and self.unit is not None:
            return f"{self.period.plan.year}年{self.period.name}{self.unit.name}报表.xlsx"
        if self.kind == JobKind.YEAR_SUMMARY:
            return f"{self.period.plan.year}年工作总结初稿.docx"
        if self.kind == JobKind.BRIEFING:
            return f"{self.period.plan.year}年{self.period.name}重点工作推进情况通报.pdf"
        return f"{self.period.plan.year}年{self.period.name}推进情况表{scope}.xlsx"
