"""Celery jobs of the reports app: deadline reminders (the export jobs are in exports/jobs.py)."""

from __future__ import annotations

import datetime as dt

from celery import shared_task

from reports.services import reminders_run
from unionplan import clock


@shared_task(name="reports.jobs.send_deadline_reminders")
def send_deadline_reminders(today: str | None = None) -> dict[str, int]:
    """Daily (Celery beat): remind units that have not submitted; list overdue units."""
    day = dt.date.fromisoformat(today) if today else clock.today()
    return reminders_run(today=day)
