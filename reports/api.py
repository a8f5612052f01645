"""Read API of reporting periods."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import viewsets

from reports.models import ReportingPeriod
from reports.serializers import ReportingPeriodSerializer
from unionplan import policies


class ReportingPeriodViewSet(viewsets.ReadOnlyModelViewSet):
    """Reporting periods (Q1–Q4) of the plans the caller may read."""

    serializer_class = ReportingPeriodSerializer
    policy_resource = "period"
    filterset_fields = ["plan", "plan__year", "kind", "is_locked"]

    def get_queryset(self) -> QuerySet[ReportingPeriod]:
        return (
            policies.periods_visible_to(self.request.user)
            .select_related("plan")
            .order_by("plan__year", "kind", "number")
        )
