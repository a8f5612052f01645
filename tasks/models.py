"""The yearly work plan: plans, sections, key tasks, their leads, participants and indicators."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import F, Q
from django.urls import reverse

from departments.models import Unit
from history.models import AuditedModel
from unionplan.links import url_with_pk


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    ACTIVE = "active", "执行中"
    ARCHIVED = "archived", "已归档"


class PeriodKind(models.TextChoices):
    QUARTER = "quarter", "季度"
    MONTH = "month", "月度"


class WorkPlan(models.Model):
    """The year's work plan (工作要点): one per year."""

    year = models.PositiveSmallIntegerField("年度", unique=True)
    title = models.CharField("标题", max_length=200)
    framework = models.CharField("工作思路", max_length=40, blank=True, help_text="如 123430")
    paragraphs = models.JSONField("说明段落", default=list, blank=True)
    status = models.CharField(
        "状态", max_length=20, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    source_text = models.TextField("导入原文", blank=True)
    rhythm = models.CharField(
        "填报节奏",
        max_length=10,
        choices=PeriodKind.choices,
        default=PeriodKind.QUARTER,
        help_text="按季度或按月填报；个别重点工作可另设",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    # Replaced by every write that can change a figure of the plan: the key of its cached
    # figures (tasks/standing.py).
    figures_stamp = models.UUIDField("数据版本", default=uuid.uuid4, editable=False)

    class Meta:
        verbose_name = "工作要点"
        verbose_name_plural = "工作要点"
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2000) & Q(year__lte=2100), name="plan_year_in_range"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The year moves every task's expected progress: cached figures are not read again.
        self.figures_stamp = uuid.uuid4()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "figures_stamp"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("tasks:plan_overview", kwargs={"year": self.year})


class Section(models.Model):
    """A section of the plan (一 … 五)."""

    plan = models.ForeignKey(
        WorkPlan, verbose_name="工作要点", on_delete=models.CASCADE, related_name="sections"
    )
    number = models.PositiveSmallIntegerField("序号")
    numeral = models.CharField("序号（汉字）", max_length=8)
    title = models.CharField("标题", max_length=300)
    description = models.TextField(
        "导语", blank=True, help_text="板块开头的引导语，如“……，重点做好以下工作：”"
    )

    class Meta:
        verbose_name = "板块"
        verbose_name_plural = "板块"
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="section_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="section_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.numeral}、{self.title}"


class KeyTask(AuditedModel):
    """A key task (重点工作), numbered across the whole plan."""

    audit_fields = (
        "section",
        "number",
        "title",
        "description",
        "participants_text",
        "due_date",
        "node_targets",
        "rhythm",
    )

    plan = models.ForeignKey(
        WorkPlan, verbose_name="工作要点", on_delete=models.CASCADE, related_name="tasks"
    )
    section = models.ForeignKey(
        Section, verbose_name="板块", on_delete=models.CASCADE, related_name="tasks"
    )
    number = models.PositiveSmallIntegerField("序号")
    title = models.CharField("重点工作", max_length=200)
    description = models.TextField("工作内容")
    participants_text = models.CharField("参与单位（原文）", max_length=300, blank=True)
    due_date = models.DateField("完成时限")
    node_targets = models.JSONField(
        "季度节点目标",
        default=list,
        blank=True,
        help_text="四个季度末应达到的进度（%），如 [10, 60, 80, 100]；留空则按时间进度",
    )
    rhythm = models.CharField(
        "填报节奏",
        max_length=10,
        choices=PeriodKind.choices,
        blank=True,
        help_text="留空则随工作要点的填报节奏",
    )
    lead_units = models.ManyToManyField(
        Unit, verbose_name="牵头部室", through="TaskLead", related_name="led_tasks"
    )
    participant_units = models.ManyToManyField(
        Unit,
        verbose_name="参与单位",
        through="TaskParticipant",
        related_name="participating_tasks",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "重点工作"
        verbose_name_plural = "重点工作"
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="task_number_unique_in_plan"),
            models.CheckConstraint(condition=Q(number__gte=1), name="task_number_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"

    def get_absolute_url(self) -> str:
        return url_with_pk("tasks:task_detail", self.pk)

    def audit_scope(self) -> dict[str, int | None]:
        return {"task_id": self.pk, "plan_id": self.plan_id}


class TaskLead(models.Model):
    """A lead department of a task, in the order the plan names them."""

    task = models.ForeignKey(KeyTask, on_delete=models.CASCADE, related_name="leads")
    unit = models.ForeignKey(
        Unit, verbose_name="牵头部室", on_delete=models.PROTECT, related_name="task_leads"
    )
    order = models.PositiveSmallIntegerField("顺序", default=0)

    class Meta:
        verbose_name = "牵头部室"
        verbose_name_plural = "牵头部室"
        ordering = ["task", "order"]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit"], name="task_lead_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.task.number} · {self.unit}"


