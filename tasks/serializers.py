"""Output serializers of the plan API (input serializers arrive with the write endpoints)."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from history.models import Event
from tasks.models import (
    CadenceOccurrence,
    Indicator,
    IndicatorActual,
    Instruction,
    InstructionMessage,
    KeyTask,
    ProgressStatus,
    ProgressUpdate,
    ReportingPeriod,
    Section,
    TaskParticipant,
    WorkPlan,
)
from tasks.selectors import instruction_days_overdue
from tasks.services import ActualInput, ProgressInput
from unionplan import clock
from unionplan.fields import LongTextInput


class UnitRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    group = serializers.CharField(required=False)


class WorkPlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = WorkPlan
        fields = ["id", "year", "title", "framework", "paragraphs", "status", "updated_at"]


class SectionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Section
        fields = ["id", "plan", "number", "numeral", "title"]


class IndicatorSerializer(serializers.ModelSerializer):
    target_display = serializers.CharField(read_only=True)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "task",
            "order",
            "name",
            "kind",
            "measure_unit",
            "comparator",
            "target",
            "per_unit_target",
            "cadence",
            "target_display",
            "source_text",
        ]


def participant_ref(participant: TaskParticipant) -> dict[str, object]:
    return {"id": participant.unit_id, "name": participant.unit.name, "group": participant.group}


class KeyTaskSummarySerializer(serializers.ModelSerializer):
    """A task in a list: its participating units as a count and a link, never inline (a task of
    "各街道总工会" has a row per unit, and a page holds up to 200 tasks)."""

    leads = serializers.SerializerMethodField()
    participant_count = serializers.IntegerField(read_only=True, help_text="参与单位数")
    participants_url = serializers.SerializerMethodField(help_text="参与单位列表的地址")
    indicators = IndicatorSerializer(many=True, read_only=True)

    class Meta:
        model = KeyTask
        fields = [
            "id",
            "plan",
            "section",
            "number",
            "title",
            "description",
            "due_date",
            "leads",
            "participants_text",
            "participant_count",
            "participants_url",
            "indicators",
            "updated_at",
        ]

    @extend_schema_field(UnitRefSerializer(many=True))
    def get_leads(self, task: KeyTask) -> list[dict[str, object]]:
        return [{"id": lead.unit_id, "name": lead.unit.name} for lead in task.leads.all()]

    def get_participants_url(self, task: KeyTask) -> str:
        return reverse("task-participants", kwargs={"pk": task.pk})


class KeyTaskSerializer(KeyTaskSummarySerializer):
    """One task with its participating units in full."""

    participants = serializers.SerializerMethodField()

    class Meta(KeyTaskSummarySerializer.Meta):
        fields = [*KeyTaskSummarySerializer.Meta.fields, "participants"]

    @extend_schema_field(UnitRefSerializer(many=True))
    def get_participants(self, task: KeyTask) -> list[dict[str, object]]:
        return [participant_ref(p) for p in task.participants.all()]


class EventSerializer(serializers.ModelSerializer):
    """One entry of a task's full history."""

    source_label = serializers.CharField(read_only=True)
    # "action" stays create/update/delete as before; the action's name is "verb".
    action = serializers.CharField(source="kind", read_only=True)
    verb = serializers.SerializerMethodField()
    changes = serializers.ListField(
        child=serializers.ListField(child=serializers.CharField()), read_only=True
    )

    def get_verb(self, event: Event) -> str:
        return event.action.verb if event.action is not None else ""

    class Meta:
        model = Event
        fields = [
            "id",
            "created_at",
            "actor",
            "actor_name",
            "source",
            "source_label",
            "action",
            "verb",
            "object_type",
            "object_label",
            "object_id",
            "object_repr",
            "changes",
        ]


class IndicatorActualSerializer(serializers.ModelSerializer):
    class Meta:
        model = IndicatorActual
        fields = ["indicator", "value", "done", "done_on"]


class ProgressUpdateSerializer(serializers.ModelSerializer):
    actuals = IndicatorActualSerializer(many=True, read_only=True)

    class Meta:
        model = ProgressUpdate
        fields = [
            "id",
            "task",
            "period",
            "status",
            "percent",
            "progress",
            "problems",
            "next_steps",
            "regression_reason",
            "version",
            "created_by",
            "updated_by",
            "created_at",
            "updated_at",
            "actuals",
        ]


class ActualInputSerializer(serializers.Serializer):
    indicator = serializers.IntegerField()
    value = serializers.DecimalField(
        max_digits=12, decimal_places=2, required=False, allow_null=True, min_value=0
    )
    done = serializers.BooleanField(required=False, default=False)
    done_on = serializers.DateField(required=False, allow_null=True)


