"""Reader of a unit's own workbook (单位季度报表): one street, industry or community union's
entries for a period, its figures against its allocated targets (指标分解) and its evidence files,
in a fixed number of queries whatever the unit's size. Its formatter is exports/unit_workbook.py.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, Sum
from django.utils import timezone

from departments.models import Unit
from reports.models import Attachment, Contribution, EntryState, ReportEntry, ReportJob, UnitReport
from reports.selectors import report_status
from tasks.models import (
    Indicator,
    IndicatorAllocation,
    IndicatorKind,
    KeyTask,
    ReportingPeriod,
    TaskLead,
    TaskParticipant,
)
from unionplan import clock

# The entry states as the workspace names them (a draft is 未填写 until something is typed).
NOT_STARTED = ("empty", "未填写")
SAVED = ("saved", "已暂存")
STATE_LABELS = {
    EntryState.SUBMITTED: EntryState.SUBMITTED.label,
    EntryState.APPROVED: EntryState.APPROVED.label,
    EntryState.RETURNED: EntryState.RETURNED.label,
}
# Drafts belong to the unit alone (staff and leaders may download this workbook too).
DRAFT_NOTE = "（尚未提交：暂存内容提交后才列入本表）"


@dataclass
class UnitWorkbookData:
    """Everything a unit's workbook shows, as plain values."""

    title: str
    scope: str
    cut_off: dt.date
    generated_at: dt.datetime
    period_name: str
    due_date: dt.date
    report_state: str
    submitted_at: str
    is_late: bool
    entries: list[dict[str, Any]] = field(default_factory=list)
    figures: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[dict[str, Any]] = field(default_factory=list)
    state_counts: list[tuple[str, int]] = field(default_factory=list)


def _local(moment: dt.datetime | None) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _number(value: Decimal | None) -> float | None:
    return float(value) if value is not None else None


def _entry_state(entry: ReportEntry | None) -> tuple[str, str]:
    if entry is None:
        return NOT_STARTED
    if entry.state == EntryState.DRAFT:
        typed = entry.narrative.strip() or entry.not_applicable or entry.contributions.all()
        return SAVED if typed else NOT_STARTED
    return str(entry.state), STATE_LABELS[EntryState(entry.state)]


