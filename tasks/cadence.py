"""Cadence indicators (频次型指标): "每季度开展1次" as an obligation per slot of the year.

Pure: the slots of a year for a cadence, each slot's state given the occurrences recorded and
the date, and a year's summary. No database access; the callers pass plain values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

# Months per slot, by cadence (tasks.models.Cadence values).
SLOT_MONTHS = {"month": 1, "bimonth": 2, "quarter": 3, "year": 12}
_QUARTERS = {1: "一季度", 2: "二季度", 3: "三季度", 4: "四季度"}


class SlotStatus(StrEnum):
    DONE = "done"  # 已完成: as many occurrences as the target
    CURRENT = "current"  # 未完成-进行中: today falls in it
    MISSED = "missed"  # 未开展/逾期: ended without enough occurrences
    FUTURE = "future"  # 未到期


SLOT_STATUS_LABELS = {
    SlotStatus.DONE: "已完成",
    SlotStatus.CURRENT: "进行中",
    SlotStatus.MISSED: "未开展",
    SlotStatus.FUTURE: "未到期",
}
SLOT_STATUS_MARKS = {
    SlotStatus.DONE: "✓",
    SlotStatus.CURRENT: "○",
    SlotStatus.MISSED: "✗",
    SlotStatus.FUTURE: "·",
}


@dataclass(frozen=True)
class Slot:
    """One slot of a year: its number (1-based), dates and label."""

    number: int
    start: dt.date
    end: dt.date
    label: str


@dataclass(frozen=True)
class SlotState:
    """A slot with what was recorded in it as of a date (picklable: cached with task figures)."""

    number: int
    start: dt.date
    end: dt.date
    label: str
    count: int
    last_done_on: dt.date | None
    status: SlotStatus
    ended: bool  # its end has passed: it was due

    @property
    def status_label(self) -> str:
        if self.status == SlotStatus.CURRENT and self.count:
            return f"进行中（已开展 {self.count} 次）"
        return SLOT_STATUS_LABELS[self.status]

    @property
    def mark(self) -> str:
        return SLOT_STATUS_MARKS[self.status]

    @property
    def title(self) -> str:
        """A cell's tooltip, e.g. "二季度：已完成（2024-05-10）"."""
        when = f"（{self.last_done_on:%Y-%m-%d}）" if self.last_done_on else ""
        return f"{self.label}：{self.status_label}{when if self.count else ''}"


@dataclass(frozen=True)
class CadenceSummary:
    """A year's slots counted: done (met), due (ended by the date), missed (ended, not met)."""

    total: int
    done: int
    due: int
    missed: int

    @property
    def met(self) -> bool:
        """Every slot of the year done."""
        return self.done == self.total

    @property
    def display(self) -> str:
        """As the workbook shows it, e.g. "已开展 3/4 期"."""
        return f"已开展 {self.done}/{self.total} 期"


def _month_end(year: int, month: int) -> dt.date:
    if month == 12:
        return dt.date(year, 12, 31)
    return dt.date(year, month + 1, 1) - dt.timedelta(days=1)


def _label(cadence: str, number: int) -> str:
    if cadence == "month":
        return f"{number}月"
    if cadence == "bimonth":
        return f"{2 * number - 1}–{2 * number}月"
    if cadence == "quarter":
        return _QUARTERS[number]
    return "全年"


def year_slots(cadence: str, year: int) -> list[Slot]:
    """The slots of ``year`` for ``cadence``: month 1–12, bimonth 1–6, quarter 1–4, year 1."""
    months = SLOT_MONTHS[cadence]
    slots = []
    for number in range(1, 12 // months + 1):
        first = (number - 1) * months + 1
        slots.append(
            Slot(
                number=number,
                start=dt.date(year, first, 1),
                end=_month_end(year, first + months - 1),
                label=_label(cadence, number),
            )
        )
    return slots


def slot_of(cadence: str, day: dt.date) -> int:
    """The number of the slot ``day`` falls in (of its own year)."""
    return (day.month - 1) // SLOT_MONTHS[cadence] + 1


def slot_states(
    cadence: str,
    year: int,
    target: int,
    occurrences: Iterable[tuple[int, dt.date]],
    today: dt.date,
) -> list[SlotState]:
    """Each slot of the year with its state as of ``today``. ``occurrences``: (slot, done_on)
    pairs; ``target``: occurrences a slot needs (at least 1)."""
    need = max(1, target)
    by_slot: dict[int, list[dt.date]] = {}
    for number, done_on in occurrences:
        by_slot.setdefault(number, []).append(done_on)
    states = []
    for slot in year_slots(cadence, year):
        dates = sorted(by_slot.get(slot.number, []))
        if len(dates) >= need:
            status = SlotStatus.DONE
        elif today > slot.end:
            status = SlotStatus.MISSED
        elif today >= slot.start:
            status = SlotStatus.CURRENT
        else:
            status = SlotStatus.FUTURE
        states.append(
            SlotState(
                number=slot.number,
                start=slot.start,
                end=slot.end,
                label=slot.label,
                count=len(dates),
                last_done_on=dates[-1] if dates else None,
                status=status,
                ended=today > slot.end,
            )
        )
    return states


def summary(states: Iterable[SlotState]) -> CadenceSummary:
    """How many slots are done, due (ended) and missed."""
    states = list(states)
    return CadenceSummary(
        total=len(states),
        done=sum(1 for s in states if s.status == SlotStatus.DONE),
        due=sum(1 for s in states if s.ended),
        missed=sum(1 for s in states if s.status == SlotStatus.MISSED),
    )


def compact(states: Iterable[SlotState]) -> str:
    """The slots as marks, e.g. "✓✓✗·" (the grid's 频次 column)."""
    return "".join(s.mark for s in states)