class TaskParticipant(models.Model):
    """A unit taking part in a task, with the plan's group it came from (e.g. 各街道总工会)."""

    task = models.ForeignKey(KeyTask, on_delete=models.CASCADE, related_name="participants")
    unit = models.ForeignKey(
        Unit, verbose_name="参与单位", on_delete=models.PROTECT, related_name="task_participations"
    )
    group = models.CharField("所属分组（原文）", max_length=40, blank=True)

    class Meta:
        verbose_name = "参与单位"
        verbose_name_plural = "参与单位"
        ordering = ["task", "unit__kind", "unit__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["task", "unit"], name="task_participant_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.task.number} · {self.unit}"


class IndicatorKind(models.TextChoices):
    COUNT = "count", "数量型"
    RATE = "rate", "比率型"
    MILESTONE = "milestone", "节点型"
    CADENCE = "cadence", "频次型"


class Cadence(models.TextChoices):
    """How often a cadence indicator (频次) must happen: each slot of the year is an obligation."""

    MONTH = "month", "每月"
    BIMONTH = "bimonth", "每两月"
    QUARTER = "quarter", "每季度"
    YEAR = "year", "每年"


class Comparator(models.TextChoices):
    GTE = "gte", "≥"
    EQ = "eq", "="
    LTE = "lte", "≤"


class MeasureUnit(models.TextChoices):
    SESSION = "场", "场"
    ITEM = "个", "个"
    ORGANISATION = "家", "家"
    PERSON_NAMED = "名", "名"
    PERSON = "人", "人"
    PERSON_TIME = "人次", "人次"
    BATCH = "批次", "批次"
    ISSUE = "期", "期"
    TIME = "次", "次"
    PERCENT = "%", "%"
    NONE = "", "（无）"


class Indicator(AuditedModel):
    """A quantitative target (量化指标) of a task."""

    audit_fields = (
        "name",
        "kind",
        "measure_unit",
        "comparator",
        "target",
        "per_unit_target",
        "cadence",
    )

    task = models.ForeignKey(
        KeyTask, verbose_name="重点工作", on_delete=models.CASCADE, related_name="indicators"
    )
    order = models.PositiveSmallIntegerField("顺序", default=0)
    name = models.CharField("指标名称", max_length=200)
    kind = models.CharField("类型", max_length=20, choices=IndicatorKind.choices)
    measure_unit = models.CharField(
        "计量单位", max_length=8, choices=MeasureUnit.choices, blank=True
    )
    comparator = models.CharField(
        "比较方式", max_length=4, choices=Comparator.choices, default=Comparator.GTE
    )
    target = models.DecimalField("目标值", max_digits=12, decimal_places=2, null=True, blank=True)
    per_unit_target = models.DecimalField(
        "各单位目标",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="原文按“各街道”布置时每个单位的目标",
    )
    cadence = models.CharField(
        "频次",
        max_length=10,
        choices=Cadence.choices,
        blank=True,
        help_text="频次型指标：每月、每两月、每季度或每年须开展的次数（目标值）",
    )
    source_text = models.CharField("原文", max_length=300, blank=True)

    class Meta:
        verbose_name = "量化指标"
        verbose_name_plural = "量化指标"
        ordering = ["task", "order"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target__isnull=True) | Q(target__gte=0), name="indicator_target_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(per_unit_target__isnull=True) | Q(per_unit_target__gte=0),
                name="indicator_per_unit_target_gte_0",
            ),
            models.CheckConstraint(
                condition=~Q(kind="rate") | Q(target__isnull=True) | Q(target__lte=100),
                name="indicator_rate_at_most_100",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=["count", "rate"]) | Q(target__isnull=False),
                name="indicator_count_rate_have_target",
            ),
            models.CheckConstraint(
                condition=~Q(kind="cadence") | ~Q(cadence=""),
                name="indicator_cadence_has_frequency",
            ),
            models.UniqueConstraint(fields=["task", "name"], name="indicator_name_unique_in_task"),
        ]

    def __str__(self) -> str:
        return self.name

    def audit_scope(self) -> dict[str, int | None]:
        return {"task_id": self.task_id}

    @property
    def target_display(self) -> str:
        """The target as the plan would write it, e.g. "≥ 22 个" or "完成"."""
        if self.kind == IndicatorKind.MILESTONE or self.target is None:
            return "完成"
        number = format(Decimal(str(self.target)).normalize(), "f")
        if self.kind == IndicatorKind.CADENCE:  # e.g. "每季度 1 次"
            return f"{self.get_cadence_display()} {number} {self.measure_unit or '次'}"
        prefix = {"gte": "≥ ", "lte": "≤ ", "eq": ""}[self.comparator]
        unit = self.measure_unit
        return f"{prefix}{number}{'' if unit == '%' else ' '}{unit}".strip()


