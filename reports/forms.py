"""Forms of the unit workspace and the review queue; they call the same services as the API."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from reports.models import ReportEntry
from reports.services import EntryInput
from tasks.models import IndicatorKind
from unionplan.fields import REVIEW_REASON_MAX, LongTextField


class EntryForm(forms.Form):
    """A unit's narrative for one task and its figure for each count or rate indicator."""

    narrative = LongTextField(
        label="工作情况", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    not_applicable = forms.BooleanField(label="本期不涉及", required=False)
    not_applicable_reason = forms.CharField(
        label="不涉及原因",
        required=False,
        max_length=200,
        error_messages={"max_length": "不涉及原因不超过 %(limit_value)d 个字。"},
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            "required": "缺少版本号，请刷新页面。",
            "invalid": "版本号无效，请刷新页面。",
        },
    )

    def __init__(self, *args: Any, entry: ReportEntry, **kwargs: Any) -> None:
        kwargs.setdefault("prefix", f"e{entry.pk}")
        super().__init__(*args, **kwargs)
        self.entry = entry
        self.indicators = [
            i
            for i in entry.task.indicators.all()
            if i.kind in (IndicatorKind.COUNT, IndicatorKind.RATE)
        ]
        for ind in self.indicators:
            rate = ind.kind == IndicatorKind.RATE
            self.fields[f"contribution_{ind.pk}"] = forms.DecimalField(
                label=f"{ind.name}（{'本单位比率 %' if rate else '本期完成 ' + ind.measure_unit}）",
                required=False,
                min_value=0,
                max_value=100 if rate else None,
                max_digits=12,
                decimal_places=2,
                error_messages={
                    "invalid": "请输入数字。",
                    "min_value": "不能为负数。",
                    "max_value": "比率不能超过 100%%。",  # %%: the message is %-formatted
                },
            )

    @classmethod
    def initial_for(cls, entry: ReportEntry) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "narrative": entry.narrative,
            "not_applicable": entry.not_applicable,
            "not_applicable_reason": entry.not_applicable_reason,
            "version": entry.version,
        }
        for c in entry.contributions.all():
            initial[f"contribution_{c.indicator_id}"] = format(c.value.normalize(), "f")
        return initial

    def to_input(self) -> EntryInput:
        return EntryInput(
            narrative=self.cleaned_data["narrative"],
            not_applicable=self.cleaned_data["not_applicable"],
            not_applicable_reason=self.cleaned_data["not_applicable_reason"],
            contributions={
                ind.pk: self.cleaned_data[f"contribution_{ind.pk}"] for ind in self.indicators
            },
        )

    def add_service_errors(self, error: ValidationError) -> None:
        for key, messages in error.message_dict.items():
            self.add_error(key if key in self.fields else None, messages)


class AttachmentForm(forms.Form):
    file = forms.FileField(label="佐证材料", error_messages={"required": "请选择要上传的文件。"})


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", "通过"), ("return", "退回")])
    reason = forms.CharField(
        label="退回原因",
        required=False,
        max_length=REVIEW_REASON_MAX,
        error_messages={
            "max_length": f"退回原因最多 {REVIEW_REASON_MAX} 字，现为 %(show_value)d 字。"
        },
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
