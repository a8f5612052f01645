"""Read API of the plan: plans, sections, key tasks and indicators, scoped by the policy."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from history.recording import Source
from tasks import selectors, services
from tasks.models import (
    CadenceOccurrence,
    Indicator,
    Instruction,
    KeyTask,
    ProgressUpdate,
    Section,
    WorkPlan,
)
from tasks.serializers import (
    AnswerInputSerializer,
    CloseInputSerializer,
    EventSerializer,
    FollowUpInputSerializer,
    IndicatorSerializer,
    InstructionInputSerializer,
    InstructionSerializer,
    KeyTaskSerializer,
    KeyTaskSummarySerializer,
    OccurrenceInputSerializer,
    OccurrenceSerializer,
    ProgressInputSerializer,
    ProgressUpdateSerializer,
    SectionSerializer,
    TaskStateSerializer,
    UnitRefSerializer,
    WorkPlanSerializer,
    participant_ref,
)
from tasks.services import cadence as cadence_services
from unionplan import clock, policies

if TYPE_CHECKING:
    from departments.http import SignedInRequest


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
    """Key tasks with leads, participants and indicators; filter by plan, section or lead. The
    list gives each task's participant count and a link; the task itself lists them all."""

    serializer_class = KeyTaskSerializer
    policy_resource = "task"
    # Reaching the task is enough here; the services then decide who may write (403 otherwise).
    policy_actions = {
        "progress": "task.view",
        "instructions": "task.view",
        "occurrences": "task.view",
    }
    conflict_serializer_class = ProgressUpdateSerializer  # a stale progress update: 409 with it
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
        # A list gives a count and a link instead of every participant (up to 200 tasks a page).
        with_participants = self.action != "list"
        return (
            selectors.task_queryset_for_display(tasks, with_participants=with_participants)
            .annotate(participant_count=Count("participants", distinct=True))
            .distinct()
        )

    def get_serializer_class(self) -> type[BaseSerializer]:
        return KeyTaskSummarySerializer if self.action == "list" else KeyTaskSerializer

    @extend_schema(responses=UnitRefSerializer(many=True), summary="参与单位（分页）")
    @action(detail=True, methods=["get"])
    def participants(self, request: Request, pk: str | None = None) -> Response:
        task = self.get_object()  # with its participants in order, prefetched
        page = self.paginate_queryset(list(task.participants.all()))
        return self.get_paginated_response([participant_ref(p) for p in page or []])

    @extend_schema(
        methods=["GET"],
        responses=TaskStateSerializer,
        summary="任务当前状态（红黄绿灯、进度、指标）",
    )
    @extend_schema(
        methods=["POST"],
        request=ProgressInputSerializer,
        responses={
            200: ProgressUpdateSerializer,
            201: ProgressUpdateSerializer,
            409: OpenApiResponse(description="版本过期：返回最新内容，未保存"),
        },
        summary="填报或修改某一周期的进展（需带 version）",
    )
    @action(detail=True, methods=["get", "post"])
    def progress(self, request: SignedInRequest, pk: str | None = None) -> Response:
        task = self.get_object()
        if request.method == "GET":
            full = selectors.task_queryset_with_progress(
                KeyTask.objects.filter(pk=task.pk), with_unit_sums=False
            ).get()
            state = selectors.task_state_cached(full, clock.today())
            return Response(TaskStateSerializer(state).data)
        serializer = ProgressInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        version = serializer.validated_data["version"]
        update = services.progress_save(
            task=task,
            period=serializer.validated_data["period"],
            user=request.user,
            data=serializer.to_input(),
            expected_version=version,
            source=Source.API,
        )
        code = status.HTTP_201_CREATED if version == 0 else status.HTTP_200_OK
        return Response(ProgressUpdateSerializer(update).data, status=code)

    @extend_schema(responses=EventSerializer(many=True), summary="全程留痕（最新在前）")
    @action(detail=True, methods=["get"])
    def timeline(self, request: Request, pk: str | None = None) -> Response:
        task = self.get_object()
        page = self.paginate_queryset(selectors.task_timeline(task, request.user))
        return self.get_paginated_response(EventSerializer(page, many=True).data)

    @extend_schema(methods=["GET"], responses=InstructionSerializer(many=True))
    @extend_schema(
        methods=["POST"], request=InstructionInputSerializer, responses={201: InstructionSerializer}
    )
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def instructions(self, request: SignedInRequest, pk: str | None = None) -> Response:
        task = self.get_object()
        if request.method == "GET":
            rows = selectors.instructions_with_thread(task.instructions.order_by("-created_at"))
            return Response(InstructionSerializer(rows, many=True).data)
        serializer = InstructionInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        instruction = services.instruction_create(
            task=task,
            user=request.user,
            text=serializer.validated_data["text"],
            deadline=serializer.validated_data.get("deadline"),
            source=Source.API,
        )
        return Response(InstructionSerializer(instruction).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        methods=["POST"], request=OccurrenceInputSerializer, responses={201: OccurrenceSerializer}
    )
    @extend_schema(methods=["GET"], responses=OccurrenceSerializer(many=True))
    @action(detail=True, methods=["get", "post"], pagination_class=None)
    def occurrences(self, request: SignedInRequest, pk: str | None = None) -> Response:
        """The occurrences of the task's cadence indicators (频次); POST records one (the lead
        department's staff and administrators; evidence files through the task page)."""
        task = self.get_object()
        rows = CadenceOccurrence.objects.filter(indicator__task=task)
        if request.method == "GET":
            return Response(
                OccurrenceSerializer(rows.order_by("indicator", "done_on"), many=True).data
            )
        serializer = OccurrenceInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        indicator = task.indicators.filter(pk=serializer.validated_data["indicator"]).first()
        if indicator is None:
            raise ValidationError({"indicator": "该指标不属于本项工作。"})
        indicator.task = task  # the policy reads the task's plan and leads
        occurrence = cadence_services.cadence_occurrence_record(
            indicator=indicator,
            user=request.user,
            done_on=serializer.validated_data["done_on"],
            note=serializer.validated_data["note"],
            source=Source.API,
        )
        return Response(OccurrenceSerializer(occurrence).data, status=status.HTTP_201_CREATED)


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


