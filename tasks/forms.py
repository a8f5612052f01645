"""HTML forms of the task page; they parse input and hand it to the same services as the API."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError

from tasks.models import (
    Indicator,
    IndicatorKind,
    KeyTask,
    ProgressStatus,
    ProgressUpdate,
    ReportingPeriod,
)
from tasks.services import ActualInput, ProgressInput, task_rhythm
from unionplan.fields import LongTextField


def _actual_field_names(indicator: Indicator) -> tuple[str, ...]:
    if indicator.kind == IndicatorKind.MILESTONE:
        return (f"actual_{indicator.pk}_done", f"actual_{indicator.pk}_date")
    return (f"actual_{indicator.pk}",)


class ProgressForm(forms.Form):
    """A lead department's progress update for one period, with indicator figures by kind."""

    period = forms.ModelChoiceField(
        label="填报周期", queryset=ReportingPeriod.objects.none(), empty_label=None
    )
    status = forms.ChoiceField(label="推进状态", choices=ProgressStatus.choices)
    percent = forms.IntegerField(
        label="完成进度（%）",
        min_value=0,
        max_value=100,
        error_messages={
            "invalid": "请输入 0 到 100 之间的整数。",
            "min_value": "完成进度必须在 0 到 100 之间。",
            "max_value": "完成进度必须在 0 到 100 之间。",
        },
    )
    progress = LongTextField(label="进展情况", widget=forms.Textarea(attrs={"rows": 4}))
    problems = LongTextField(
        label="存在问题", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    next_steps = LongTextField(
        label="下一步计划", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    regression_reason = LongTextField(
        label="回退原因", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(self, *args: Any, task: KeyTask, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.task = task
        period_field = cast(forms.ModelChoiceField, self.fields["period"])
        # The periods of the task's rhythm: its months when it reports monthly.
        period_field.queryset = task.plan.periods.filter(kind=task_rhythm(task)).order_by(
            "start_date"
        )
        # A cadence indicator (频次) has no figure per period: its occurrences are recorded.
        self.indicators = [i for i in task.indicators.all() if i.kind != IndicatorKind.CADENCE]
        for ind in self.indicators:
            label = f"{ind.name}（目标 {ind.target_display}）"
            if ind.kind == IndicatorKind.COUNT:
                self.fields[f"actual_{ind.pk}"] = forms.DecimalField(
                    label=f"{label}：本期完成",
                    required=False,
                    min_value=0,
                    max_digits=12,
                    decimal_places=2,
                    error_messages={"invalid": "请输入数字。", "min_value": "不能为负数。"},
                )
            elif ind.kind == IndicatorKind.RATE:
                self.fields[f"actual_{ind.pk}"] = forms.DecimalField(
                    label=f"{label}：期末比率（%）",
                    required=False,
                    min_value=0,
                    max_value=100,
                    max_digits=5,
                    decimal_places=2,
                    error_messages={
                        "invalid": "请输入数字。",
                        "min_value": "不能为负数。",
                        "max_value": "比率不能超过 100%%。",  # %%: the message is %-formatted
                    },
                )
            else:
                self.fields[f"actual_{ind.pk}_done"] = forms.BooleanField(
                    label=f"{ind.name}：已完成", required=False
                )
                self.fields[f"actual_{ind.pk}_date"] = forms.DateField(
                    label=f"{ind.name}：完成日期",
                    required=False,
                    widget=forms.DateInput(attrs={"type": "date"}),
                )

    @classmethod
    def initial_for(
        cls,
        update: ProgressUpdate | None,
        period: ReportingPeriod,
        previous: ProgressUpdate | None = None,
    ) -> dict[str, Any]:
        """Initial values: the period's stored update; else a new one at version 0 that starts
        from the latest earlier update's status and percent (its texts are shown, not copied)."""
        if update is None:
            if previous is None:
                return {"period": period.pk, "status": ProgressStatus.IN_PROGRESS, "version": 0}
            return {
                "period": period.pk,
                "status": previous.status,
                "percent": previous.percent,
                "version": 0,
            }
        initial: dict[str, Any] = {
            "period": period.pk,
            "status": update.status,
            "percent": update.percent,
            "progress": update.progress,
            "problems": update.problems,
            "next_steps": update.next_steps,
            "regression_reason": update.regression_reason,
            "version": update.version,
        }
        for actual in update.actuals.all():
            # 20, not 20.00: counts of 场 and 人次 are whole numbers to a reader.
            value = actual.value
            initial[f"actual_{actual.indicator_id}"] = (
                None if value is None else format(value.normalize(), "f")
            )
            initial[f"actual_{actual.indicator_id}_done"] = actual.done
            initial[f"actual_{actual.indicator_id}_date"] = actual.done_on
        return initial

    def indicator_fields(self) -> list[tuple[Indicator, list[forms.BoundField]]]:
        """Each indicator with its bound input fields, for the template."""
        return [(ind, [self[name] for name in _actual_field_names(ind)]) for ind in self.indicators]

    def to_input(self) -> ProgressInput:
        data = self.cleaned_data
        actuals = {}
        for ind in self.indicators:
            if ind.kind == IndicatorKind.MILESTONE:
                actuals[ind.pk] = ActualInput(
                    done=data[f"actual_{ind.pk}_done"], done_on=data[f"actual_{ind.pk}_date"]
                )
            else:
                actuals[ind.pk] = ActualInput(value=data[f"actual_{ind.pk}"])
        return ProgressInput(
            status=data["status"],
            percent=data["percent"],
            progress=data["progress"],
            problems=data["problems"],
            next_steps=data["next_steps"],
            actuals=actuals,
            regression_reason=data["regression_reason"],
        )

    def add_service_errors(self, error: ValidationError) -> None:
        """Show the service's refusals beside the fields they concern."""
        for key, messages in error.message_dict.items():
            field = (
                key
                if key in self.fields
                else f"{key}_done"
                if f"{key}_done" in self.fields
                else None
            )
            self.add_error(field, messages)


def deadline_field() -> forms.DateField:
    return forms.DateField(
        label="办理时限",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "请填写有效的日期。"},
    )


class InstructionForm(forms.Form):
    text = LongTextField(label="批示内容", widget=forms.Textarea(attrs={"rows": 3}))
    deadline = deadline_field()


class AnswerForm(forms.Form):
    answer = LongTextField(label="办理情况", widget=forms.Textarea(attrs={"rows": 3}))
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class FollowUpForm(forms.Form):
    """追问: the leader's question in the thread, optionally with a new 办理时限."""

    text = LongTextField(label="追问内容", widget=forms.Textarea(attrs={"rows": 2}))
    deadline = deadline_field()
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class CloseForm(forms.Form):
    """办结: closing the instruction, with an optional remark."""

    remark = LongTextField(
        label="办结意见", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class OccurrenceForm(forms.Form):
    """One occurrence of a cadence indicator (频次): date, what was done, optional evidence."""

    indicator = forms.IntegerField(widget=forms.HiddenInput)
    done_on = forms.DateField(
        label="开展日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"required": "请填写开展日期。", "invalid": "请输入有效日期。"},
    )
    note = LongTextField(
        label="开展情况",
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "请填写开展情况。"},
    )
    evidence = forms.FileField(label="佐证材料（可选）", required=False)
