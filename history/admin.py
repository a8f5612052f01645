from django.contrib import admin

from history.models import Action, Event


class ReadOnlyAdmin(admin.ModelAdmin):
    """The record is read-only, in the admin as everywhere."""

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


class EventInline(admin.TabularInline):
    model = Event
    fields = ("kind", "object_label", "object_repr", "changes")
    readonly_fields = ("kind", "object_label", "object_repr", "changes")
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor_name", "source", "verb", "summary", "task", "report"]
    list_filter = ["source", "verb"]
    search_fields = ["verb", "actor_name", "summary"]
    date_hierarchy = "created_at"
    list_select_related = ["task", "report__unit", "report__period"]
    inlines = [EventInline]


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor_name", "source", "kind", "object_label", "object_repr"]
    list_filter = ["source", "kind", "object_type"]
    search_fields = ["object_repr", "actor_name"]
    date_hierarchy = "created_at"