class InstructionViewSet(viewsets.ReadOnlyModelViewSet):
    """Leaders' instructions (批示) with their threads; filter ``?state=open|answered|closed``,
    ``?overdue=true`` (待办理 past the 办理时限) and ``?open=true`` (waiting for the caller)."""

    serializer_class = InstructionSerializer
    policy_resource = "instruction"
    # Reaching the instruction is enough here; the services then decide who may take a step
    # (403 with their own message: not the lead department, not a leader, already closed).
    policy_actions = {
        "answer": "instruction.view",
        "follow_up": "instruction.view",
        "close": "instruction.view",
    }
    conflict_serializer_class = InstructionSerializer
    filterset_fields = ["task", "task__plan__year", "state"]

    def get_queryset(self) -> QuerySet[Instruction]:
        rows = selectors.instructions_with_thread(
            policies.instructions_visible_to(self.request.user)
            .select_related("task__plan")
            .prefetch_related("task__leads")
        )
        params = self.request.query_params
        if params.get("open") in {"true", "1"}:
            rows = selectors.instructions_open_for(self.request.user, rows)
        if params.get("overdue") in {"true", "1"}:
            rows = selectors.instructions_overdue(rows, clock.today())
        return rows.order_by("-created_at", "-pk")

    @extend_schema(
        request=AnswerInputSerializer,
        responses={200: InstructionSerializer, 409: OpenApiResponse(description="已被他人更新")},
        summary="牵头部室答复批示（需带 version）",
    )
    @action(detail=True, methods=["post"])
    def answer(self, request: SignedInRequest, pk: str | None = None) -> Response:
        instruction = self.get_object()
        serializer = AnswerInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        updated = services.instruction_answer(
            instruction=instruction,
            user=request.user,
            answer=serializer.validated_data["answer"],
            expected_version=serializer.validated_data["version"],
            source=Source.API,
        )
        return Response(InstructionSerializer(updated).data)

    @extend_schema(
        request=FollowUpInputSerializer,
        responses={200: InstructionSerializer, 409: OpenApiResponse(description="已被他人更新")},
        summary="领导追问（需带 version，可改办理时限）",
    )
    @action(detail=True, methods=["post"], url_path="follow-up", url_name="follow-up")
    def follow_up(self, request: SignedInRequest, pk: str | None = None) -> Response:
        instruction = self.get_object()
        serializer = FollowUpInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        updated = services.instruction_follow_up(
            instruction=instruction,
            user=request.user,
            text=serializer.validated_data["text"],
            deadline=serializer.validated_data.get("deadline"),
            expected_version=serializer.validated_data["version"],
            source=Source.API,
        )
        return Response(InstructionSerializer(updated).data)

    @extend_schema(
        request=CloseInputSerializer,
        responses={200: InstructionSerializer, 409: OpenApiResponse(description="已被他人更新")},
        summary="领导办结批示（需带 version）",
    )
    @action(detail=True, methods=["post"])
    def close(self, request: SignedInRequest, pk: str | None = None) -> Response:
        instruction = self.get_object()
        serializer = CloseInputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        updated = services.instruction_close(
            instruction=instruction,
            user=request.user,
            remark=serializer.validated_data["remark"],
            expected_version=serializer.validated_data["version"],
            source=Source.API,
        )
        return Response(InstructionSerializer(updated).data)


class ProgressUpdateViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Progress updates of the tasks the caller may read, with their indicator figures."""

    serializer_class = ProgressUpdateSerializer
    policy_resource = "progress"
    filterset_fields = ["task", "period", "task__plan__year", "status"]

    def get_queryset(self) -> QuerySet[ProgressUpdate]:
        return (
            ProgressUpdate.objects.filter(task__in=policies.tasks_visible_to(self.request.user))
            .select_related("task__plan", "period")
            .prefetch_related("actuals")
            .order_by("task__number", "period__end_date", "-period__start_date")
        )