class ProgressInputSerializer(serializers.Serializer):
    """A progress update as an API client submits it; the same service checks the rules."""

    period = serializers.PrimaryKeyRelatedField(queryset=ReportingPeriod.objects.all())
    status = serializers.ChoiceField(choices=ProgressStatus.choices)
    percent = serializers.IntegerField(min_value=0, max_value=100)
    progress = LongTextInput(label="进展情况")
    problems = LongTextInput(label="存在问题", required=False, allow_blank=True, default="")
    next_steps = LongTextInput(label="下一步计划", required=False, allow_blank=True, default="")
    regression_reason = LongTextInput(
        label="回退原因",
        required=False,
        allow_blank=True,
        default="",
        help_text="完成进度低于上期，或由已完成改为其他状态时必填：进度回退的原因",
    )
    version = serializers.IntegerField(
        min_value=0, help_text="所依据的版本：新建填 0，修改填读取到的 version"
    )
    actuals = ActualInputSerializer(many=True, required=False, default=list)

    def to_input(self) -> ProgressInput:
        data = self.validated_data
        return ProgressInput(
            status=data["status"],
            percent=data["percent"],
            progress=data["progress"],
            problems=data["problems"],
            next_steps=data["next_steps"],
            actuals={
                a["indicator"]: ActualInput(
                    value=a.get("value"), done=a.get("done", False), done_on=a.get("done_on")
                )
                for a in data["actuals"]
            },
            regression_reason=data["regression_reason"],
        )


class CadenceSlotSerializer(serializers.Serializer):
    """One slot of a cadence indicator (频次): its dates, occurrences and state."""

    number = serializers.IntegerField()
    label = serializers.CharField()  # type: ignore[assignment]  # a field named like Field.label
    start = serializers.DateField()
    end = serializers.DateField()
    count = serializers.IntegerField()
    last_done_on = serializers.DateField(allow_null=True)
    status = serializers.CharField()
    status_label = serializers.CharField()


class OccurrenceSerializer(serializers.ModelSerializer):
    class Meta:
        model = CadenceOccurrence
        fields = ["id", "indicator", "slot", "done_on", "note", "recorded_by", "created_at"]


class OccurrenceInputSerializer(serializers.Serializer):
    indicator = serializers.IntegerField()
    done_on = serializers.DateField()
    note = LongTextInput(label="开展情况")


class IndicatorStateSerializer(serializers.Serializer):
    indicator = serializers.IntegerField(source="indicator.pk")
    name = serializers.CharField(source="indicator.name")
    target_display = serializers.CharField(source="indicator.target_display")
    actual = serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True)
    percent = serializers.IntegerField(allow_null=True)
    met = serializers.BooleanField()
    cadence = serializers.CharField(source="indicator.cadence")
    slots = CadenceSlotSerializer(many=True)


class TaskStateSerializer(serializers.Serializer):
    """Where a task stands: colour, percent, expected progress and indicator actuals."""

    task = serializers.IntegerField(source="task.pk")
    colour = serializers.CharField()
    colour_label = serializers.CharField()
    percent = serializers.IntegerField()
    expected = serializers.FloatField()
    behind = serializers.FloatField()
    latest = ProgressUpdateSerializer(allow_null=True)
    indicators = IndicatorStateSerializer(many=True)


class InstructionMessageSerializer(serializers.ModelSerializer):
    """One step of a 批示's thread: an answer (答复), a follow-up (追问) or the closing (办结)."""

    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    author_name = serializers.CharField(source="author.display_name", read_only=True)

    class Meta:
        model = InstructionMessage
        fields = ["id", "kind", "kind_label", "author", "author_name", "text", "created_at"]
        read_only_fields = fields


class InstructionSerializer(serializers.ModelSerializer):
    is_open = serializers.BooleanField(read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    overdue_days = serializers.SerializerMethodField(
        help_text="待办理且超过办理时限的天数（未逾期为 0）"
    )
    messages = InstructionMessageSerializer(many=True, read_only=True)

    class Meta:
        model = Instruction
        fields = [
            "id",
            "task",
            "author",
            "text",
            "created_at",
            "deadline",
            "state",
            "state_label",
            "overdue_days",
            "answer",
            "answered_by",
            "answered_at",
            "closed_by",
            "closed_at",
            "version",
            "is_open",
            "messages",
        ]
        read_only_fields = fields

    def get_overdue_days(self, instruction: Instruction) -> int:
        return instruction_days_overdue(instruction, clock.today())


class InstructionInputSerializer(serializers.Serializer):
    text = LongTextInput(label="批示内容")
    deadline = serializers.DateField(required=False, allow_null=True, help_text="办理时限")


class FollowUpInputSerializer(serializers.Serializer):
    text = LongTextInput(label="追问内容")
    deadline = serializers.DateField(required=False, allow_null=True, help_text="新的办理时限")
    version = serializers.IntegerField(min_value=1)


class CloseInputSerializer(serializers.Serializer):
    remark = LongTextInput(label="办结意见", required=False, allow_blank=True, default="")
    version = serializers.IntegerField(min_value=1)


class AnswerInputSerializer(serializers.Serializer):
    answer = LongTextInput(label="办理情况")
    version = serializers.IntegerField(min_value=1)
