from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.forms import ModelForm

from departments.models import ApiToken, User
from departments.services import user_check_role_unit, users_require_password_change


class UserRoleUnitMixin(ModelForm):
    """Admin forms check the same role/unit rule as the service that creates people."""

    def clean(self) -> dict:
        super().clean()
        data = self.cleaned_data  # what ModelForm.clean returns; the stubs allow None
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
    list_filter = ["role", "unit__kind", "is_active", "must_change_password"]
    search_fields = ["username", "full_name", "unit__name"]
    list_select_related = ["unit"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("个人信息", {"fields": ("full_name", "phone", "email")}),
        ("角色与单位", {"fields": ("role", "unit")}),
        ("权限", {"fields": ("is_active", "is_staff", "is_superuser")}),
        ("登录信息", {"fields": ("must_change_password", "last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "full_name",
                    "role",
                    "unit",
                    "password1",
                    "password2",
                    "must_change_password",
                ),
            },
        ),
    )

    actions = ["require_password_change"]

    def get_form(self, request, obj=None, **kwargs):  # type: ignore[no-untyped-def]
        form = super().get_form(request, obj, **kwargs)
        return type("RoleCheckedForm", (UserRoleUnitMixin, form), {})

    @admin.action(description="要求下次登录修改密码")
    def require_password_change(self, request, queryset):  # type: ignore[no-untyped-def]
        count = users_require_password_change(users=queryset, actor=request.user)
        self.message_user(
            request,
            f"已要求 {count} 位用户下次登录时修改密码。",
            messages.SUCCESS,
        )


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Tokens are created by their owners; the admin can only see and revoke them."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    readonly_fields = ["user", "name", "prefix", "key_hash", "created_at", "last_used_at"]

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False
