"""Output serializers of reporting periods."""

from rest_framework import serializers

from reports.models import ReportingPeriod


class ReportingPeriodSerializer(serializers.ModelSerializer):
    class Meta:
        model = ReportingPeriod
        fields = [
            "id",
            "plan",
            "kind",
            "number",
            "name",
            "start_date",
            "end_date",
            "opens_on",
            "due_date",
            "is_locked",
        ]
