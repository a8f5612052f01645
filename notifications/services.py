"""Sending notifications: in the app, by email and to outgoing webhooks (group chats)."""

from __future__ import annotations

import functools
import logging
from collections.abc import Iterable
from dataclasses import dataclass

import kombu.exceptions
from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from departments.models import User
from notifications.models import (
    DeliveryStatus,
    Notification,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
    WebhookFormat,
)
from notifications.webhooks import absolute_link, build_payload, dingtalk_signed_url, post_json

logger = logging.getLogger(__name__)


def notify(
    *,
    users: Iterable[User],
    title: str,
    body: str = "",
    url: str = "",
    event: str = "",
    subject: str = "",
) -> int:
    """Notify people in the app, and by email when SMTP is configured; returns how many.

    ``event`` names what happened for outgoing webhooks ("reminder", "instruction",
    "entry_returned", "job_done"; empty: no webhook): one message per call to every endpoint
    that receives the event, whoever the recipients are. A group chat has everybody in it, so
    ``subject`` (e.g. the unit's name) goes before the title there; the in-app title is as given."""
    if event and event not in WebhookEvent.values:
        raise ValueError(f"unknown webhook event {event!r}")
    recipients = [u for u in users if u.is_active]
    Notification.objects.bulk_create(
        Notification(user=u, title=title, body=body, url=url) for u in recipients
    )
    emails = [u.email for u in recipients if u.email]
    if settings.EMAIL_ENABLED and emails:
        # After commit: a rolled-back notification must not have been mailed.
        transaction.on_commit(lambda: _mail(title, body, emails))
    if event:
        chat_title = f"{subject}：{title}" if subject else title
        webhook_deliveries_create(event=event, title=chat_title, body=body, url=url)
    return len(recipients)


def _mail(title: str, body: str, emails: list[str]) -> None:
    try:
        send_mail(f"[{settings.UNIONPLAN_SITE_NAME}] {title}", body, None, emails)
    except OSError:
        # The in-app notification stands; a mail server outage is logged, not raised.
        logger.exception("sending notification mail failed")


def notification_mark_read(*, notification: Notification) -> None:
    """Mark one notification read."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def notifications_mark_all_read(*, user: User) -> int:
    """Mark all of a person's notifications read."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(
        read_at=timezone.now()
    )


# --- outgoing webhooks ----------------------------------------------------------------------

SETTINGS_ENDPOINT_NAME = "设置中的 Webhook"
WEBHOOK_ATTEMPTS = 5


@dataclass(frozen=True)
class WebhookTarget:
    """Where one message goes: an endpoint row, or the endpoint of the settings (no row)."""

    name: str
    url: str
    format: str
    endpoint: WebhookEndpoint | None


def webhook_targets(*, event: str) -> list[WebhookTarget]:
    """The active endpoints that receive an event, the one in settings last.

    UNIONPLAN_WEBHOOK_URL (with _FORMAT, _EVENTS and _SECRET) is handled without a database
    row: its deliveries have no ``endpoint`` and carry the name “设置中的 Webhook”, and its
    secret is read from settings when sending, so changing the environment takes effect at the
    next restart and nothing in the admin can drift from it.
    """
    # Filtered in Python: few rows, and SQLite (the embedded mode) has no JSON containment.
    targets = [
        WebhookTarget(name=e.name, url=e.url, format=e.format, endpoint=e)
        for e in WebhookEndpoint.objects.filter(is_active=True).order_by("pk")
        if event in e.events
    ]
    if settings.UNIONPLAN_WEBHOOK_URL and event in settings.UNIONPLAN_WEBHOOK_EVENTS:
        targets.append(
            WebhookTarget(
                name=SETTINGS_ENDPOINT_NAME,
                url=settings.UNIONPLAN_WEBHOOK_URL,
                format=settings.UNIONPLAN_WEBHOOK_FORMAT,
                endpoint=None,
            )
        )
    return targets


