from django.conf import settings
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from history.logins import lockouts_release
from history.models import Action, Event, LoginLockout, LoginRecord


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
    list_display = [
        "created_at",
        "actor_name",
        "source",
        "verb",
        "summary",
        "ip_address",
        "task",
        "report",
    ]
    list_filter = ["source", "verb"]
    search_fields = ["verb", "actor_name", "summary", "ip_address"]
    date_hierarchy = "created_at"
    list_select_related = ["task", "report__unit", "report__period"]
    inlines = [EventInline]


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "actor_name", "source", "kind", "object_label", "object_repr"]
    list_filter = ["source", "kind", "object_type"]
    search_fields = ["object_repr", "actor_name"]
    date_hierarchy = "created_at"


@admin.register(LoginRecord)
class LoginRecordAdmin(ReadOnlyAdmin):
    """登录、登录失败、锁定、解除锁定: who, when, from which address."""

    list_display = ["created_at", "verb", "actor_name", "summary", "ip_address", "source_name"]
    list_filter = ["verb"]
    search_fields = ["actor_name", "summary", "ip_address"]
    date_hierarchy = "created_at"
    fields = readonly_fields = (
        "created_at",
        "verb",
        "actor_name",
        "summary",
        "ip_address",
        "source_name",
    )

    @admin.display(description="途径", ordering="source")
    def source_name(self, obj: LoginRecord) -> str:
        return obj.source_label


class LockedFilter(admin.SimpleListFilter):
    title = "状态"
    parameter_name = "locked"

    def lookups(self, request, model_admin):  # type: ignore[no-untyped-def]
        return [("yes", "已锁定"), ("no", "未锁定")]

    def queryset(self, request, queryset):  # type: ignore[no-untyped-def]
        limit = settings.UNIONPLAN_LOGIN_FAILURE_LIMIT
        if self.value() == "yes":
            return queryset.filter(failures_since_start__gte=limit)
        if self.value() == "no":
            return queryset.filter(failures_since_start__lt=limit)
        return queryset


@admin.register(LoginLockout)
class LoginLockoutAdmin(admin.ModelAdmin):
    """Failed sign-ins counted per account and address; 解除锁定 deletes the counter."""

    list_display = ["username_label", "address_label", "failures_label", "time_label", "locked"]
    list_filter = [LockedFilter]
    search_fields = ["username", "ip_address"]
    actions = ["release"]
    fields = readonly_fields = (
        "username",
        "ip_address",
        "failures_since_start",
        "attempt_time",
        "user_agent",
    )

    @admin.display(description="用户名", ordering="username")
    def username_label(self, obj: LoginLockout) -> str:
        return obj.username or ""

    @admin.display(description="地址", ordering="ip_address")
    def address_label(self, obj: LoginLockout) -> str:
        return obj.ip_address or ""

    @admin.display(description="连续失败次数", ordering="failures_since_start")
    def failures_label(self, obj: LoginLockout) -> int:
        return obj.failures_since_start

    @admin.display(description="最近失败时间", ordering="attempt_time")
    def time_label(self, obj: LoginLockout) -> object:
        return obj.attempt_time

    @admin.display(description="已锁定", boolean=True)
    def locked(self, obj: LoginLockout) -> bool:
        return obj.failures_since_start >= settings.UNIONPLAN_LOGIN_FAILURE_LIMIT

    def has_add_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def get_actions(self, request):  # type: ignore[no-untyped-def]
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # 解除锁定 deletes and records who unlocked
        return actions

    @admin.action(description="解除锁定所选账号（清除失败记录）", permissions=["delete"])
    def release(self, request: HttpRequest, queryset: QuerySet[LoginLockout]) -> None:
        count = lockouts_release(attempts=list(queryset), user=request.user, request=request)
        self.message_user(request, f"已解除 {count} 个账号的锁定。", messages.SUCCESS)

    def delete_model(self, request, obj):  # type: ignore[no-untyped-def]
        lockouts_release(attempts=[obj], user=request.user, request=request)
