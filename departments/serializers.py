"""Output serializers of units."""

from rest_framework import serializers

from departments.models import Unit


class UnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "name", "short_name", "kind", "parent", "sort_order", "is_active"]
