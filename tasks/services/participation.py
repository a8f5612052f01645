"""Units joining the tasks that name their group: creating and changing a unit.

A task whose participants name a whole group (e.g. 行业工会) gains each unit of that kind and loses
it when the unit changes kind or is deactivated; archived plans keep the participants they had.
"""

from __future__ import annotations

from django.db import transaction

from departments.models import Unit, User
from departments.reference import PARTICIPANT_GROUPS
from history.models import record_related_change
from history.recording import recording
from tasks.models import KeyTask, PlanStatus, TaskParticipant


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
    with transaction.atomic(), recording(actor=user, source=source, verb="新增单位", summary=name):
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
    unknown = set(changes) - set(UNIT_FIELDS)
    if unknown:
        raise ValueError(f"unit_update cannot change {sorted(unknown)}")
    with (
        transaction.atomic(),
        recording(actor=user, source=source, verb="修改单位", summary=unit.name),
    ):
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
    return [g for g, k in PARTICIPANT_GROUPS.items() if k == kind]


def _unit_join_groups(unit: Unit) -> None:
    # Only plans still in use gain a unit: an archived plan keeps the participants it had.
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
    rows = TaskParticipant.objects.filter(unit=unit, group__in=_group_names(kind)).exclude(
        task__plan__status=PlanStatus.ARCHIVED
    )
    left = list(rows.values_list("task_id", flat=True))
    rows.delete()
    for task in KeyTask.objects.filter(pk__in=left):
        record_related_change(task=task, label="参与单位", old=[unit.name], new=[])
