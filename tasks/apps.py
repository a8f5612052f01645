from django.apps import AppConfig


class TasksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tasks"
    verbose_name = "工作要点"

    def ready(self) -> None:
        # Every write that can change a task's figures gives its plan a new stamp, so that the
        # cached figures (tasks/standing.py) are not read again. The reporting app registers its
        # own models the same way (reports/apps.py).
        from django.db.models import Q

        from tasks import models
        from tasks.standing import figures_watch

        figures_watch(models.KeyTask, lambda task: Q(pk=task.plan_id))
        figures_watch(models.Indicator, lambda ind: Q(tasks=ind.task_id))
        figures_watch(models.IndicatorAllocation, lambda a: Q(tasks__indicators=a.indicator_id))
        # Check rules are cached with the plan's figures (tasks.checks.plan_checks).
        figures_watch(models.IndicatorRule, lambda r: Q(tasks__indicators=r.indicator_id))
        figures_watch(models.ReportingPeriod, lambda period: Q(pk=period.plan_id))
        figures_watch(models.ProgressUpdate, lambda update: Q(tasks=update.task_id))
        figures_watch(
            models.IndicatorActual, lambda actual: Q(tasks__indicators=actual.indicator_id)
        )
        figures_watch(models.CadenceOccurrence, lambda row: Q(tasks__indicators=row.indicator_id))
