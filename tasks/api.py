"""Read API of the plan: plans, sections, key tasks and indicators, scoped by the policy."""

from __future__ import annotations

from django.db.models import QuerySet
from rest_framework import viewsets

from tasks import selectors
from tasks.models import Indicator, KeyTask, Section, WorkPlan
from tasks.serializers import (
    IndicatorSerializer,
    KeyTaskSerializer,
    SectionSerializer,
    WorkPlanSerializer,
)
from unionplan import policies


class WorkPlanViewSet(viewsets.ReadOnlyModelViewSet):
    """Work plans (工作要点) the caller may read."""

    serializer_class = WorkPlanSerializer
    policy_resource = "plan"
    filterset_fields = ["year", "status"]
    ordering_fields = ["year"]

    def get_queryset(self) -> QuerySet[WorkPlan]:
        return policies.plans_visible_to(self.request.user).order_by("-year")


class SectionViewSet(viewsets.ReadOnlyModelViewSet):
    """Sections of the plans the caller may read."""

    serializer_class = SectionSerializer
    policy_resource = "section"
    filterset_fields = ["plan", "plan__year"]

    def get_queryset(self) -> QuerySet[Section]:
        return (
            policies.sections_visible_to(self.request.user)
            .select_related("plan")
            .order_by("plan__year", "number")
        )


class KeyTaskViewSet(viewsets.ReadOnlyModelViewSet):
    """Key tasks with leads, participants and indicators; filter by plan, section or lead."""

    serializer_class = KeyTaskSerializer
    policy_resource = "task"
    filterset_fields = {
        "plan": ["exact"],
        "plan__year": ["exact"],
        "section": ["exact"],
        "leads__unit": ["exact"],
        "participants__unit": ["exact"],
    }
    search_fields = ["title", "description"]
    ordering_fields = ["number", "updated_at"]

    def get_queryset(self) -> QuerySet[KeyTask]:
        tasks = policies.tasks_visible_to(self.request.user).order_by("plan__year", "number")
        return selectors.task_queryset_for_display(tasks).distinct()


class IndicatorViewSet(viewsets.ReadOnlyModelViewSet):
    """Quantitative indicators (量化指标) of the tasks the caller may read."""

    serializer_class = IndicatorSerializer
    policy_resource = "indicator"
    filterset_fields = ["task", "task__plan", "task__plan__year", "kind"]
    search_fields = ["name"]

    def get_queryset(self) -> QuerySet[Indicator]:
        return (
            policies.indicators_visible_to(self.request.user)
            .select_related("task__plan")
            .order_by("task__plan__year", "task__number", "order")
        )
