"""The forms of the plan editing pages: parse what was typed; the services enforce the rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from departments.models import KIND_DISPLAY_ORDER, Unit, UnitKind
from planning.services.editing import IndicatorInput, PlanInput, TaskInput
from tasks.models import (
    Cadence,
    Comparator,
    IndicatorKind,
    KeyTask,
    MeasureUnit,
    Section,
    WorkPlan,
)

QUARTER_LABELS = ("一季度", "二季度", "三季度", "四季度")
PLAN_RHYTHMS = [("quarter", "按季度"), ("month", "按月")]
TASK_RHYTHMS = [("", "随计划"), *PLAN_RHYTHMS]
# Kinds of unit that can take part in a task, in the order the plan names them.
PARTICIPANT_KINDS = [k for k in KIND_DISPLAY_ORDER if k != UnitKind.DISTRICT]


class ServiceErrorsMixin:
    """Bootstrap classes on the widgets; a service's ValidationError shown beside the fields it
    names (others above the form)."""

    def style_widgets(self) -> None:
        form: Any = self
        for field in form.fields.values():
            widget = field.widget
            if isinstance(widget, forms.HiddenInput | forms.CheckboxSelectMultiple):
                continue
            widget.attrs["class"] = (
                "form-select" if isinstance(widget, forms.Select) else "form-control"
            )

    def add_error(self, field: str | None, error: Any) -> None:
        form: Any = super()
        form.add_error(field, error)
        names = [field] if field else []
        if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
            names = list(error.error_dict)
        for name in names:
            if name not in self.fields:  # type: ignore[attr-defined]
                continue
            widget = self.fields[name].widget  # type: ignore[attr-defined]
            if "is-invalid" not in widget.attrs.get("class", ""):
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()

    def add_service_errors(self, error: ValidationError) -> None:
        form: Any = self
        for key, messages in error.message_dict.items():
            form.add_error(key if key in form.fields else None, messages)


class PlanForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label="标题", max_length=200)
    framework = forms.CharField(label="工作思路", max_length=40, required=False)
    paragraphs = forms.CharField(
        label="说明段落",
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="每行一段。",
    )
    # Blank (a form without it) keeps the plan's rhythm; set through plan_rhythm_set.
    rhythm = forms.ChoiceField(
        label="填报节奏",
        choices=PLAN_RHYTHMS,
        required=False,
        help_text="按月时每月设一个填报期（次月5日截止），季度数据为各月之和或最新值。",
    )

    @classmethod
    def initial_for(cls, plan: WorkPlan) -> dict[str, Any]:
        return {
            "title": plan.title,
            "framework": plan.framework,
            "paragraphs": "\n".join(plan.paragraphs or []),
            "rhythm": plan.rhythm,
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()

    def to_input(self) -> PlanInput:
        data = self.cleaned_data
        return PlanInput(
            title=data["title"],
            framework=data["framework"],
            paragraphs=data["paragraphs"].splitlines(),
        )


class SectionForm(ServiceErrorsMixin, forms.Form):
    title = forms.CharField(label="板块标题", max_length=300)
    description = forms.CharField(
        label="导语",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="板块开头的引导语，如“……，重点做好以下工作：”，可留空。",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.style_widgets()


class TaskForm(ServiceErrorsMixin, forms.Form):
    """A key task with its section, leads (ordered selects), participants and node targets."""

    section = forms.ModelChoiceField(label="所属板块", queryset=Section.objects.none())
    title = forms.CharField(label="重点工作名称", max_length=200)
    description = forms.CharField(label="工作内容", widget=forms.Textarea(attrs={"rows": 5}))
    due_date = forms.DateField(
        label="完成时限", widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
    )
    participants_text = forms.CharField(
        label="参与单位（原文）",
        max_length=300,
        required=False,
        help_text="工作要点原文中的写法，如“各街道总工会、行业工会”，仅作显示。",
    )
    participants = forms.ModelMultipleChoiceField(
        label="参与单位", queryset=Unit.objects.none(), required=False
    )
    # Where the services' "leads" and "node_targets" errors are shown.
    leads = forms.CharField(label="牵头部室", required=False, widget=forms.HiddenInput)
    node_targets = forms.CharField(label="季度节点目标", required=False, widget=forms.HiddenInput)
    # Set through task_rhythm_set; blank follows the plan.
    rhythm = forms.ChoiceField(
        label="填报节奏",
        choices=TASK_RHYTHMS,
        required=False,
        help_text="按月的工作由牵头部室和参与单位每月填报。",
    )

    def __init__(self, *args: Any, plan: WorkPlan, lead_slots: int = 3, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.plan = plan
        section_field: Any = self.fields["section"]
        section_field.queryset = plan.sections.order_by("number")
        section_field.label_from_instance = lambda s: f"{s.numeral}、{s.title}"
        self.departments = list(Unit.objects.filter(kind=UnitKind.DEPARTMENT, is_active=True))
        units = Unit.objects.filter(is_active=True, kind__in=PARTICIPANT_KINDS)
        participants_field: Any = self.fields["participants"]
        participants_field.queryset = units
        self.participant_units = list(units.order_by("sort_order", "name"))
        slots = min(max(lead_slots, 3), max(len(self.departments), 1))
        self.lead_names = [f"lead_{i}" for i in range(1, slots + 1)]
        for i, name in enumerate(self.lead_names, 1):
            field = forms.ModelChoiceField(
                label=f"牵头部室 {i}",
                queryset=Unit.objects.filter(kind=UnitKind.DEPARTMENT, is_active=True),
                required=False,
                empty_label="（不选）",
            )
            self.fields[name] = field
        self.quarter_names = [f"q{i}" for i in range(1, 5)]
        for name, label in zip(self.quarter_names, QUARTER_LABELS, strict=True):
            self.fields[name] = forms.IntegerField(
                label=label, required=False, min_value=0, max_value=100
            )
        self.style_widgets()

    @classmethod
    def initial_for(cls, task: KeyTask) -> dict[str, Any]:
        initial: dict[str, Any] = {
            "section": task.section_id,
            "title": task.title,
            "description": task.description,
            "due_date": task.due_date,
            "participants_text": task.participants_text,
            "participants": [p.unit_id for p in task.participants.all()],
            "rhythm": task.rhythm,
        }
        for i, lead in enumerate(task.leads.all(), 1):
            initial[f"lead_{i}"] = lead.unit_id
        for i, target in enumerate(task.node_targets or [], 1):
            initial[f"q{i}"] = target
        return initial

    def lead_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.lead_names]

    def quarter_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in self.quarter_names]

    def quarter_errors(self) -> list[str]:
        errors = [str(e) for e in self["node_targets"].errors]
        for field in self.quarter_fields():
            errors += [f"{field.label}：{e}" for e in field.errors]
        return errors

    def participant_groups(self) -> list[dict[str, Any]]:
        """Active units grouped by kind for the checkboxes, each marked when chosen."""
        raw = self["participants"].value() or []
        chosen = {str(v) for v in raw}
        groups = []
        for kind in PARTICIPANT_KINDS:
            units = [u for u in self.participant_units if u.kind == kind]
            if units:
                groups.append(
                    {
                        "kind": kind,
                        "label": UnitKind(kind).label,
                        "units": [(u, str(u.pk) in chosen) for u in units],
                    }
                )
        return groups

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        quarters = [data.get(name) for name in self.quarter_names]
        typed = [self.data.get(self.add_prefix(name), "").strip() for name in self.quarter_names]
        if (
            any(typed)
            and not all(typed)
            and not any(self.errors.get(n) for n in self.quarter_names)
        ):
            self.add_error(
                "node_targets", "季度节点目标须四个季度都填写，或全部留空（按时间进度）。"
            )
        data["node_target_list"] = [q for q in quarters if q is not None]
        return data

    def to_input(self) -> TaskInput:
        data = self.cleaned_data
        return TaskInput(
            title=data["title"],
            description=data["description"],
            due_date=data["due_date"],
            participants_text=data["participants_text"],
            node_targets=data["node_target_list"],
        )

    def chosen_leads(self) -> list[Unit]:
        return [self.cleaned_data[n] for n in self.lead_names if self.cleaned_data.get(n)]

    def chosen_participants(self) -> list[Unit]:
        return list(self.cleaned_data["participants"])


class IndicatorForm(ServiceErrorsMixin, forms.Form):
    """An indicator and its allocations: one number input per participating unit."""

    name = forms.CharField(label="指标名称", max_length=200)
    kind = forms.ChoiceField(label="类型", choices=IndicatorKind.choices)
    measure_unit = forms.ChoiceField(label="计量单位", choices=MeasureUnit.choices, required=False)
    comparator = forms.ChoiceField(label="比较方式", choices=Comparator.choices)
    cadence = forms.ChoiceField(
        label="频次",
        choices=[("", "（非频次型）"), *Cadence.choices],
        required=False,
        help_text="频次型指标：每期须开展的次数填在目标值中，如“每季度开展1次”为每季度、1。",
    )
    target = forms.DecimalField(
        label="目标值", required=False, min_value=0, max_digits=12, decimal_places=2
    )
    per_unit_target = forms.DecimalField(
        label="各单位目标",
        required=False,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        help_text="原文按“各街道……”布置时每个单位的目标，可留空。",
    )

    def __init__(self, *args: Any, task: KeyTask, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.task = task
        self.units = sorted(
            (p.unit for p in task.participants.select_related("unit")),
            key=lambda u: (KIND_DISPLAY_ORDER.index(UnitKind(u.kind)), u.sort_order, u.name),
        )
        for unit in self.units:
            self.fields[f"allocation_{unit.pk}"] = forms.DecimalField(
                label=unit.display_name,
                required=False,
                min_value=0,
                max_digits=12,
                decimal_places=2,
            )
        self.style_widgets()

    @classmethod
    def initial_for(cls, indicator: Any) -> dict[str, Any]:
        initial = {
            "name": indicator.name,
            "kind": indicator.kind,
            "measure_unit": indicator.measure_unit,
            "comparator": indicator.comparator,
            "target": _plain(indicator.target),
            "per_unit_target": _plain(indicator.per_unit_target),
            "cadence": indicator.cadence,
        }
        for allocation in indicator.allocations.all():
            initial[f"allocation_{allocation.unit_id}"] = _plain(allocation.target)
        return initial

    def allocation_rows(self) -> list[tuple[Unit, forms.BoundField]]:
        return [(unit, self[f"allocation_{unit.pk}"]) for unit in self.units]

    def to_input(self) -> IndicatorInput:
        data = self.cleaned_data
        return IndicatorInput(
            name=data["name"],
            kind=data["kind"],
            measure_unit=data["measure_unit"],
            comparator=data["comparator"],
            target=data["target"],
            per_unit_target=data["per_unit_target"],
            cadence=data["cadence"],
        )

    def allocations(self) -> dict[int, Decimal | None]:
        return {unit.pk: self.cleaned_data.get(f"allocation_{unit.pk}") for unit in self.units}


def _plain(value: Decimal | None) -> str:
    """A stored decimal as a person types it: 22, not 22.00."""
    return "" if value is None else format(value.normalize(), "f")
