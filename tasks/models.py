"""The yearly work plan: plans, sections, key tasks, their leads, participants and indicators."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.urls import reverse

from departments.models import Unit


class PlanStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    ACTIVE = "active", "执行中"
    ARCHIVED = "archived", "已归档"


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
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

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


class KeyTask(models.Model):
    """A key task (重点工作), numbered across the whole plan."""

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
        return reverse("tasks:task_detail", kwargs={"pk": self.pk})


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


class Indicator(models.Model):
    """A quantitative target (量化指标) of a task."""

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
            models.UniqueConstraint(fields=["task", "name"], name="indicator_name_unique_in_task"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def target_display(self) -> str:
        """The target as the plan would write it, e.g. "≥ 22 个" or "完成"."""
        if self.kind == IndicatorKind.MILESTONE or self.target is None:
            return "完成"
        number = format(Decimal(str(self.target)).normalize(), "f")
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