def unit_workbook_data(*, unit: Unit, period: ReportingPeriod) -> UnitWorkbookData:
    """Read one unit's period: entries, figures against its targets, evidence (10 queries)."""
    plan = period.plan
    tasks = list(
        KeyTask.objects.filter(plan=plan)
        .filter(
            Q(participants__unit=unit)
            | Q(entries__report__unit=unit, entries__report__period=period)
            | Q(indicators__allocations__unit=unit)
        )
        .distinct()
        .order_by("number")
        .prefetch_related(
            Prefetch("leads", queryset=TaskLead.objects.select_related("unit")),
            Prefetch("indicators", queryset=Indicator.objects.order_by("order")),
            Prefetch(
                "participants",
                queryset=TaskParticipant.objects.filter(unit=unit),
                to_attr="unit_participation",
            ),
        )
    )
    report = (
        UnitReport.objects.filter(unit=unit, period=period)
        .prefetch_related(
            Prefetch(
                "entries",
                queryset=ReportEntry.objects.select_related("reviewed_by").prefetch_related(
                    "contributions",
                    Prefetch(
                        "attachments",
                        queryset=Attachment.objects.select_related("uploaded_by").order_by(
                            "uploaded_at", "pk"
                        ),
                    ),
                ),
            )
        )
        .first()
    )
    entries = {e.task_id: e for e in report.entries.all()} if report is not None else {}
    allocations = {
        a.indicator_id: a.target
        for a in IndicatorAllocation.objects.filter(unit=unit, indicator__task__plan=plan)
    }
    # The unit's approved figures of every period up to this one, per indicator and period.
    approved: dict[int, list[tuple[dt.date, Decimal]]] = {}
    for row in (
        Contribution.objects.filter(
            entry__state=EntryState.APPROVED,
            entry__report__unit=unit,
            entry__report__period__plan=plan,
            entry__report__period__kind=period.kind,
            entry__report__period__end_date__lte=period.end_date,
        )
        .values("indicator_id", "entry__report__period__end_date")
        .annotate(total=Sum("value"))
    ):
        approved.setdefault(row["indicator_id"], []).append(
            (row["entry__report__period__end_date"], row["total"])
        )

    status_key, status_label = report_status([e.state for e in entries.values()])
    data = UnitWorkbookData(
        title=f"{plan.year}年{period.name}{unit.name}报表",
        scope=unit.name,
        cut_off=clock.today(),
        generated_at=timezone.localtime(),
        period_name=f"{plan.year}年{period.name}",
        due_date=period.due_date,
        report_state=status_label if report is not None else "未填报",
        submitted_at=_local(report.submitted_at) if report is not None else "",
        is_late=bool(report and report.is_late),
    )
    counts: dict[str, int] = {}
    for task in tasks:
        entry = entries.get(task.pk)
        state, label = _entry_state(entry)
        # A task only allocated to the unit (not taking part, no entry) gives figures, no entry.
        in_entries = entry is not None or bool(task.unit_participation)  # type: ignore[attr-defined]
        shown = entry is not None and entry.state != EntryState.DRAFT
        values = {c.indicator_id: c.value for c in entry.contributions.all()} if entry else {}
        if in_entries:
            counts[label] = counts.get(label, 0) + 1
            data.entries.append(
                {
                    "number": task.number,
                    "title": task.title,
                    "leads": "、".join(lead.unit.name for lead in task.leads.all()),
                    "state": state,
                    "state_label": label,
                    "narrative": _narrative(entry)
                    if shown
                    else (DRAFT_NOTE if state == SAVED[0] else ""),
                    "figures": "；".join(
                        f"{ind.name} {_plain(values[ind.pk])}{ind.measure_unit}"
                        for ind in task.indicators.all()
                        if ind.pk in values
                    )
                    if shown
                    else "",
                    "reviewer": _reviewer(entry) if shown else "",
                    "comment": entry.return_reason if shown and entry else "",
                    "attachments": len(entry.attachments.all()) if shown and entry else 0,
                }
            )
        for ind in task.indicators.all():
            if ind.kind not in (IndicatorKind.COUNT, IndicatorKind.RATE):
                continue
            target = allocations.get(ind.pk, ind.per_unit_target)
            history = sorted(approved.get(ind.pk, []))
            this_value = values.get(ind.pk) if shown else None
            if target is None and not history and this_value is None:
                continue  # neither a share of this unit nor anything it reported
            if ind.kind == IndicatorKind.RATE:
                cumulative = history[-1][1] if history else None  # a rate: the latest one
            else:
                cumulative = sum((v for _, v in history), Decimal(0)) if history else None
            data.figures.append(
                {
                    "task": f"{task.number}. {task.title}",
                    "name": ind.name,
                    "measure": ind.measure_unit,
                    "target": _number(target),
                    "target_source": "分解目标"
                    if ind.pk in allocations
                    else ("各单位目标" if target is not None else "未分解"),
                    "this_period": _number(this_value),
                    "this_state": label if in_entries else "",
                    "cumulative": _number(cumulative),
                    "percent": float(cumulative / target)
                    if cumulative is not None and target
                    else None,
                }
            )
        if shown and entry is not None:
            for a in entry.attachments.all():
                data.attachments.append(
                    {
                        "name": a.original_name,
                        "task": f"{task.number}. {task.title}",
                        "state": label,
                        "size": a.size,
                        "uploaded_at": _local(a.uploaded_at),
                        "uploaded_by": a.uploaded_by.display_name,
                    }
                )
    order = [NOT_STARTED[1], SAVED[1], *STATE_LABELS.values()]
    data.state_counts = [(label, counts[label]) for label in order if counts.get(label)]
    return data


def _narrative(entry: ReportEntry | None) -> str:
    if entry is None:
        return ""
    if entry.not_applicable:
        return f"本期不涉及：{entry.not_applicable_reason}"
    return entry.narrative


def _reviewer(entry: ReportEntry | None) -> str:
    if entry is None or entry.reviewed_by is None:
        return ""
    return f"{entry.reviewed_by.display_name}\n{_local(entry.reviewed_at)}"


def _plain(value: Decimal) -> str:
    return format(value.normalize(), "f")


def unit_read(job: ReportJob) -> UnitWorkbookData:
    """The unit workbook's data for a job (its unit and period)."""
    if job.unit is None:
        raise ValueError("单位季度报表的任务没有指定单位。")
    return unit_workbook_data(unit=job.unit, period=job.period)
