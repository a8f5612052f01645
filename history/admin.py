from django.contrib import admin

from history.models import Event


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    """The record is read-only, in the admin as everywhere."""

    list_display = ["created_at", "actor_name", "source", "action", "object_label", "object_repr"]
    list_filter = ["source", "action", "object_type"]
    search_fields = ["object_repr", "actor_name"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
