from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.forms import ModelForm

from departments.models import ApiToken, Unit, User
from departments.services import UNIT_FIELDS, unit_create, unit_update, user_check_role_unit


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    """Units are added and changed through the services, so they join and leave tasks as in code."""

    list_display = ["name", "short_name", "kind", "parent", "sort_order", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "short_name"]
    list_select_related = ["parent"]

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        from history.recording import Source

        data = {f: form.cleaned_data[f] for f in UNIT_FIELDS if f in form.cleaned_data}
        if change:
            changed = {f: data[f] for f in form.changed_data if f in data}
            saved = unit_update(unit=obj, user=request.user, source=Source.ADMIN, **changed)
        else:
            saved = unit_create(**data, user=request.user, source=Source.ADMIN)
        # The admin goes on with ``obj`` (change message, redirect): make it the saved row.
        obj.pk = saved.pk
        obj._state.adding = False


class UserRoleUnitMixin(ModelForm):
    """Admin forms check the same role/unit rule as the service that creates people."""

    def clean(self) -> dict:
        data = super().clean()
        if "role" in data:
            try:
                user_check_role_unit(role=data["role"], unit=data.get("unit"))
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    self.add_error(field, errors)
        return data


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ["username", "full_name", "role", "unit", "is_active", "last_login"]
    list_filter = ["role", "unit__kind", "is_active"]
    search_fields = ["username", "full_name", "unit__name"]
    list_select_related = ["unit"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("full_name", "phone", "email")}),
        ("角色与单位", {"fields": ("role", "unit")}),
        ("权限", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("登录信息", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "full_name", "role", "unit", "password1", "password2"),
            },
        ),
    )

    def get_form(self, request, obj=None, **kwargs):  # type: ignore[no-untyped-def]
        form = super().get_form(request, obj, **kwargs)
        return type("RoleCheckedForm", (UserRoleUnitMixin, form), {})


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created by their owners; the admin can only see and revoke them."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    readonly_fields = ["user", "name", "prefix", "key_hash", "created_at", "last_used_at"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
