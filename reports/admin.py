from django.contrib import admin

from reports.models import (
    Attachment,
    PeriodReopening,
    Reminder,
    ReportEntry,
    ReportingPeriod,
    UnitReport,
)
from tasks.admin import RecordedAdmin


class PeriodReopeningInline(admin.TabularInline):
    """An administrator reopens a locked period for one unit here."""

    model = PeriodReopening
    extra = 0
    autocomplete_fields = ["unit"]
    readonly_fields = ["reopened_by", "reopened_at"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["name", "plan", "kind", "start_date", "end_date", "due_date", "is_locked"]
    list_filter = ["plan", "kind", "is_locked"]
    inlines = [PeriodReopeningInline]

    def save_formset(self, request, form, formset, change):  # type: ignore[no-untyped-def]
        for obj in formset.save(commit=False):
            if isinstance(obj, PeriodReopening) and obj.reopened_by_id is None:
                obj.reopened_by = request.user
            obj.save()
        for obj in formset.deleted_objects:
            obj.delete()


class ReportEntryInline(admin.TabularInline):
    model = ReportEntry
    extra = 0
    fields = ["task", "state", "narrative", "return_reason", "version"]
    readonly_fields = ["task", "version"]
    can_delete = False


@admin.register(UnitReport)
class UnitReportAdmin(RecordedAdmin):
    list_display = ["unit", "period", "submitted_at", "is_late"]
    list_filter = ["period", "is_late", "unit__kind"]
    list_select_related = ["unit", "period"]
    inlines = [ReportEntryInline]


@admin.register(Attachment)
class AttachmentAdmin(RecordedAdmin):
    list_display = ["original_name", "entry", "content_type", "size", "uploaded_by", "uploaded_at"]
    list_select_related = ["entry__report__unit", "entry__task", "uploaded_by"]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "period", "unit", "sent_by", "message"]
    list_filter = ["kind", "period"]
    list_select_related = ["period", "unit", "sent_by"]
