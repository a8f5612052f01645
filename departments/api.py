"""Read API of units (the organisation tree)."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import serializers, viewsets

from departments.models import Unit, User
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


class PersonSerializer(serializers.ModelSerializer):
    class Meta:
        model = User
        fields = ["id", "username", "full_name", "role", "unit", "email", "is_active", "last_login"]


class PersonViewSet(viewsets.ReadOnlyModelViewSet):
    """People (administrators only; everybody else sees just themselves)."""

    serializer_class = PersonSerializer
    policy_resource = "user"
    filterset_fields = ["role", "unit", "is_active"]
    search_fields = ["username", "full_name"]

    def get_queryset(self) -> QuerySet[User]:
        return policies.users_visible_to(self.request.user).order_by("username")