class IndicatorAllocation(models.Model):
    """A unit's share of a count indicator (指标分解), e.g. 2 lawyer posts for one street."""

    indicator = models.ForeignKey(
        Indicator, verbose_name="量化指标", on_delete=models.CASCADE, related_name="allocations"
    )
    unit = models.ForeignKey(
        Unit, verbose_name="单位", on_delete=models.PROTECT, related_name="allocations"
    )
    target = models.DecimalField("分解目标", max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = "指标分解"
        verbose_name_plural = "指标分解"
        ordering = ["indicator", "unit__sort_order"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "unit"], name="allocation_unique"),
            models.CheckConstraint(condition=Q(target__gte=0), name="allocation_target_gte_0"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator} · {self.unit}: {self.target}"


class CadenceOccurrence(AuditedModel):
    """One occurrence of a cadence indicator (频次): done in slot N of the year, on a date.

    Slots follow the indicator's cadence (month 1–12, bimonth 1–6, quarter 1–4, year 1), whatever
    the plan's reporting rhythm; a slot whose end has passed without an occurrence is missed."""

    audit_fields = ("slot", "done_on", "note")

    indicator = models.ForeignKey(
        Indicator, verbose_name="频次指标", on_delete=models.CASCADE, related_name="occurrences"
    )
    slot = models.PositiveSmallIntegerField("期次")
    done_on = models.DateField("开展日期")
    note = models.TextField("开展情况", blank=True)
    evidence = models.FileField(
        "佐证材料", upload_to="private/cadence/", max_length=200, blank=True
    )
    recorded_by = models.ForeignKey(
        "departments.User", verbose_name="登记人", on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = "频次开展记录"
        verbose_name_plural = "频次开展记录"
        ordering = ["indicator", "slot", "done_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(slot__gte=1) & Q(slot__lte=12), name="occurrence_slot_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.name} 第{self.slot}期（{self.done_on}）"

    def audit_scope(self) -> dict[str, int | None]:
        return {"task_id": self.indicator.task_id}


class RuleKind(models.TextChoices):
    MIN = "min", "不低于"
    MAX = "max", "不高于"
    NOT_ABOVE = "not_above", "不高于另一指标"
    NOT_BELOW = "not_below", "不低于另一指标"


class IndicatorRule(AuditedModel):
    """A check on the figures of an indicator, defined by administrators: a warning, not a refusal.

    Reporters see it before submitting and reviewers beside the figure. Rates between 0 and 100 and
    unit contributions not above their allocation are built in and need no rule."""

    audit_fields = ("kind", "bound", "other", "note")

    indicator = models.ForeignKey(
        Indicator, verbose_name="量化指标", on_delete=models.CASCADE, related_name="rules"
    )
    kind = models.CharField("规则", max_length=12, choices=RuleKind.choices)
    bound = models.DecimalField("界限值", max_digits=12, decimal_places=2, null=True, blank=True)
    other = models.ForeignKey(
        Indicator,
        verbose_name="比较指标",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    note = models.CharField("提示语", max_length=200, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "指标校验规则"
        verbose_name_plural = "指标校验规则"
        ordering = ["indicator", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind__in=["min", "max"]) & Q(bound__isnull=False))
                | (Q(kind__in=["not_above", "not_below"]) & Q(other__isnull=False)),
                name="rule_has_bound_or_other",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.name}：{self.get_kind_display()}"

    def audit_scope(self) -> dict[str, int | None]:
        return {"task_id": self.indicator.task_id}


QUARTER_NAMES = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}


