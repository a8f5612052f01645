"""Cadence indicators (频次): recording and deleting the occurrences of "每季度开展1次" etc.

The lead department's staff (and administrators) record each occurrence with its date, what was
done and optional evidence; its slot of the year follows from the date. Every write changes the
plan's figures stamp (the model is watched, see tasks/apps.py), so the task's colour follows.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from departments.models import User
from history.recording import Source, recording
from tasks import cadence
from tasks.models import CadenceOccurrence, Indicator, IndicatorKind
from unionplan import clock, policies
from unionplan.fields import text_lengths_check
from unionplan.filetypes import ALLOWED_LABELS, OFFICE_OPEN_XML, sniff, zip_bomb_refusal

NOTE_MAX = 2000


def _require(user: User, indicator: Indicator) -> None:
    if not policies.can(user, "task.update_progress", indicator.task):
        raise PermissionDenied("只有牵头部室的工作人员可以登记本项工作的开展情况。")


def _evidence_check(evidence: UploadedFile) -> None:
    """The evidence rules of units' reports: allowed kinds by content, a size limit."""
    name, size = evidence.name or "", evidence.size or 0
    if size > settings.UNIONPLAN_ATTACHMENT_MAX_BYTES:
        limit = settings.UNIONPLAN_ATTACHMENT_MAX_BYTES // (1024 * 1024)
        raise ValidationError({"evidence": f"佐证材料“{name}”超过 {limit} MB，请压缩后再上传。"})
    content_type = sniff(evidence)
    if content_type is None:
        raise ValidationError(
            {
                "evidence": f"佐证材料“{name}”的内容不是允许的类型（{ALLOWED_LABELS}），"
                "系统按文件内容而非扩展名判断。"
            }
        )
    bomb = zip_bomb_refusal(evidence) if content_type in OFFICE_OPEN_XML else None
    if bomb:
        raise ValidationError({"evidence": f"佐证材料“{name}”{bomb}，疑似压缩炸弹，已拒绝。"})


def cadence_occurrence_record(
    *,
    indicator: Indicator,
    user: User,
    done_on: dt.date | None,
    note: str,
    evidence: UploadedFile | None = None,
    source: str = Source.WEB,
) -> CadenceOccurrence:
    """Record that ``indicator`` (频次型) was carried out on ``done_on``: its slot of the plan
    year follows from the date. Refused for a date outside the plan year or in the future."""
    task = indicator.task
    _require(user, indicator)
    errors: dict[str, str] = {}
    if indicator.kind != IndicatorKind.CADENCE or not indicator.cadence:
        errors["indicator"] = f"“{indicator.name}”不是频次型指标。"
    year = task.plan.year
    if done_on is None:
        errors["done_on"] = "请填写开展日期。"
    elif done_on.year != year:
        errors["done_on"] = f"开展日期应在 {year} 年内。"
    elif done_on > clock.today():
        errors["done_on"] = "开展日期不能晚于今天。"
    if not note.strip():
        errors["note"] = "请填写开展情况。"
    if errors:
        raise ValidationError(errors)
    text_lengths_check({"note": ("开展情况", note)})
    if evidence is not None:
        _evidence_check(evidence)
    assert done_on is not None
    slot = cadence.slot_of(indicator.cadence, done_on)
    label = cadence.year_slots(indicator.cadence, year)[slot - 1].label
    with (
        transaction.atomic(),
        recording(
            actor=user,
            source=source,
            verb="登记开展情况",
            summary=f"{indicator.name}·{label}",
            task=task,
        ),
    ):
        row = CadenceOccurrence(
            indicator=indicator, slot=slot, done_on=done_on, note=note.strip(), recorded_by=user
        )
        if evidence is not None:
            row.evidence.save(evidence.name or "evidence", evidence, save=False)
        row.save()
    return row


def cadence_occurrence_delete(
    *, occurrence: CadenceOccurrence, user: User, source: str = Source.WEB
) -> None:
    """Delete an occurrence recorded by mistake (its evidence file with it)."""
    indicator = occurrence.indicator
    _require(user, indicator)
    with (
        transaction.atomic(),
        recording(
            actor=user,
            source=source,
            verb="删除开展记录",
            summary=f"{indicator.name}·{occurrence.done_on:%Y-%m-%d}",
            task=indicator.task,
        ),
    ):
        evidence = occurrence.evidence.name
        occurrence.delete()
        if evidence:
            transaction.on_commit(lambda: occurrence.evidence.storage.delete(evidence))
