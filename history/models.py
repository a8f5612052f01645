"""The full history (全程留痕): actions (one per thing a person or the system did, with its verb),
the events under them (one per changed object, with each field's old → new value), and the base
class of models whose changes are recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from decimal import Decimal
from typing import Any, ClassVar, cast

from axes.models import AccessAttempt
from django.conf import settings
from django.db import models
from django.utils import timezone

from history.recording import SOURCE_LABELS, current_recorder


class EventKind(models.TextChoices):
    CREATE = "create", "新建"
    UPDATE = "update", "修改"
    DELETE = "delete", "删除"


class Action(models.Model):
    """One thing done (提交报表, 退回, 催报, 登录…): who, when, through which channel; the field
    changes it made are its events."""

    verb = models.CharField("操作", max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
    )
    actor_name = models.CharField("操作人姓名", max_length=100, blank=True)
    source = models.CharField("途径", max_length=20)
    summary = models.CharField("摘要", max_length=300, blank=True)
    # Where a sign-in (登录, 登录失败, 锁定) came from; see history.logins.client_address.
    ip_address = models.GenericIPAddressField("地址", null=True, blank=True)
    task = models.ForeignKey(
        "tasks.KeyTask",
        verbose_name="重点工作",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
    )
    plan = models.ForeignKey(
        "tasks.WorkPlan",
        verbose_name="工作要点",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
    )
    report = models.ForeignKey(
        "reports.UnitReport",
        verbose_name="单位报表",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
    )
    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "操作记录"
        verbose_name_plural = "操作记录"
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.verb}"

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS.get(self.source, self.source)


def actor_display_name(actor: Any) -> str:
    """How the record names an actor: the person's display name, or 系统 for system work."""
    return actor.display_name if actor is not None else "系统"


class Event(models.Model):
    """One recorded change under an action: the object and each field's old → new value."""

    action = models.ForeignKey(
        Action,
        verbose_name="操作",
        null=True,  # events recorded before actions existed stand alone
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )

    task = models.ForeignKey(
        "tasks.KeyTask",
        verbose_name="重点工作",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    plan = models.ForeignKey(
        "tasks.WorkPlan",
        verbose_name="工作要点",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    report = models.ForeignKey(
        "reports.UnitReport",
        verbose_name="单位报表",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    actor_name = models.CharField("操作人姓名", max_length=100, blank=True)
    source = models.CharField("途径", max_length=20)
    kind = models.CharField("动作", max_length=20, choices=EventKind.choices)
    object_type = models.CharField("对象类型", max_length=40)
    object_label = models.CharField("对象类别", max_length=40)
    object_id = models.CharField("对象编号", max_length=40)
    object_repr = models.CharField("对象", max_length=300)
    changes = models.JSONField("变更内容", default=list, blank=True)
    created_at = models.DateTimeField("时间", default=timezone.now, db_index=True)

    class Meta:
        verbose_name = "留痕记录"
        verbose_name_plural = "留痕记录"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["task", "-created_at"], name="event_task_time")]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_name} {self.get_kind_display()}"

    @property
    def source_label(self) -> str:
        return SOURCE_LABELS.get(self.source, self.source)


def display_value(value: Any) -> str:
    """A field value as a person reads it in the timeline."""
    if value is None or value == "":
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return "、".join(str(v) for v in value) or "（空）"
    return str(value)


def record_event(
    *, obj: models.Model, kind: str, changes: list[list[str]], **scope: int | None
) -> Event:
    """Write one event for ``obj`` under the open scope's action (scope: task_id, report_id…).

    The scope's first event creates its action, which takes the event's scope as its own."""
    recorder = current_recorder()
    action = recorder.action
    if action is None:
        action = Action.objects.create(
            verb=recorder.verb,
            actor=recorder.actor,
            actor_name=actor_display_name(recorder.actor),
            source=recorder.source,
            summary=recorder.summary[:300],
            **(recorder.scope or scope),
        )
        recorder.action = action
    return Event.objects.create(
        **scope,
        action=action,
        actor_id=action.actor_id,
        actor_name=action.actor_name,
        source=action.source,
        kind=kind,
        object_type=obj._meta.label_lower,
        object_label=str(obj._meta.verbose_name),
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        changes=changes,
    )


