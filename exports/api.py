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
    period = serializers.PrimaryKeyRelatedField(queryset=ReportingPeriod.objects.all())
    department = serializers.PrimaryKeyRelatedField(
        queryset=Unit.objects.filter(kind="department"), required=False, allow_null=True
    )
    colour = serializers.ChoiceField(
        choices=["red", "amber", "green", "done"], required=False, allow_blank=True
    )


class ReportJobViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Document jobs (quarterly workbook, task list): request one (202), poll it, download it."""

    serializer_class = ReportJobSerializer
    policy_resource = "job"
    filterset_fields = ["status", "period", "kind"]

    def get_queryset(self) -> QuerySet[ReportJob]:
        if not policies.can(self.request.user, "job.view"):
            return ReportJob.objects.none()
        return ReportJob.objects.filter(
            period__plan__in=policies.plans_visible_to(self.request.user)
        ).select_related("period__plan", "department")

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
        return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.file_name)
