"""Units' figures on the plan's indicators, without the plan knowing where they come from.

The district total of a count indicator is the lead department's own figures plus the units'
approved contributions, which the reporting app holds. The plan asks for them here; the reporting
app registers how to add them to an indicator queryset when Django starts (reports/apps.py), so the
plan app never imports reporting nor names its tables.
"""

from __future__ import annotations

from typing import Protocol

from django.db.models import QuerySet

from tasks.models import Indicator, ReportingPeriod


class IndicatorAnnotator(Protocol):
    def __call__(
        self, indicators: QuerySet[Indicator], *, period: ReportingPeriod | None = None
    ) -> QuerySet[Indicator]: ...


_annotators: list[IndicatorAnnotator] = []


def indicator_figures_register(annotator: IndicatorAnnotator) -> None:
    """Register a source of units' figures (once; registering it again changes nothing)."""
    if annotator not in _annotators:
        _annotators.append(annotator)


def indicators_with_unit_figures(
    indicators: QuerySet[Indicator], *, period: ReportingPeriod | None = None
) -> QuerySet[Indicator]:
    """The indicators annotated ``units_approved`` and ``units_pending`` by the registered source
    (unannotated when no reporting app is installed). With ``period`` also ``units_approved_before``
    (approved contributions to periods that ended before it began) and ``units_approved_in`` (to
    that period)."""
    for annotate in _annotators:
        indicators = annotate(indicators, period=period)
    return indicators