class AuditedModel(models.Model):
    """A model whose every save and delete is recorded, and refused outside a recording scope.

    Why in ``save()``: the guarantee "no change without a record" must hold for every path —
    services, the admin, the importer — so it lives at the one place they all pass through.
    ``QuerySet.update``/``bulk_create``/``delete`` skip it and are not used on these models.
    """

    audit_fields: ClassVar[tuple[str, ...]] = ()

    class Meta:
        abstract = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._audit_loaded = self._audit_snapshot() if not self._state.adding else {}

    def save(self, *args: Any, **kwargs: Any) -> None:
        current_recorder()  # refuse before writing anything
        adding = self._state.adding
        after = self._audit_snapshot()
        changes = self._audit_changes({} if adding else self._audit_loaded, after)
        super().save(*args, **kwargs)
        self._audit_loaded = after
        if adding or changes:
            record_event(
                obj=self,
                kind=EventKind.CREATE if adding else EventKind.UPDATE,
                changes=changes,
                **self.audit_scope(),
            )

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        current_recorder()
        scope = self.audit_scope()
        before = self._audit_snapshot()
        changes = [
            [str(self._audit_field(n).verbose_name), self._audit_display(n, v), "（删除）"]
            for n, v in before.items()
            if v not in (None, "")
        ]
        record_event(obj=self, kind=EventKind.DELETE, changes=changes, **scope)
        return super().delete(*args, **kwargs)

    @classmethod
    def from_db(
        cls, db: str | None, field_names: Collection[str], values: Collection[Any], **kwargs: Any
    ) -> AuditedModel:
        instance = super().from_db(db, field_names, values, **kwargs)
        instance._audit_loaded = instance._audit_snapshot()
        return instance

    def audit_scope(self) -> dict[str, int | None]:
        """The timelines this object's events belong to: task_id, plan_id and/or report_id."""
        return {}

    def _audit_field(self, name: str) -> models.Field[Any, Any]:
        # Audited names are this model's own columns, never reverse relations.
        return cast("models.Field[Any, Any]", self._meta.get_field(name))

    def _audit_snapshot(self) -> dict[str, Any]:
        snapshot = {}
        deferred = self.get_deferred_fields()  # e.g. rows Django loads only to cascade a delete
        for name in self.audit_fields:
            field = self._audit_field(name)
            if field.attname not in deferred:
                snapshot[name] = field.value_from_object(self)
        return snapshot

    def _audit_display(self, name: str, raw: Any) -> str:
        field = self._audit_field(name)
        if field.is_relation and raw is not None:
            related_model = cast("type[models.Model]", field.related_model)  # set on a relation
            related = related_model._default_manager.filter(pk=raw).first()
            return str(related) if related is not None else str(raw)
        if field.choices:
            return str(dict(field.flatchoices).get(raw, raw))
        return display_value(raw)

    def _audit_changes(self, before: dict[str, Any], after: dict[str, Any]) -> list[list[str]]:
        changes = []
        for name in self.audit_fields:
            old, new = before.get(name), after.get(name)
            if not before and (
                new is None or new is False or (isinstance(new, str | list | dict) and not new)
            ):
                continue  # a new row: only what was actually filled in is worth reading
            if old != new:
                label = str(self._audit_field(name).verbose_name)
                old_text = self._audit_display(name, old) if name in before else "（空）"
                changes.append([label, old_text, self._audit_display(name, new)])
        return changes


def record_related_change(*, task: Any, label: str, old: list[str], new: list[str]) -> Event:
    """Record a change of a task's related rows (leads, participants) as one task event."""
    return record_event(
        obj=task,
        kind=EventKind.UPDATE,
        changes=[[label, display_value(old), display_value(new)]],
        task_id=task.pk,
        plan_id=task.plan_id,
    )


LOGIN_VERBS = ("登录", "登录失败", "锁定", "解除锁定")


class LoginRecordManager(models.Manager["LoginRecord"]):
    def get_queryset(self) -> models.QuerySet[LoginRecord]:
        return super().get_queryset().filter(verb__in=LOGIN_VERBS)


class LoginRecord(Action):
    """Sign-ins, failed sign-ins, lockouts and unlocks: the actions an administrator audits for
    password guessing (系统管理 → 登录记录)."""

    objects = LoginRecordManager()  # type: ignore[misc]

    class Meta:
        proxy = True
        verbose_name = "登录记录"
        verbose_name_plural = "登录记录"
        ordering = ["-created_at", "-pk"]


class LoginLockout(AccessAttempt):
    """django-axes' failed-attempt counter per account and address, under a Chinese name:
    deleting a row unlocks that account at that address (系统管理 → 登录锁定)."""

    class Meta:
        proxy = True
        verbose_name = "登录锁定"
        verbose_name_plural = "登录锁定"
        ordering = ["-attempt_time"]
