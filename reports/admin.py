from django.contrib import admin

from reports.models import ReportingPeriod


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["name", "plan", "kind", "start_date", "end_date", "due_date", "is_locked"]
    list_filter = ["plan", "kind", "is_locked"]
