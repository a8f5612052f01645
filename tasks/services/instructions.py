"""Instructions (批示): a leader writes one on a task, and its lead department answers it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from departments.models import User
from history.recording import Source, recording
from tasks.locking import lock_for_update
from tasks.models import (
    Instruction,
    InstructionMessage,
    InstructionMessageKind,
    InstructionState,
    KeyTask,
)
from unionplan import policies


def instruction_create(
    *, task: KeyTask, user: User, text: str, source: str = Source.WEB
) -> Instruction:
    """A leader writes an instruction (批示) on a task for its lead department to answer."""
    if not policies.can(user, "task.instruct", task):
        raise PermissionDenied("只有区总领导可以作出批示。")
    if not text.strip():
        raise ValidationError({"text": "请填写批示内容。"})
    with transaction.atomic(), recording(actor=user, source=source, verb="批示", task=task):
        instruction = Instruction(task=task, author=user, text=text.strip())
        instruction.save()
    return instruction


def instruction_answer(
    *,
    instruction: Instruction,
    user: User,
    answer: str,
    expected_version: int,
    source: str = Source.WEB,
) -> Instruction:
    """The lead department answers (or amends its answer to) an instruction."""
    if not policies.can(user, "instruction.answer", instruction):
        raise PermissionDenied("只有牵头部室的工作人员可以答复该批示。")
    if not answer.strip():
        raise ValidationError({"answer": "请填写办理情况。"})
    with transaction.atomic(), recording(actor=user, source=source, verb="答复"):
        current = lock_for_update(
            Instruction.objects.filter(pk=instruction.pk),
            expected_version=expected_version,
            message="该批示已被他人答复或修改，您填写的内容未保存，请查看最新答复。",
        )
        current.answer = answer.strip()
        current.answered_by = user
        current.answered_at = timezone.now()
        if current.state == InstructionState.OPEN:
            current.state = InstructionState.ANSWERED
        current.save()
        InstructionMessage.objects.create(
            instruction=current,
            kind=InstructionMessageKind.ANSWER,
            author=user,
            text=current.answer,
        )
    return current
