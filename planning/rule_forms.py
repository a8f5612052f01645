"""The form of an indicator check rule (指标校验规则): parses what was typed; the service
(tasks.services.rules) checks it, the bound included, so the form keeps the bound as text."""

from __future__ import annotations

from typing import Any

from django import forms

from planning.editing_forms import ServiceErrorsMixin
from tasks.models import Indicator, IndicatorKind, IndicatorRule, RuleKind


class IndicatorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"第 {obj.task.number} 项 · {obj.name}"


class RuleForm(ServiceErrorsMixin, forms.Form):
    kind = forms.ChoiceField(
        label="规则",
        choices=[("", "请选择…"), *RuleKind.choices],
        required=False,  # the service names what is missing
    )
    bound = forms.CharField(
        label="界限值",
        required=False,
        max_length=20,
        help_text="“不低于”“不高于”时填写，核对每次填报的数值（本期新增或比率值）。",
    )
    other = IndicatorChoiceField(
        label="比较指标",
        queryset=Indicator.objects.none(),
        required=False,
        empty_label="（不与其他指标比较）",
        error_messages={"invalid_choice": "比较指标须是同一年度工作要点中的数量型或比率型指标。"},
        help_text="“不高于/不低于另一指标”时选择，核对两个指标的累计值（比率取最新值）。",
    )
    note = forms.CharField(
        label="提示语",
        required=False,
        max_length=200,
        help_text="可选，附在提醒后，如“培训人数不应超过队伍总人数”。",
        error_messages={"max_length": "提示语最多 %(limit_value)d 字。"},
    )

    def __init__(self, *args: Any, indicator: Indicator, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.indicator = indicator
        choices = (
            Indicator.objects.filter(
                task__plan_id=indicator.task.plan_id,
                kind__in=[IndicatorKind.COUNT, IndicatorKind.RATE],
            )
            .exclude(pk=indicator.pk)
            .select_related("task")
            .order_by("task__number", "order")
        )
        field: Any = self.fields["other"]
        field.queryset = choices
        self.fields["bound"].widget.attrs.update(inputmode="decimal", autocomplete="off")
        self.style_widgets()

    @classmethod
    def initial_for(cls, rule: IndicatorRule) -> dict[str, Any]:
        bound = format(rule.bound.normalize(), "f") if rule.bound is not None else ""
        return {"kind": rule.kind, "bound": bound, "other": rule.other_id, "note": rule.note}

    def service_kwargs(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "bound": data["bound"],
            "other": data["other"],
            "note": data["note"],
        }
