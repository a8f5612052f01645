"""Instructions (批示) and their 督办 loop: a leader writes one on a task (optionally with a
办理时限), the lead department answers, the leader follows up (追问) or closes it (办结).

Every step is one recorded action on the task's history, adds a message to the thread and
notifies the other side (event "instruction", for the webhooks as well as mail).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from departments.models import Role, User
from history.recording import Source, recording
from notifications.services import notify
from tasks.locking import lock_for_update
from tasks.models import (
    Instruction,
    InstructionMessage,
    InstructionMessageKind,
    InstructionState,
    KeyTask,
)
from unionplan import clock, policies
from unionplan.fields import text_lengths_check

NOTIFY_EVENT = "instruction"
STALE_MESSAGE = "该批示已被他人答复、追问或办结，您填写的内容未保存，请查看最新情况后再提交。"


class InstructionClosed(PermissionDenied):
    """A step on an instruction that has been closed (办结): nothing more can be added."""


def instruction_create(
    *,
    task: KeyTask,
    user: User,
    text: str,
    deadline: dt.date | None = None,
    source: str = Source.WEB,
) -> Instruction:
    """A leader writes an instruction (批示) on a task; the lead departments' staff are notified."""
    if not policies.can(user, "task.instruct", task):
        raise PermissionDenied("只有区总领导可以作出批示。")
    text_lengths_check({"text": ("批示内容", text)})
    errors = {}
    if not text.strip():
        errors["text"] = "请填写批示内容。"
    if deadline is not None and deadline < clock.today():
        errors["deadline"] = "办理时限不能早于今天。"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic(), recording(actor=user, source=source, verb="批示", task=task):
        instruction = Instruction(task=task, author=user, text=text.strip(), deadline=deadline)
        instruction.save()
        _notify_lead_staff(
            instruction,
            title=f"领导批示：第 {task.number} 项 {task.title}",
            body=_with_deadline(instruction.text, deadline),
        )
    return instruction


def instruction_answer(
    *,
    instruction: Instruction,
    user: User,
    answer: str,
    expected_version: int,
    source: str = Source.WEB,
) -> Instruction:
    """The lead department answers (or amends its answer to) an instruction; the leader who
    wrote it is notified."""
    _refuse_closed(instruction, "该批示已办结，不能再答复。")
    if not policies.can(user, "instruction.answer", instruction):
        raise PermissionDenied("只有牵头部室的工作人员可以答复该批示。")
    if not answer.strip():
        raise ValidationError({"answer": "请填写办理情况。"})
    text_lengths_check({"answer": ("办理情况", answer)})
    task = instruction.task
    with (
        transaction.atomic(),
        recording(actor=user, source=source, verb="答复", task=task),
    ):
        current = _lock(instruction, expected_version, closed="该批示已办结，不能再答复。")
        current.answer = answer.strip()
        current.answered_by = user
        current.answered_at = timezone.now()
        if current.state == InstructionState.OPEN:
            current.state = InstructionState.ANSWERED
        current.save()
        _add_message(current, InstructionMessageKind.ANSWER, user, current.answer)
        notify(
            users=[current.author],
            title=f"批示已答复：第 {task.number} 项 {task.title}",
            body=f"{user.display_name}：{current.answer}",
            url=instruction_url(current),
            event=NOTIFY_EVENT,
        )
    return current


def instruction_follow_up(
    *,
    instruction: Instruction,
    user: User,
    text: str,
    deadline: dt.date | None = None,
    expected_version: int,
    source: str = Source.WEB,
) -> Instruction:
    """A leader follows up (追问) in the instruction's thread: it is open again for the lead
    department, optionally with a new 办理时限, and its staff are notified."""
    _refuse_closed(instruction, "该批示已办结，不能再追问。")
    if not policies.can(user, "instruction.follow_up", instruction):
        raise PermissionDenied("只有区总领导可以追问批示。")
    text_lengths_check({"text": ("追问内容", text)})
    errors = {}
    if not text.strip():
        errors["text"] = "请填写追问内容。"
    if deadline is not None and deadline < clock.today():
        errors["deadline"] = "办理时限不能早于今天。"
    if errors:
        raise ValidationError(errors)
    task = instruction.task
    with transaction.atomic(), recording(actor=user, source=source, verb="追问", task=task):
        current = _lock(instruction, expected_version, closed="该批示已办结，不能再追问。")
        current.state = InstructionState.OPEN
        if deadline is not None:
            current.deadline = deadline
        current.save()
        _add_message(current, InstructionMessageKind.FOLLOW_UP, user, text.strip())
        _notify_lead_staff(
            current,
            title=f"领导追问：第 {task.number} 项 {task.title}",
            body=_with_deadline(text.strip(), current.deadline),
        )
    return current


def instruction_close(
    *,
    instruction: Instruction,
    user: User,
    remark: str = "",
    expected_version: int,
    source: str = Source.WEB,
) -> Instruction:
    """A leader closes (办结) an instruction; nothing more can be answered or followed up."""
    _refuse_closed(instruction, "该批示已办结。")
    if not policies.can(user, "instruction.close", instruction):
        raise PermissionDenied("只有区总领导可以办结批示。")
    text_lengths_check({"remark": ("办结意见", remark)})
    task = instruction.task
    with transaction.atomic(), recording(actor=user, source=source, verb="办结", task=task):
        current = _lock(instruction, expected_version, closed="该批示已办结。")
        current.state = InstructionState.CLOSED
        current.closed_by = user
        current.closed_at = timezone.now()
        current.save()
        _add_message(current, InstructionMessageKind.CLOSE, user, remark.strip())
        _notify_lead_staff(
            current,
            title=f"批示已办结：第 {task.number} 项 {task.title}",
            body=remark.strip() or current.text,
        )
    return current


def instruction_url(instruction: Instruction) -> str:
    """The instruction's thread on its task's page."""
    return f"{instruction.task.get_absolute_url()}#instruction-{instruction.pk}"


def _refuse_closed(instruction: Instruction, message: str) -> None:
    if instruction.state == InstructionState.CLOSED:
        raise InstructionClosed(message)


def _lock(instruction: Instruction, expected_version: int, *, closed: str) -> Instruction:
    current = lock_for_update(
        Instruction.objects.filter(pk=instruction.pk),
        expected_version=expected_version,
        message=lambda row: closed if row.state == InstructionState.CLOSED else STALE_MESSAGE,
        stale=lambda row: row.state == InstructionState.CLOSED,
    )
    # The task was read with its leads by the caller; keep it (notifications, history scope).
    current.task = instruction.task
    return current


def _add_message(
    instruction: Instruction, kind: InstructionMessageKind, user: User, text: str
) -> InstructionMessage:
    message = InstructionMessage(instruction=instruction, kind=kind, author=user, text=text)
    message.save()
    return message


def _notify_lead_staff(instruction: Instruction, *, title: str, body: str) -> int:
    lead_ids = [lead.unit_id for lead in instruction.task.leads.all()]
    staff = User.objects.filter(role=Role.STAFF, unit_id__in=lead_ids, is_active=True)
    return notify(
        users=staff, title=title, body=body, url=instruction_url(instruction), event=NOTIFY_EVENT
    )


def _with_deadline(text: str, deadline: dt.date | None) -> str:
    if deadline is None:
        return text
    return f"{text}\n办理时限：{deadline.year}年{deadline.month}月{deadline.day}日"