class ReportingPeriod(models.Model):
    """A reporting period of a plan year: a quarter today, a month where a plan reports monthly.

    The plan's calendar: it belongs to the plan's side (reports, progress updates and workbooks
    refer to it). Its table keeps the name it had when it lived in the reporting app."""

    plan = models.ForeignKey(
        WorkPlan, verbose_name="工作要点", on_delete=models.CASCADE, related_name="periods"
    )
    kind = models.CharField(
        "周期类型", max_length=10, choices=PeriodKind.choices, default=PeriodKind.QUARTER
    )
    number = models.PositiveSmallIntegerField("序号")
    name = models.CharField("名称", max_length=40)
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期")
    opens_on = models.DateField("开始填报日期")
    due_date = models.DateField("截止日期")
    is_locked = models.BooleanField("已锁定", default=False)

    class Meta:
        db_table = "reports_reportingperiod"
        verbose_name = "填报周期"
        verbose_name_plural = "填报周期"
        ordering = ["plan", "kind", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "kind", "number"], name="period_unique"),
            models.CheckConstraint(
                condition=(Q(kind="quarter") & Q(number__gte=1) & Q(number__lte=4))
                | (Q(kind="month") & Q(number__gte=1) & Q(number__lte=12)),
                name="period_number_in_range",
            ),
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="period_end_after_start"
            ),
            models.CheckConstraint(
                condition=Q(due_date__gte=F("opens_on")), name="period_due_after_opening"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan.year}年{self.name}"


class ProgressStatus(models.TextChoices):
    NOT_STARTED = "not_started", "未启动"
    IN_PROGRESS = "in_progress", "推进中"
    DONE = "done", "已完成"


class ProgressUpdate(AuditedModel):
    """The lead department's account of a task in one reporting period; edits are versioned."""

    audit_fields = ("status", "percent", "progress", "problems", "next_steps", "regression_reason")

    task = models.ForeignKey(
        KeyTask, verbose_name="重点工作", on_delete=models.CASCADE, related_name="updates"
    )
    period = models.ForeignKey(
        ReportingPeriod,
        verbose_name="填报周期",
        on_delete=models.PROTECT,
        related_name="progress_updates",
    )
    status = models.CharField(
        "推进状态",
        max_length=20,
        choices=ProgressStatus.choices,
        default=ProgressStatus.IN_PROGRESS,
    )
    percent = models.PositiveSmallIntegerField("完成进度（%）", default=0)
    progress = models.TextField("进展情况")
    problems = models.TextField("存在问题", blank=True)
    next_steps = models.TextField("下一步计划", blank=True)
    regression_reason = models.TextField(
        "进度回退原因",
        blank=True,
        help_text="完成进度低于上期，或由已完成改回推进中时填写的原因",
    )
    version = models.PositiveIntegerField("版本", default=1)
    created_by = models.ForeignKey(
        "departments.User",
        verbose_name="填报人",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
    )
    updated_by = models.ForeignKey(
        "departments.User",
        verbose_name="最后修改人",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
    )
    created_at = models.DateTimeField("填报时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "工作进展"
        verbose_name_plural = "工作进展"
        ordering = ["task", "period__kind", "period__number"]
        constraints = [
            models.UniqueConstraint(fields=["task", "period"], name="progress_one_per_period"),
            models.CheckConstraint(
                condition=Q(percent__gte=0) & Q(percent__lte=100), name="progress_percent_0_100"
            ),
        ]

    def __str__(self) -> str:
        return f"第{self.task.number}项 {self.period.name}进展"

    def audit_scope(self) -> dict[str, int | None]:
        return {"task_id": self.task_id}


class IndicatorActual(AuditedModel):
    """The lead department's own figure for an indicator in one period.

    Count: what was achieved in the period (the district total adds all periods and approved unit
    contributions). Rate: the value at the period's end (the latest counts). Milestone: done + date.
    """

    audit_fields = ("value", "done", "done_on")

    update = models.ForeignKey(
        ProgressUpdate, verbose_name="工作进展", on_delete=models.CASCADE, related_name="actuals"
    )
    indicator = models.ForeignKey(
        Indicator, verbose_name="量化指标", on_delete=models.CASCADE, related_name="actuals"
    )
    value = models.DecimalField("完成值", max_digits=12, decimal_places=2, null=True, blank=True)
    done = models.BooleanField("已完成", default=False)
    done_on = models.DateField("完成日期", null=True, blank=True)

    class Meta:
        verbose_name = "指标完成值"
        verbose_name_plural = "指标完成值"
        constraints = [
            models.UniqueConstraint(fields=["update", "indicator"], name="actual_unique"),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0), name="actual_value_gte_0"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.name}（{self.update.period.name}）"

    def audit_scope(self) -> dict[str, int | None]:
        return {"task_id": self.indicator.task_id}


