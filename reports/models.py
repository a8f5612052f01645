"""Reporting periods; unit reports and workbook jobs are added by later features."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q

from tasks.models import WorkPlan


class PeriodKind(models.TextChoices):
    QUARTER = "quarter", "季度"
    MONTH = "month", "月度"


QUARTER_NAMES = {1: "第一季度", 2: "第二季度", 3: "第三季度", 4: "第四季度"}


class ReportingPeriod(models.Model):
    """A reporting period of a plan year: a quarter today, a month where a plan reports monthly."""

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
