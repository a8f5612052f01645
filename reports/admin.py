from typing import Any

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from reports.models import (
    Attachment,
    PeriodReopening,
    Reminder,
    ReportEntry,
    ReportingPeriod,
    UnitReport,
)
from reports.services import period_reopen, period_reopen_check
from tasks.admin import RecordedAdmin
from unionplan import clock


class PeriodReopeningForm(forms.ModelForm):
    """Checks a reopening with the service's own rule, so a bad date is a form error, not a 500."""

    class Meta:
        model = PeriodReopening
        fields = ["unit", "until", "reason"]

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what ModelForm.clean returns; the stubs allow None
        if self.has_changed() and not data.get("DELETE") and data.get("unit") and data.get("until"):
            try:
                period_reopen_check(
                    unit=data["unit"],
                    until=data["until"],
                    reason=data.get("reason", ""),
                    today=clock.today(),
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
        return data


class PeriodReopeningInline(admin.TabularInline):
    """An administrator reopens a locked period for one unit here; its reporters are told."""

    model = PeriodReopening
    form = PeriodReopeningForm
    extra = 0
    autocomplete_fields = ["unit"]
    readonly_fields = ["reopened_by", "reopened_at"]


@admin.register(ReportingPeriod)
class ReportingPeriodAdmin(admin.ModelAdmin):
    list_display = ["name", "plan", "kind", "start_date", "end_date", "due_date", "is_locked"]
    list_filter = ["plan", "kind", "is_locked"]
    inlines = [PeriodReopeningInline]

    def save_formset(self, request, form, formset, change):  # type: ignore[no-untyped-def]
        if formset.model is not PeriodReopening:
            return super().save_formset(request, form, formset, change)
        saved = formset.save(commit=False)
        for obj, fields in formset.changed_objects:
            if "unit" in fields:  # moved to another unit: the old unit's reopening ends
                PeriodReopening.objects.filter(pk=obj.pk).delete()
        for obj in formset.deleted_objects:
            obj.delete()
        for obj in saved:
            reopening = period_reopen(
                period=form.instance,
                unit=obj.unit,
                until=obj.until,
                reason=obj.reason,
                user=request.user,
            )
            obj.pk = reopening.pk


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
