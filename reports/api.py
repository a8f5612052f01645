"""API of periods and unit reports: reports, entries, evidence files, review and the grid."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, QuerySet
from django.http import FileResponse
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from history.recording import Source
from reports import selectors, services
from reports.models import Attachment, ReportEntry, ReportingPeriod, UnitReport
from reports.serializers import (
    AttachmentSerializer,
    AttachmentUploadSerializer,
    EntryInputSerializer,
    ReportEntrySerializer,
    ReportingPeriodSerializer,
    ReportOpenSerializer,
    ReviewInputSerializer,
    SubmissionGridSerializer,
    UnitReportSerializer,
)
from unionplan import clock, policies
from unionplan.api import plan_for_year_query

if TYPE_CHECKING:
    from departments.http import SignedInRequest


class ReportingPeriodViewSet(viewsets.ReadOnlyModelViewSet):
    """Reporting periods (Q1–Q4) of the plans the caller may read."""

    serializer_class = ReportingPeriodSerializer
    policy_resource = "period"
    filterset_fields = ["plan", "plan__year", "kind", "is_locked"]

    def get_queryset(self) -> QuerySet[ReportingPeriod]:
        return (
            policies.periods_visible_to(self.request.user)
            .select_related("plan")
            .order_by("plan__year", "start_date", "kind")
        )


class UnitReportViewSet(viewsets.ReadOnlyModelViewSet):
    """Unit reports the caller may see (a reporter: their own unit's only)."""

    serializer_class = UnitReportSerializer
    policy_resource = "report"
    policy_actions = {"open": "report.view", "submit": "report.view"}
    filterset_fields = ["unit", "period", "period__plan__year"]

    def get_queryset(self) -> QuerySet[UnitReport]:
        return (
            policies.reports_visible_to(self.request.user)
            .select_related("unit", "period")
            .prefetch_related(
                Prefetch("entries", queryset=ReportEntry.objects.only("state", "report"))
            )
            .order_by(
                "period__plan__year", "period__start_date", "period__kind", "unit__sort_order"
            )
        )

    @extend_schema(request=ReportOpenSerializer, responses={200: UnitReportSerializer})
    @action(detail=False, methods=["post"])
    def open(self, request: SignedInRequest) -> Response:
        """Open (create if needed) the caller's unit report for a period."""
        serializer = ReportOpenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        period = serializer.validated_data["period"]
        if not policies.periods_visible_to(request.user).filter(pk=period.pk).exists():
            raise exceptions.NotFound("未找到该填报周期。")
        unit = getattr(request.user, "unit", None)
        if unit is None:
            raise exceptions.PermissionDenied("只有单位填报员可以填报。")
        report = services.report_open(unit=unit, period=period, user=request.user)
        return Response(UnitReportSerializer(report).data)

    @extend_schema(request=None, responses={200: UnitReportSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request: SignedInRequest, pk: str | None = None) -> Response:
        """Submit every draft or returned entry; 400 lists what is missing."""
        report = self.get_object()
        services.report_submit(report=report, user=request.user, source=Source.API)
        report.refresh_from_db()
        return Response(UnitReportSerializer(report).data)


class BatchApproveItemSerializer(serializers.Serializer):
    """One entry to approve and the version the reviewer saw."""

    id = serializers.IntegerField(min_value=1)
    version = serializers.IntegerField(min_value=1)


class BatchApproveResultSerializer(serializers.Serializer):
    """What happened to one entry of a batch approval."""

    id = serializers.IntegerField()
    ok = serializers.BooleanField()
    state = serializers.CharField(allow_null=True)
    version = serializers.IntegerField(allow_null=True)
    message = serializers.CharField(allow_blank=True)


class BatchApproveResponseSerializer(serializers.Serializer):
    approved = serializers.IntegerField()
    failed = serializers.IntegerField()
    results = BatchApproveResultSerializer(many=True)


class ReportEntryViewSet(viewsets.ReadOnlyModelViewSet):
    """Entries of unit reports; drafts only to their own unit."""

    serializer_class = ReportEntrySerializer
    policy_resource = "entry"
    policy_actions = {
        "save": "entry.view",
        "approve": "entry.view",
        "return_": "entry.view",
        "attachments": "entry.view",
    }
    conflict_serializer_class = ReportEntrySerializer  # a stale save or review: 409 with the entry
    filterset_fields = ["report", "task", "state", "report__period"]

    def get_queryset(self) -> QuerySet[ReportEntry]:
        return (
            policies.entries_visible_to(self.request.user)
            .select_related("report__unit", "report__period__plan", "task__plan")
            .prefetch_related("task__leads", "task__indicators", "contributions", "attachments")
            .order_by("report_id", "task__number")
        )

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        """Entries come out with the warnings on their figures, read once for the page."""
        if args and self.request.method == "GET":
            entries = list(args[0]) if kwargs.get("many") else [args[0]]
            kwargs["context"] = {
                **self.get_serializer_context(),
                "figure_warnings": selectors.entry_figure_warnings(entries),
            }
        return super().get_serializer(*args, **kwargs)

    @extend_schema(
        request=EntryInputSerializer,
        responses={200: ReportEntrySerializer, 409: OpenApiResponse(description="版本过期")},
    )
    @action(detail=True, methods=["post"])
    def save(self, request: SignedInRequest, pk: str | None = None) -> Response:
        """Save a draft (or returned) entry: narrative and indicator contributions."""
        entry = self.get_object()
        serializer = EntryInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        saved = services.entry_save(
            entry=entry,
            user=request.user,
            data=serializer.to_input(),
            expected_version=serializer.validated_data["version"],
            source=Source.API,
        )
        loaded = selectors.report_with_entries(saved.report_id).entries.all()
        context = {"figure_warnings": selectors.entry_figure_warnings(loaded)}
        return Response(ReportEntrySerializer(saved, context=context).data)

    def _review(self, request: SignedInRequest, *, approve: bool) -> Response:
        entry = self.get_object()
        serializer = ReviewInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        reviewed = services.entry_review(
            entry=entry,
            user=request.user,
            approve=approve,
            reason=serializer.validated_data["reason"],
            expected_version=serializer.validated_data["version"],
            source=Source.API,
        )
        return Response(ReportEntrySerializer(reviewed).data)

    @extend_schema(request=ReviewInputSerializer, responses={200: ReportEntrySerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request: SignedInRequest, pk: str | None = None) -> Response:
        """The lead department approves a submitted entry."""
        return self._review(request, approve=True)

    @extend_schema(request=ReviewInputSerializer, responses={200: ReportEntrySerializer})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request: SignedInRequest, pk: str | None = None) -> Response:
        """The lead department returns a submitted entry with a reason."""
        return self._review(request, approve=False)

    @extend_schema(
        request=BatchApproveItemSerializer(many=True),
        responses={200: BatchApproveResponseSerializer},
        description="批量通过：每项带各自的版本号；某项冲突或无权审核时单独报告，其余照常通过。",
    )
    @action(detail=False, methods=["post"], url_path="batch-approve", url_name="batch-approve")
    def batch_approve(self, request: SignedInRequest) -> Response:
        """The lead department approves several submitted entries, each with its version."""
        if not policies.can(request.user, "review.list"):
            raise exceptions.PermissionDenied("只有部室工作人员可以审核单位报表。")
        data = request.data.get("items") if isinstance(request.data, dict) else request.data
        serializer = BatchApproveItemSerializer(data=data, many=True)
        serializer.is_valid(raise_exception=True)
        # One decision per entry: a repeated id keeps its first version.
        firsts: dict[int, int] = {}
        for item in serializer.validated_data[:500]:
            firsts.setdefault(item["id"], item["version"])
        wanted = list(firsts.items())
        found = {
            e.pk: e
            for e in selectors.entries_for_review_by_ids(request.user, [i for i, _ in wanted])
        }
        result = services.entries_approve(
            items=[(found[i], v) for i, v in wanted if i in found],
            user=request.user,
            source=Source.API,
        )
        outcome: dict[int, dict] = {
            e.pk: {"id": e.pk, "ok": True, "state": e.state, "version": e.version, "message": ""}
            for e in result.approved
        }
        for entry, reason in result.failed:
            outcome[entry.pk] = {
                "id": entry.pk,
                "ok": False,
                "state": None,
                "version": None,
                "message": f"{services.entry_label(entry)}：{reason}",
            }
        results = [
            outcome.get(i)
            or {
                "id": i,
                "ok": False,
                "state": None,
                "version": None,
                "message": "未找到该条目，或您无权审核。",
            }
            for i, _ in wanted
        ]
        body = {
            "approved": len(result.approved),
            "failed": len(results) - len(result.approved),
            "results": results,
        }
        return Response(BatchApproveResponseSerializer(body).data)

    @extend_schema(methods=["GET"], responses=AttachmentSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request={"multipart/form-data": AttachmentUploadSerializer},
        responses={201: AttachmentSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        parser_classes=[MultiPartParser, FormParser],
        pagination_class=None,
    )
    def attachments(self, request: SignedInRequest, pk: str | None = None) -> Response:
        """List or upload evidence files of an entry."""
        entry = self.get_object()
        if request.method == "GET":
            return Response(AttachmentSerializer(entry.attachments.all(), many=True).data)
        serializer = AttachmentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        attachment = services.attachment_add(
            entry=entry,
            user=request.user,
            upload=serializer.validated_data["file"],
            source=Source.API,
        )
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


class AttachmentViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Evidence files; the download is served only to those who may see the entry."""

    serializer_class = AttachmentSerializer
    policy_resource = "attachment"

    def get_queryset(self) -> QuerySet[Attachment]:
        return policies.attachments_visible_to(self.request.user).select_related(
            "entry__report", "entry__task"
        )

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"])
    def download(self, request: Request, pk: str | None = None) -> FileResponse:
        attachment = self.get_object()
        response = FileResponse(
            attachment.file.open("rb"),
            as_attachment=True,
            filename=attachment.original_name,
            content_type=attachment.content_type,
        )
        response["X-Content-Type-Options"] = "nosniff"
        return response


class SubmissionGridView(APIView):
    """Units × periods submission states with reporting and on-time rates (staff, leaders)."""

    @extend_schema(
        parameters=[OpenApiParameter("year", int, required=False)],
        responses=SubmissionGridSerializer,
    )
    def get(self, request: Request) -> Response:
        if not policies.can(request.user, "grid.view"):
            raise exceptions.PermissionDenied("报送情况仅对部室工作人员和领导开放。")
        plan = plan_for_year_query(request, lenient=True)
        grid = selectors.submission_grid(plan, clock.today())
        data = {
            "year": plan.year,
            "cells": [
                {
                    "unit": c["unit"].pk,
                    "unit_name": c["unit"].name,
                    "period": c["period"].pk,
                    "state": c["state"],
                    "label": c["label"],
                    "late": c["late"],
                    "report": c["report"].pk if c["report"] else None,
                }
                for c in grid.cells.values()
            ],
            "rates": [
                {"period": p.pk, "period_name": p.name, **grid.rates[p.pk]} for p in grid.periods
            ],
        }
        return Response(SubmissionGridSerializer(data).data)
