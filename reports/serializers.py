"""Output serializers of reporting periods."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from reports.models import Attachment, Contribution, ReportEntry, ReportingPeriod, UnitReport
from reports.selectors import report_status
from reports.services import EntryInput
from unionplan.fields import REVIEW_REASON_MAX, LongTextInput


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


class ContributionSerializer(serializers.ModelSerializer):
    class Meta:
        model = Contribution
        fields = ["indicator", "value"]


class AttachmentSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "entry",
            "original_name",
            "content_type",
            "size",
            "uploaded_by",
            "uploaded_at",
            "download_url",
        ]

    def get_download_url(self, attachment: Attachment) -> str:
        return reverse("attachment-download", kwargs={"pk": attachment.pk})


class FigureWarningSerializer(serializers.Serializer):
    """A figure to verify (tasks.checks): beside which indicator, and what to check."""

    indicator = serializers.IntegerField()
    message = serializers.CharField()


class ReportEntrySerializer(serializers.ModelSerializer):
    contributions = ContributionSerializer(many=True, read_only=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    warnings = serializers.SerializerMethodField()

    class Meta:
        model = ReportEntry
        fields = [
            "id",
            "report",
            "task",
            "narrative",
            "not_applicable",
            "not_applicable_reason",
            "saved_at",
            "state",
            "return_reason",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "version",
            "contributions",
            "attachments",
            "warnings",
        ]

    @extend_schema_field(FigureWarningSerializer(many=True))
    def get_warnings(self, entry: ReportEntry) -> list[dict[str, object]]:
        # Read for the whole page by the view (reports.api), into the context.
        found = self.context.get("figure_warnings", {}).get(entry.pk, {})
        return [{"indicator": pk, "message": m} for pk, ms in found.items() for m in ms]


class UnitReportSerializer(serializers.ModelSerializer):
    status = serializers.SerializerMethodField()

    class Meta:
        model = UnitReport
        fields = ["id", "unit", "period", "submitted_at", "is_late", "status"]

    def get_status(self, report: UnitReport) -> str:
        return report_status([e.state for e in report.entries.all()])[0]


class ReportOpenSerializer(serializers.Serializer):
    period = serializers.PrimaryKeyRelatedField(queryset=ReportingPeriod.objects.all())


class ContributionInputSerializer(serializers.Serializer):
    indicator = serializers.IntegerField()
    value = serializers.DecimalField(
        max_digits=12, decimal_places=2, allow_null=True, required=False, min_value=0
    )


class EntryInputSerializer(serializers.Serializer):
    narrative = LongTextInput(label="工作情况", allow_blank=True)
    not_applicable = serializers.BooleanField(required=False, default=False)
    not_applicable_reason = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=200
    )
    contributions = ContributionInputSerializer(many=True, required=False, default=list)
    version = serializers.IntegerField(min_value=1)

    def to_input(self) -> EntryInput:
        data = self.validated_data
        return EntryInput(
            narrative=data["narrative"],
            not_applicable=data["not_applicable"],
            not_applicable_reason=data["not_applicable_reason"],
            contributions={c["indicator"]: c.get("value") for c in data["contributions"]},
        )


class ReviewInputSerializer(serializers.Serializer):
    version = serializers.IntegerField(min_value=1)
    reason = LongTextInput(
        label="退回原因",
        max_length=REVIEW_REASON_MAX,
        required=False,
        allow_blank=True,
        default="",
    )


class AttachmentUploadSerializer(serializers.Serializer):
    file = serializers.FileField()


class GridCellSerializer(serializers.Serializer):
    unit = serializers.IntegerField()
    unit_name = serializers.CharField()
    period = serializers.IntegerField()
    state = serializers.CharField()
    # DRF's metaclass takes declared fields off the class; only the stubs see Field.label here.
    label = serializers.CharField()  # type: ignore[assignment]
    late = serializers.BooleanField()
    report = serializers.IntegerField(allow_null=True)


class GridRateSerializer(serializers.Serializer):
    period = serializers.IntegerField()
    period_name = serializers.CharField()
    reporting = serializers.FloatField(allow_null=True)
    on_time = serializers.FloatField(allow_null=True)


class SubmissionGridSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    cells = GridCellSerializer(many=True)
    rates = GridRateSerializer(many=True)
