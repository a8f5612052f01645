"""Sending notifications."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from departments.models import User
from notifications.models import Notification

logger = logging.getLogger(__name__)


def notify(
    *, users: Iterable[User], title: str, body: str = "", url: str = "", event: str = ""
) -> int:
    """Notify people in the app, and by email when SMTP is configured; returns how many.

    ``event`` names what happened for outgoing webhooks ("reminder", "instruction",
    "entry_returned", "job_done"; empty: no webhook)."""
    recipients = [u for u in users if u.is_active]
    Notification.objects.bulk_create(
        Notification(user=u, title=title, body=body, url=url) for u in recipients
    )
    emails = [u.email for u in recipients if u.email]
    if settings.EMAIL_ENABLED and emails:
        # After commit: a rolled-back notification must not have been mailed.
        transaction.on_commit(lambda: _mail(title, body, emails))
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
