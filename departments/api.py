"""Read API of units (the organisation tree)."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import viewsets

from departments.models import Unit
from departments.serializers import UnitSerializer
from unionplan import policies


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """Units of the federation: district, departments, street and industry unions."""

    serializer_class = UnitSerializer
    policy_resource = "unit"
    filterset_fields = ["kind", "parent"]
    search_fields = ["name", "short_name"]

    def get_queryset(self) -> QuerySet[Unit]:
        return policies.units_visible_to(self.request.user).order_by("kind", "sort_order", "name")
