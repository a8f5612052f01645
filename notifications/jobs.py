"""Celery jobs of the notifications app: sending outgoing webhook messages."""

from __future__ import annotations

from typing import Any

from celery import Task, shared_task
from django.conf import settings

from notifications.models import DeliveryStatus
from notifications.services import WEBHOOK_ATTEMPTS, webhook_delivery_fail, webhook_delivery_send


class WebhookTask(Task):
    """Records a broken job (not a refused message: that is retried) on the delivery row."""

    def on_failure(self, exc: Exception, task_id: str, args: Any, kwargs: Any, einfo: Any) -> None:
        delivery_id = args[0] if args else kwargs.get("delivery_id")
        if delivery_id is not None:
            webhook_delivery_fail(delivery_id, f"{type(exc).__name__}: {exc}")


@shared_task(
    bind=True,
    base=WebhookTask,
    name="notifications.jobs.send_webhook_delivery",
    max_retries=WEBHOOK_ATTEMPTS - 1,
)
def send_webhook_delivery(self: WebhookTask, delivery_id: int) -> str:
    """Post one webhook message; retried with a doubling delay, failed after the last attempt."""
    # In-process mode runs jobs inside the request: one attempt, never a wait between retries.
    final = settings.CELERY_TASK_ALWAYS_EAGER or self.request.retries >= WEBHOOK_ATTEMPTS - 1
    delivery = webhook_delivery_send(delivery_id=delivery_id, final=final)
    if delivery.status == DeliveryStatus.PENDING:
        delay = settings.UNIONPLAN_WEBHOOK_RETRY_SECONDS * 2**self.request.retries
        raise self.retry(countdown=delay)
    return str(delivery.status)
