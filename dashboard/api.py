"""API of the dashboard summary, on the same selectors and policy as the page."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from dashboard.selectors import GroupFigure, build_dashboard
from unionplan import clock, policies
from unionplan.api import plan_for_year_query


class GroupSerializer(serializers.Serializer):
    # DRF's metaclass takes declared fields off the class; only the stubs see Field.label here.
    label = serializers.CharField()  # type: ignore[assignment]
    tasks = serializers.IntegerField()
    percent = serializers.FloatField()
    colours = serializers.DictField(child=serializers.IntegerField())


class DashboardSummarySerializer(serializers.Serializer):
    year = serializers.IntegerField()
    today = serializers.DateField()
    tasks = serializers.IntegerField()
    time_progress = serializers.FloatField()
    plan_progress = serializers.FloatField()
    colours = serializers.DictField(child=serializers.IntegerField())
    lagging = serializers.ListField(child=serializers.DictField())
    sections = GroupSerializer(many=True)
    departments = GroupSerializer(many=True)


class DashboardSummaryView(APIView):
    """The whole plan at a glance: progress, colours, lagging tasks, sections, departments."""

    @extend_schema(
        parameters=[OpenApiParameter("year", int, required=False)],
        responses=DashboardSummarySerializer,
    )
    def get(self, request: Request) -> Response:
        plan = plan_for_year_query(request)
        tasks = policies.tasks_visible_to(request.user).filter(plan=plan)
        d = build_dashboard(
            plan=plan,
            tasks=tasks,
            today=clock.today(),
            scope_label="全部重点工作",
            with_grid=False,
        )
        data = {
            "year": plan.year,
            "today": d.today,
            "tasks": len(d.states),
            "time_progress": d.time_progress,
            "plan_progress": d.plan_progress,
            "colours": {c["colour"]: c["count"] for c in d.colour_counts},
            "lagging": [
                {
                    "task": s.task.pk,
                    "number": s.task.number,
                    "title": s.task.title,
                    "colour": s.colour,
                    "percent": s.percent,
                    "behind": s.behind,
                }
                for s in d.lagging
            ],
            "sections": [_group(g) for g in d.by_section],
            "departments": [_group(g) for g in d.by_department],
        }
        return Response(DashboardSummarySerializer(data).data)


def _group(g: GroupFigure) -> dict[str, object]:
    return {"label": g.label, "tasks": g.tasks, "percent": g.percent, "colours": g.colours}
