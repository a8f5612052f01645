from django.contrib import admin

from tasks.models import (
    Indicator,
    IndicatorAllocation,
    KeyTask,
    Section,
    TaskLead,
    TaskParticipant,
    WorkPlan,
)


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0


@admin.register(WorkPlan)
class WorkPlanAdmin(admin.ModelAdmin):
    list_display = ["year", "title", "framework", "status", "updated_at"]
    list_filter = ["status"]
    inlines = [SectionInline]
    readonly_fields = ["source_text", "created_at", "updated_at"]


class TaskLeadInline(admin.TabularInline):
    model = TaskLead
    extra = 0
    autocomplete_fields = ["unit"]


class TaskParticipantInline(admin.TabularInline):
    model = TaskParticipant
    extra = 0
    autocomplete_fields = ["unit"]


class IndicatorInline(admin.StackedInline):
    model = Indicator
    extra = 0
    show_change_link = True


@admin.register(KeyTask)
class KeyTaskAdmin(admin.ModelAdmin):
    list_display = ["number", "title", "section", "plan", "due_date"]
    list_display_links = ["number", "title"]
    list_filter = ["plan", "section", "leads__unit"]
    search_fields = ["title", "description"]
    list_select_related = ["section", "plan"]
    inlines = [TaskLeadInline, TaskParticipantInline, IndicatorInline]


class IndicatorAllocationInline(admin.TabularInline):
    model = IndicatorAllocation
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["name", "task", "kind", "comparator", "target", "measure_unit"]
    list_filter = ["kind", "task__plan"]
    search_fields = ["name", "task__title"]
    list_select_related = ["task"]
    inlines = [IndicatorAllocationInline]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["numeral", "title", "plan"]
    list_filter = ["plan"]
