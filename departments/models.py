"""Units of the federation (a tree) and the people who work in them."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q


class UnitKind(models.TextChoices):
    DISTRICT = "district", "区总工会"
    DEPARTMENT = "department", "区总部室"
    STREET = "street", "街道总工会"
    INDUSTRY = "industry", "行业工会"
    COMMUNITY = "community", "社区工联会"


# Kinds whose members fill unit reports (街道/行业/社区).
REPORTING_KINDS = (UnitKind.STREET, UnitKind.INDUSTRY, UnitKind.COMMUNITY)

# The order people expect units listed in: streets first, as the plan names them.
KIND_DISPLAY_ORDER = (
    UnitKind.STREET,
    UnitKind.INDUSTRY,
    UnitKind.COMMUNITY,
    UnitKind.DEPARTMENT,
    UnitKind.DISTRICT,
)


def kind_order(field: str = "kind") -> models.Case:
    """An ORDER BY expression putting units of ``field``'s kind in KIND_DISPLAY_ORDER."""
    return models.Case(
        *(models.When(**{field: kind}, then=i) for i, kind in enumerate(KIND_DISPLAY_ORDER)),
        output_field=models.IntegerField(),
    )


class Unit(models.Model):
    """An organisation in the federation's tree: the district, a department, a street union…"""

    name = models.CharField("名称", max_length=100, unique=True)
    short_name = models.CharField("简称", max_length=40, blank=True)
    kind = models.CharField("类型", max_length=20, choices=UnitKind.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "单位"
        verbose_name_plural = "单位"
        ordering = ["kind", "sort_order", "name"]
        constraints = [
            models.CheckConstraint(condition=~Q(parent=models.F("pk")), name="unit_not_own_parent"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def display_name(self) -> str:
        """The short name where one is set (e.g. 平湖 for 平湖街道总工会)."""
        return self.short_name or self.name

    @property
    def is_department(self) -> bool:
        return self.kind == UnitKind.DEPARTMENT

    @property
    def is_reporting_unit(self) -> bool:
        return self.kind in REPORTING_KINDS


class Role(models.TextChoices):
    ADMIN = "admin", "系统管理员"
    LEADER = "leader", "区总领导"
    STAFF = "staff", "部室工作人员"
    REPORTER = "reporter", "街道/行业填报员"


class User(AbstractUser):
    """A person using unionplan: one role, and for staff and reporters one unit."""

    full_name = models.CharField("姓名", max_length=50, blank=True)
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.REPORTER)
    unit = models.ForeignKey(
        Unit,
        verbose_name="所属单位",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    phone = models.CharField("联系电话", max_length=30, blank=True)
    must_change_password = models.BooleanField(
        "下次登录须修改密码",
        default=False,
        help_text="选中后，该用户登录后须先修改密码才能继续使用系统；修改后自动取消。",
    )

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        ordering = ["username"]
        constraints = [
            # Staff and reporters act for a unit; without one they could see nothing sensible.
            models.CheckConstraint(
                condition=~Q(role__in=["staff", "reporter"]) | Q(unit__isnull=False),
                name="user_staff_reporter_have_unit",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name or self.username

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def is_admin_role(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN


class ApiToken(models.Model):
    """A personal API token: named by its owner, shown once, stored only as a hash, revocable."""

    user = models.ForeignKey(
        User, verbose_name="用户", on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("名称", max_length=60)
    prefix = models.CharField("前缀", max_length=12)
    key_hash = models.CharField("哈希", max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)

    class Meta:
        verbose_name = "接口令牌"
        verbose_name_plural = "接口令牌"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name}（{self.prefix}…）"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
