"""Reads of units and people."""

from __future__ import annotations

from departments.models import Unit


def unit_lookup() -> dict[str, Unit]:
    """Every unit by its full name and by its short name (full names win on a clash)."""
    units = list(Unit.objects.all())
    lookup = {u.short_name: u for u in units if u.short_name}
    lookup.update({u.name: u for u in units})
    return lookup
