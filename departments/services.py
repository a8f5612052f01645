"""Writes to units and people."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from departments import reference
from departments.models import REPORTING_KINDS, ApiToken, Role, Unit, UnitKind, User


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


def unit_create(
    *,
    name: str,
    kind: str,
    parent: Unit | None = None,
    short_name: str = "",
    sort_order: int = 0,
    is_active: bool = True,
    user: User | None = None,
    source: str = "system",
) -> Unit:
    """Add a unit; it joins every task whose participants name its whole group (e.g. 行业工会)."""
    from history.recording import recording

    with transaction.atomic(), recording(actor=user, source=source):
        unit = Unit.objects.create(
            name=name,
            kind=kind,
            parent=parent,
            short_name=short_name,
            sort_order=sort_order,
            is_active=is_active,
        )
        if unit.is_active:
            _unit_join_groups(unit)
    return unit


UNIT_FIELDS = ("name", "short_name", "kind", "parent", "sort_order", "is_active")


def unit_update(*, unit: Unit, user: User | None, source: str = "admin", **changes: object) -> Unit:
    """Change a unit; a new kind or (de)activation leaves and joins the tasks naming its group."""
    from history.recording import recording

    unknown = set(changes) - set(UNIT_FIELDS)
    if unknown:
        raise ValueError(f"unit_update cannot change {sorted(unknown)}")
    with transaction.atomic(), recording(actor=user, source=source):
        current = Unit.objects.select_for_update().get(pk=unit.pk)
        was_in_groups = current.is_active
        old_kind = current.kind
        for field, value in changes.items():
            setattr(current, field, value)
        current.full_clean(validate_unique=True)
        current.save()
        now_in_groups = current.is_active
        if was_in_groups and (not now_in_groups or current.kind != old_kind):
            _unit_leave_groups(current, kind=old_kind)
        if now_in_groups and (not was_in_groups or current.kind != old_kind):
            _unit_join_groups(current)
    return current


def _group_names(kind: str) -> list[str]:
    return [g for g, k in reference.PARTICIPANT_GROUPS.items() if k == kind]


def _unit_join_groups(unit: Unit) -> None:
    # Only plans still in use gain a unit: an archived plan keeps the participants it had.
    from history.models import record_related_change
    from tasks.models import KeyTask, PlanStatus, TaskParticipant

    task_groups = (
        TaskParticipant.objects.filter(group__in=_group_names(unit.kind))
        .exclude(task__plan__status=PlanStatus.ARCHIVED)
        .exclude(task__participants__unit=unit)
        .values_list("task_id", "group")
        .distinct()
    )
    joined = dict(task_groups)
    TaskParticipant.objects.bulk_create(
        [
            TaskParticipant(task_id=task_id, unit=unit, group=group)
            for task_id, group in joined.items()
        ],
        ignore_conflicts=True,
    )
    for task in KeyTask.objects.filter(pk__in=joined):
        record_related_change(task=task, label="参与单位", old=[], new=[f"新增{unit.name}"])


def _unit_leave_groups(unit: Unit, *, kind: str) -> None:
    # Only the participations that came from a group of the old kind go; a task naming the unit
    # itself (group "") keeps it.
    from history.models import record_related_change
    from tasks.models import KeyTask, PlanStatus, TaskParticipant

    rows = TaskParticipant.objects.filter(unit=unit, group__in=_group_names(kind)).exclude(
        task__plan__status=PlanStatus.ARCHIVED
    )
    left = list(rows.values_list("task_id", flat=True))
    rows.delete()
    for task in KeyTask.objects.filter(pk__in=left):
        record_related_change(task=task, label="参与单位", old=[unit.name], new=[])


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
    token = ApiToken.objects.create(user=user, name=name, prefix=raw[:10], key_hash=token_hash(raw))
    return token, raw


def token_revoke(*, token: ApiToken, user: User) -> ApiToken:
    """Revoke one of one's own tokens (it stops working at once)."""
    from django.core.exceptions import PermissionDenied
    from django.utils import timezone

    if token.user_id != user.pk:
        raise PermissionDenied("只能撤销自己的令牌。")
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
    return token