class InstructionState(models.TextChoices):
    OPEN = "open", "待办理"
    ANSWERED = "answered", "已答复"
    CLOSED = "closed", "已办结"


class Instruction(AuditedModel):
    """A leader's instruction (批示) on a task: answered by the lead department, followed up
    (追问) or closed (办结) by the leader; ``answer`` holds the latest answer, the thread of
    answers and follow-ups is ``messages``."""

    audit_fields = ("text", "answer", "deadline", "state")

    task = models.ForeignKey(
        KeyTask, verbose_name="重点工作", on_delete=models.CASCADE, related_name="instructions"
    )
    author = models.ForeignKey(
        "departments.User", verbose_name="批示领导", on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField("批示内容")
    created_at = models.DateTimeField("批示时间", auto_now_add=True)
    answer = models.TextField("办理情况", blank=True)
    answered_by = models.ForeignKey(
        "departments.User",
        verbose_name="答复人",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    deadline = models.DateField("办理时限", null=True, blank=True)
    state = models.CharField(
        "办理状态", max_length=10, choices=InstructionState.choices, default=InstructionState.OPEN
    )
    closed_by = models.ForeignKey(
        "departments.User",
        verbose_name="办结人",
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    closed_at = models.DateTimeField("办结时间", null=True, blank=True)
    version = models.PositiveIntegerField("版本", default=1)

    class Meta:
        verbose_name = "领导批示"
        verbose_name_plural = "领导批示"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        excerpt = self.text if len(self.text) <= 20 else f"{self.text[:20]}…"
        return f"第{self.task.number}项批示：{excerpt}"

    @property
    def is_open(self) -> bool:
        """Waiting for the lead department (new, or followed up since the last answer)."""
        return self.state == InstructionState.OPEN

    def audit_scope(self) -> dict[str, int | None]:
        return {"task_id": self.task_id}


class InstructionMessageKind(models.TextChoices):
    ANSWER = "answer", "答复"
    FOLLOW_UP = "follow_up", "追问"
    CLOSE = "close", "办结"


class InstructionMessage(AuditedModel):
    """One step of a 批示's thread after the instruction itself: an answer, a follow-up or the
    closing remark (audited, so that each step is in the task's history even when the
    instruction's own fields do not change, e.g. a second 追问)."""

    audit_fields = ("kind", "text")

    instruction = models.ForeignKey(
        Instruction, verbose_name="领导批示", on_delete=models.CASCADE, related_name="messages"
    )
    kind = models.CharField("类型", max_length=10, choices=InstructionMessageKind.choices)
    author = models.ForeignKey(
        "departments.User", verbose_name="填写人", on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField("内容", blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "批示办理记录"
        verbose_name_plural = "批示办理记录"
        ordering = ["instruction", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.text[:20]}"

    def audit_scope(self) -> dict[str, int | None]:
        return {"task_id": self.instruction.task_id}
