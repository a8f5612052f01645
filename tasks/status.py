"""Status colours (红黄绿灯): the one place that decides a task's colour.

Time progress is the share of the plan year elapsed. A task with quarterly node targets
(节点目标) is expected to follow those nodes instead of the straight line of the calendar.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum


class Colour(StrEnum):
    DONE = "done"
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


COLOUR_LABELS = {
    Colour.DONE: "已完成",
    Colour.GREEN: "正常推进",
    Colour.AMBER: "进度滞后",
    Colour.RED: "严重滞后",
}
# The same colours as static/css/unionplan.css, for charts.
COLOUR_HEX = {
    Colour.DONE: "#2c6fbb",
    Colour.GREEN: "#2e8b57",
    Colour.AMBER: "#e0a800",
    Colour.RED: "#c0392b",
}
# Lagging first: the order leaders read the plan in.
COLOUR_ORDER = (Colour.RED, Colour.AMBER, Colour.GREEN, Colour.DONE)


def time_progress(year: int, today: dt.date) -> float:
    """Percent of the plan year elapsed at the end of ``today`` (0 before it, 100 after it)."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    if today < start:
        return 0.0
    if today >= end:
        return 100.0
    return round(100 * ((today - start).days + 1) / ((end - start).days + 1), 1)


def _quarter_end(year: int, quarter: int) -> dt.date:
    if quarter == 4:
        return dt.date(year, 12, 31)
    return dt.date(year, 3 * quarter + 1, 1) - dt.timedelta(days=1)


def expected_progress(year: int, today: dt.date, node_targets: list[int] | None = None) -> float:
    """Where a task should stand today: the calendar line, or its quarterly nodes interpolated."""
    if not node_targets:
        return time_progress(year, today)
    points = [(dt.date(year, 1, 1) - dt.timedelta(days=1), 0.0)]
    points += [(_quarter_end(year, q + 1), float(v)) for q, v in enumerate(node_targets[:4])]
    if today >= points[-1][0]:
        return points[-1][1]
    for (d0, v0), (d1, v1) in zip(points, points[1:], strict=False):
        if d0 <= today <= d1:
            share = (today - d0).days / (d1 - d0).days
            return round(v0 + (v1 - v0) * share, 1)
    return 0.0


def task_colour(
    *,
    done: bool,
    percent: float,
    expected: float,
    overdue: bool,
    amber_points: int,
    red_points: int,
    missed_slots: int = 0,
) -> Colour:
    """Done when said so and indicators are met; otherwise by points behind expected progress.

    ``missed_slots``: slots of its cadence indicators (频次) that ended without their occurrences:
    one makes the task at least amber, two or more red, and a task with one is not done."""
    if done and not missed_slots:
        return Colour.DONE
    if overdue or missed_slots >= 2:
        return Colour.RED
    behind = expected - percent
    if behind <= amber_points and not missed_slots:
        return Colour.GREEN
    if behind <= red_points:
        return Colour.AMBER
    return Colour.RED


def indicator_met(*, comparator: str, target: Decimal | None, actual: Decimal | None) -> bool:
    """Whether an actual meets its target: ≥ and = are met on reaching it, ≤ on staying under."""
    if target is None:
        return actual is not None
    if actual is None:
        return False
    if comparator == "lte":
        return actual <= target
    return actual >= target
