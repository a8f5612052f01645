"""API of the export pipeline: request a document of any kind (202 with its URL), poll, download."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet
from django.http import FileResponse
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from departments.models import Unit
from exports import services
from exports.registry import builder_for
from reports.models import JobKind, ReportJob
from tasks.models import ReportingPeriod
from unionplan import policies

if TYPE_CHECKING:
    from departments.http import SignedInRequest


class ReportJobSerializer(serializers.ModelSerializer):
    url = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ReportJob
        fields = [
            "id",
            "kind",
            "period",
            "department",
            "unit",
            "params",
            "requested_by",
            "status",
            "error",
            "attempts",
            "created_at",
            "started_at",
            "finished_at",
            "url",
            "download_url",
        ]

    def get_url(self, job: ReportJob) -> str:
        return reverse("report-job-detail", kwargs={"pk": job.pk})

    def get_download_url(self, job: ReportJob) -> str | None:
        if job.status != "done":
            return None
        return reverse("report-job-download", kwargs={"pk": job.pk})


class ReportJobInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=JobKind.choices, default=JobKind.QUARTERLY)
    period = serializers.PrimaryKeyRelatedField(
        queryset=ReportingPeriod.objects.all(),
        help_text="填报周期；年度工作总结初稿（kind=year_summary）取该周期所在年度，"
        "仅管理员、领导和办公室工作人员可申请",
    )
    department = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.filter(kind="department"), required=False, allow_null=True
    )
    unit = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.all(),
        required=False,
        allow_null=True,
        help_text="单位季度报表（kind=unit）的单位：街道、行业或社区工会；填报员只能选本单位",
    )
    colour = serializers.ChoiceField(
        choices=["red", "amber", "green", "done"], required=False, allow_blank=True
    )


class ReportJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Document jobs (quarterly workbook, task list, a unit's workbook, the quarterly briefing
    PDF): request one (202), poll it, download it. A reporter sees and requests only their own
    unit's workbooks."""

    serializer_class = ReportJobSerializer
    policy_resource = "job"
    filterset_fields = ["status", "period", "kind", "unit"]

    def get_queryset(self) -> QuerySet[ReportJob]:
        return policies.jobs_visible_to(self.request.user).select_related(
            "period__plan", "department", "unit"
        )

    @extend_schema(request=ReportJobInputSerializer, responses={202: ReportJobSerializer})
    def create(self, request: SignedInRequest) -> Response:
        serializer = ReportJobInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        colour = serializer.validated_data.get("colour", "")
        job = services.export_job_request(
            kind=serializer.validated_data["kind"],
            period=serializer.validated_data["period"],
            user=request.user,
            department=serializer.validated_data.get("department"),
            unit=serializer.validated_data.get("unit"),
            params={"colour": colour} if colour else {},
        )
        data = ReportJobSerializer(job).data
        return Response(data, status=status.HTTP_202_ACCEPTED, headers={"Location": data["url"]})

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str | None = None) -> FileResponse:
        job = self.get_object()
        if job.status != "done":
            raise exceptions.NotFound("该任务尚未完成，暂无文件。")
        return FileResponse(
            job.file.open("rb"),
            as_attachment=True,
            filename=job.file_name,
            content_type=builder_for(job.kind).content_type,
        )
