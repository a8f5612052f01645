"""Writes to units and people. Adding a unit to the plan's tasks is the plan's business
(tasks.services.unit_create / unit_update)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction

from departments import reference
from departments.models import REPORTING_KINDS, ApiToken, Role, Unit, UnitKind, User
from history.recording import Source
from history.services import action_record


def units_ensure_reference() -> list[Unit]:
    """Create (or leave as they are) the district federation, its 6 departments and 11 streets."""
    with transaction.atomic():
        district, _ = Unit.objects.get_or_create(
            name=reference.DISTRICT[0],
            defaults={"short_name": reference.DISTRICT[1], "kind": UnitKind.DISTRICT},
        )
        units = [district]
        for order, name in enumerate(reference.DEPARTMENTS):
            unit, _ = Unit.objects.get_or_create(
                name=name,
                defaults={"kind": UnitKind.DEPARTMENT, "parent": district, "sort_order": order},
            )
            units.append(unit)
        for order, short in enumerate(reference.STREETS):
            unit, _ = Unit.objects.get_or_create(
                name=reference.street_full_name(short),
                defaults={
                    "short_name": short,
                    "kind": UnitKind.STREET,
                    "parent": district,
                    "sort_order": order,
                },
            )
            units.append(unit)
    return units


def user_check_role_unit(*, role: str, unit: Unit | None) -> None:
    """Refuse a role that does not fit the unit: staff need a department, reporters a unit."""
    if role == Role.STAFF and (unit is None or unit.kind != UnitKind.DEPARTMENT):
        raise ValidationError({"unit": "部室工作人员必须属于一个区总部室。"})
    if role == Role.REPORTER and (unit is None or unit.kind not in REPORTING_KINDS):
        raise ValidationError({"unit": "填报员必须属于一个街道总工会、行业工会或社区工联会。"})


def user_create(
    *,
    username: str,
    password: str,
    role: str,
    unit: Unit | None = None,
    full_name: str = "",
) -> User:
    """Create a person with a role that fits their unit."""
    user_check_role_unit(role=role, unit=unit)
    user = User(username=username, role=role, unit=unit, full_name=full_name)
    user.set_password(password)
    user.is_staff = role == Role.ADMIN  # only administrators reach the Django admin
    user.is_superuser = role == Role.ADMIN
    user.full_clean()
    user.save()
    return user


def user_password_change(*, user: User, password: str, source: str = Source.WEB) -> User:
    """Set a person's own new password (already checked by Django's validators), lift a forced
    reset and record 修改密码; the password itself is never recorded."""
    with transaction.atomic():
        user.set_password(password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        action_record(actor=user, source=source, verb="修改密码")
    return user


def users_require_password_change(*, users: Iterable[User], actor: User) -> int:
    """Ask people to choose a new password at their next request (要求下次登录修改密码);
    returns how many were not asked already."""
    count = 0
    with transaction.atomic():
        for user in users:
            if user.must_change_password:
                continue
            user.must_change_password = True
            user.save(update_fields=["must_change_password"])
            action_record(
                actor=actor,
                source=Source.ADMIN,
                verb="要求修改密码",
                summary=f"{user.display_name}（{user.username}）",
            )
            count += 1
    return count


TOKEN_PREFIX = "up_"


def token_hash(raw: str) -> str:
    """SHA-256 of a token; only this is stored."""
    import hashlib

    return hashlib.sha256(raw.encode()).hexdigest()


def token_create(*, user: User, name: str) -> tuple[ApiToken, str]:
    """Create a personal API token; the raw value is returned once and never stored."""
    import secrets

    name = name.strip()
    if not name:
        raise ValidationError({"name": "请为令牌起一个名称，如“数据中心对接”。"})
    if len(name) > 60:
        raise ValidationError({"name": "名称不超过 60 个字。"})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user, name=name, prefix=raw[:10], key_hash=token_hash(raw)
        )
        action_record(
            actor=user, source=Source.WEB, verb="创建令牌", summary=f"{name}（{token.prefix}…）"
        )
    return token, raw


def token_revoke(*, token: ApiToken, user: User) -> ApiToken:
    """Revoke one of one's own tokens (it stops working at once)."""
    from django.core.exceptions import PermissionDenied
    from django.utils import timezone

    if token.user_id != user.pk:
        raise PermissionDenied("只能撤销自己的令牌。")
    if token.revoked_at is None:
        with transaction.atomic():
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            action_record(
                actor=user,
                source=Source.WEB,
                verb="撤销令牌",
                summary=f"{token.name}（{token.prefix}…）",
            )
    return token
