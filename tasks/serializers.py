"""Output serializers of the plan API (input serializers arrive with the write endpoints)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from tasks.models import Indicator, KeyTask, Section, WorkPlan


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
            "target_display",
            "source_text",
        ]


class KeyTaskSerializer(serializers.ModelSerializer):
    leads = serializers.SerializerMethodField()
    participants = serializers.SerializerMethodField()
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
            "participants",
            "indicators",
            "updated_at",
        ]

    @extend_schema_field(UnitRefSerializer(many=True))
    def get_leads(self, task: KeyTask) -> list[dict[str, object]]:
        return [{"id": lead.unit_id, "name": lead.unit.name} for lead in task.leads.all()]

    @extend_schema_field(UnitRefSerializer(many=True))
    def get_participants(self, task: KeyTask) -> list[dict[str, object]]:
        return [
            {"id": p.unit_id, "name": p.unit.name, "group": p.group}
            for p in task.participants.all()
        ]
