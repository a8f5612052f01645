from django.contrib import admin

from departments.models import Unit
from history.models import record_related_change
from history.recording import Source
from history.services import action_record
from tasks.models import (
    Indicator,
    IndicatorAllocation,
    IndicatorRule,
    Instruction,
    KeyTask,
    PlanStatus,
    ProgressUpdate,
    Section,
    TaskLead,
    TaskParticipant,
    WorkPlan,
)
from tasks.services import UNIT_FIELDS, unit_create, unit_update


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0


@admin.register(WorkPlan)
class WorkPlanAdmin(admin.ModelAdmin):
    list_display = ["year", "title", "framework", "status", "updated_at"]
    list_filter = ["status"]
    inlines = [SectionInline]
    readonly_fields = ["source_text", "created_at", "updated_at"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        # WorkPlan is not an audited model; its status (草稿/执行中/已归档) is the one change of
        # it that says something to users, so it is recorded as an action of its own.
        super().save_model(request, obj, form, change)
        if change and "status" in form.changed_data:
            old = PlanStatus(form.initial["status"]).label
            action_record(
                actor=request.user,
                source=Source.ADMIN,
                verb="修改计划状态",
                summary=f"{obj.year}年：{old} → {obj.get_status_display()}",
                plan=obj,
            )


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


class RecordedAdmin(admin.ModelAdmin):
    """Admin of an audited model: bulk deletion would skip the record, so it is not offered."""

    def get_actions(self, request):  # type: ignore[no-untyped-def]
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


@admin.register(KeyTask)
class KeyTaskAdmin(RecordedAdmin):
    list_display = ["number", "title", "section", "plan", "due_date"]
    list_display_links = ["number", "title"]
    list_filter = ["plan", "section", "leads__unit"]
    search_fields = ["title", "description"]
    list_select_related = ["section", "plan"]
    inlines = [TaskLeadInline, TaskParticipantInline, IndicatorInline]

    def save_related(self, request, form, formsets, change):  # type: ignore[no-untyped-def]
        task = form.instance
        before = self._related_names(task)
        super().save_related(request, form, formsets, change)
        after = self._related_names(task)
        for label in ("牵头部室", "参与单位"):
            if before[label] != after[label]:
                record_related_change(task=task, label=label, old=before[label], new=after[label])

    @staticmethod
    def _related_names(task: KeyTask) -> dict[str, list[str]]:
        if task.pk is None:
            return {"牵头部室": [], "参与单位": []}
        return {
            "牵头部室": [
                lead.unit.name for lead in task.leads.select_related("unit").order_by("order")
            ],
            "参与单位": sorted(p.unit.name for p in task.participants.select_related("unit")),
        }


class IndicatorAllocationInline(admin.TabularInline):
    model = IndicatorAllocation
    extra = 0
    autocomplete_fields = ["unit"]


class IndicatorRuleInline(admin.TabularInline):
    """指标校验规则; the product's own page (计划管理 → 校验规则) checks them more fully."""

    model = IndicatorRule
    fk_name = "indicator"
    extra = 0
    autocomplete_fields = ["other"]
    fields = ["kind", "bound", "other", "note"]


@admin.register(Indicator)
class IndicatorAdmin(RecordedAdmin):
    list_display = ["name", "task", "kind", "comparator", "target", "measure_unit"]
    list_filter = ["kind", "task__plan"]
    search_fields = ["name", "task__title"]
    list_select_related = ["task"]
    inlines = [IndicatorAllocationInline, IndicatorRuleInline]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["numeral", "title", "plan"]
    list_filter = ["plan"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(RecordedAdmin):
    list_display = ["task", "period", "status", "percent", "updated_by", "updated_at"]
    list_filter = ["period", "status"]
    list_select_related = ["task", "period", "updated_by"]
    readonly_fields = ["version", "created_by", "updated_by"]


@admin.register(Instruction)
class InstructionAdmin(RecordedAdmin):
    list_display = ["task", "author", "created_at", "answered_at"]
    list_select_related = ["task", "author"]
    readonly_fields = ["version"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    """Units are added and changed through the plan's services, so they join and leave the tasks
    naming their group as in code; registered here, on the plan's side, for that reason."""

    list_display = ["name", "short_name", "kind", "parent", "sort_order", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name"]
    list_select_related = ["parent"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        data = {f: form.cleaned_data[f] for f in UNIT_FIELDS if f in form.cleaned_data}
        if change:
            changed = {f: data[f] for f in form.changed_data if f in data}
            saved = unit_update(unit=obj, user=request.user, source=Source.ADMIN, **changed)
        else:
            saved = unit_create(**data, user=request.user, source=Source.ADMIN)
        # The admin goes on with ``obj`` (change message, redirect): make it the saved row.
        obj.pk = saved.pk
        obj._state.adding = False
