"""API of a person's own notifications."""

from __future__ import annotations

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, viewsets
from rest_framework.decorators import action
from rest_framework.request import Request
from rest_framework.response import Response

from notifications.models import Notification
from notifications.services import notification_mark_read


class NotificationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "title", "body", "url", "created_at", "read_at"]


class NotificationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """The caller's notifications (never anybody else's); ``?unread=true`` for unread ones."""

    serializer_class = NotificationSerializer
    policy_resource = "notification"
    policy_actions = {"read": "notification.view"}

    def get_queryset(self) -> QuerySet[Notification]:
        user_id = self.request.user.pk  # None for an anonymous request, which has no notifications
        rows = Notification.objects.none()
        if user_id is not None:
            rows = Notification.objects.filter(user_id=user_id)
        if self.request.query_params.get("unread") in {"true", "1"}:
            rows = rows.filter(read_at__isnull=True)
        return rows

    @extend_schema(request=None, responses=NotificationSerializer)
    @action(detail=True, methods=["post"])
    def read(self, request: Request, pk: str | None = None) -> Response:
        notification = self.get_object()
        notification_mark_read(notification=notification)
        return Response(NotificationSerializer(notification).data)
