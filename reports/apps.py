from django.apps import AppConfig


class ReportsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reports"
    verbose_name = "填报与报表"

    def ready(self) -> None:
        # The plan's task states count units' approved contributions; the plan does not import
        # reporting, so reporting tells it how to add them (tasks/figures.py).
        from reports.selectors import indicators_annotate_unit_sums
        from tasks.figures import indicator_figures_register

        indicator_figures_register(indicators_annotate_unit_sums)

        # Units' entries (their review state) and contributions are in the plan's figures.
        from django.db.models import Q

        from reports.models import Contribution, ReportEntry
        from tasks.standing import figures_watch

        figures_watch(ReportEntry, lambda entry: Q(tasks=entry.task_id))
        figures_watch(Contribution, lambda c: Q(tasks__indicators=c.indicator_id))
