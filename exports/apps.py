from django.apps import AppConfig


class ExportsConfig(AppConfig):
    """Documents built from the tracked year by Celery jobs: workbooks, list exports."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "exports"
    verbose_name = "导出"
