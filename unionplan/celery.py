"""The Celery application; configuration comes from Django settings (CELERY_* names)."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "unionplan.settings")

app = Celery("unionplan")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Jobs live in <app>/jobs.py (reports: reminders; exports: documents), never tasks/tasks.py:
# `tasks` is the plan app.
app.autodiscover_tasks(related_name="jobs")