def webhook_deliveries_create(
    *, event: str, title: str, body: str = "", url: str = ""
) -> list[WebhookDelivery]:
    """Log one pending delivery per endpoint receiving the event; each is sent once committed.

    The rows are written in the caller's transaction (a rolled-back reminder leaves no message
    behind), and the job is queued only when it commits (in autocommit mode: at once)."""
    link = absolute_link(url)
    deliveries = WebhookDelivery.objects.bulk_create(
        WebhookDelivery(
            endpoint=target.endpoint,
            target=target.name,
            url=target.url,
            format=target.format,
            event=event,
            payload=build_payload(target.format, event=event, title=title, body=body, link=link),
        )
        for target in webhook_targets(event=event)
    )
    for delivery in deliveries:
        transaction.on_commit(functools.partial(webhook_delivery_enqueue, delivery.pk))
    return deliveries


def webhook_delivery_enqueue(delivery_id: int) -> None:
    """Hand a delivery to the workers (in-process when no broker is configured)."""
    from notifications.jobs import send_webhook_delivery  # the Celery task module imports this one

    try:
        send_webhook_delivery.delay(delivery_id)
    except (kombu.exceptions.OperationalError, OSError):
        # The action that notified is committed; a broker outage must not turn it into an error
        # page. The delivery stays pending in the database, unsent.
        logger.warning(
            "Webhook delivery %s stays pending: the broker cannot be reached.",
            delivery_id,
            exc_info=True,
        )


def webhook_delivery_send(*, delivery_id: int, final: bool) -> WebhookDelivery:
    """Make one attempt: sent, or failed when ``final`` (else still pending, for a retry).

    A delivery no longer pending (sent by an earlier run of the job, or given up) is left alone.
    """
    delivery = WebhookDelivery.objects.select_related("endpoint").get(pk=delivery_id)
    if delivery.status != DeliveryStatus.PENDING:
        return delivery
    endpoint = delivery.endpoint
    if endpoint is not None and not endpoint.is_active:
        delivery.status = DeliveryStatus.FAILED
        delivery.last_error = "Webhook 地址已停用，未发送。"
        delivery.save(update_fields=["status", "last_error"])
        return delivery
    now = timezone.now()
    payload = dict(delivery.payload)
    if delivery.format == WebhookFormat.JSON:
        payload["sent_at"] = now.isoformat()
    secret = _secret_of(delivery)
    url = delivery.url
    if delivery.format == WebhookFormat.DINGTALK and secret:
        url = dingtalk_signed_url(url, secret)
    result = post_json(url, payload, check_errcode=delivery.format != WebhookFormat.JSON)
    delivery.attempts += 1
    delivery.payload = payload
    delivery.last_status_code = result.status_code
    delivery.last_error = result.error[:500]
    if result.ok:
        delivery.status = DeliveryStatus.SENT
        delivery.sent_at = now
    elif final:
        delivery.status = DeliveryStatus.FAILED
        logger.warning(
            "webhook delivery %s to %s failed after %s attempts: %s",
            delivery.pk,
            delivery.target,
            delivery.attempts,
            result.error,
        )
    else:
        logger.info(
            "webhook delivery %s attempt %s: %s", delivery.pk, delivery.attempts, result.error
        )
    delivery.save(
        update_fields=["attempts", "payload", "last_status_code", "last_error", "status", "sent_at"]
    )
    return delivery


def _secret_of(delivery: WebhookDelivery) -> str:
    if delivery.endpoint is not None:
        return delivery.endpoint.secret
    if delivery.target == SETTINGS_ENDPOINT_NAME and delivery.url == settings.UNIONPLAN_WEBHOOK_URL:
        secret: str = settings.UNIONPLAN_WEBHOOK_SECRET
        return secret
    return ""


def webhook_delivery_fail(delivery_id: int, reason: str) -> None:
    """Record that a delivery's job broke (not the receiver's answer: a bug or the database)."""
    WebhookDelivery.objects.filter(pk=delivery_id, status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.FAILED, last_error=reason[:500]
    )


def webhook_deliveries_resend(*, deliveries: Iterable[WebhookDelivery]) -> int:
    """Send failed deliveries again (from the admin), with a fresh round of attempts."""
    ids = [d.pk for d in deliveries if d.status == DeliveryStatus.FAILED]
    with transaction.atomic():
        WebhookDelivery.objects.filter(pk__in=ids).update(
            status=DeliveryStatus.PENDING, attempts=0, last_error=""
        )
        for delivery_id in ids:
            transaction.on_commit(functools.partial(webhook_delivery_enqueue, delivery_id))
    return len(ids)
