"""Status colours (红黄绿灯) and expected progress, decided in one place."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from tasks.status import Colour, expected_progress, indicator_met, task_colour, time_progress


def colour(percent: float, expected: float, *, done: bool = False, overdue: bool = False) -> Colour:
    return task_colour(
        done=done,
        percent=percent,
        expected=expected,
        overdue=overdue,
        amber_points=10,
        red_points=25,
    )


def test_time_progress_is_the_share_of_the_year_elapsed():
    assert time_progress(2024, dt.date(2023, 12, 31)) == 0
    assert time_progress(2024, dt.date(2024, 1, 1)) == pytest.approx(0.3, abs=0.1)
    assert time_progress(2024, dt.date(2024, 7, 1)) == pytest.approx(50, abs=0.5)
    assert time_progress(2024, dt.date(2024, 12, 31)) == 100
    assert time_progress(2024, dt.date(2025, 3, 1)) == 100


def test_node_targets_replace_the_calendar_line():
    nodes = [10, 60, 80, 100]
    assert expected_progress(2024, dt.date(2024, 3, 31), nodes) == 10
    assert expected_progress(2024, dt.date(2024, 6, 30), nodes) == 60
    # Halfway through Q2 a seasonal task is expected halfway between its Q1 and Q2 nodes.
    assert expected_progress(2024, dt.date(2024, 5, 15), nodes) == pytest.approx(35, abs=1.5)
    assert expected_progress(2024, dt.date(2025, 1, 5), nodes) == 100
    assert expected_progress(2024, dt.date(2024, 5, 15), []) == time_progress(
        2024, dt.date(2024, 5, 15)
    )


@pytest.mark.parametrize(
    ("percent", "expected", "result"),
    [
        (80, 80, Colour.GREEN),
        (70, 80, Colour.GREEN),
        (69, 80, Colour.AMBER),
        (55, 80, Colour.AMBER),
        (54, 80, Colour.RED),
        (95, 80, Colour.GREEN),
    ],
)
def test_colour_follows_points_behind_expected_progress(percent, expected, result):
    assert colour(percent, expected) == result


def test_done_wins_and_past_due_is_red():
    assert colour(100, 100, done=True) == Colour.DONE
    assert colour(99, 100, overdue=True) == Colour.RED


def test_thresholds_are_settings(world, settings, client):
    from tasks.models import KeyTask
    from tasks.selectors import task_queryset_with_progress, task_state

    task = task_queryset_with_progress(KeyTask.objects.filter(pk=world.task.pk)).get()
    day = dt.date(2024, 10, 20)  # task 10 of the demo: 85 % against ~80 % expected
    assert task_state(task, day).colour == Colour.GREEN
    settings.UNIONPLAN_AMBER_POINTS = -10  # a stricter federation: must be 10 points ahead
    assert task_state(task, day).colour == Colour.AMBER


def test_indicator_is_met_on_reaching_the_target_or_staying_under_a_ceiling():
    assert indicator_met(comparator="gte", target=Decimal(22), actual=Decimal(22))
    assert not indicator_met(comparator="gte", target=Decimal(22), actual=Decimal(21))
    assert indicator_met(comparator="eq", target=Decimal(55), actual=Decimal(56))
    assert indicator_met(comparator="lte", target=Decimal(5), actual=Decimal(3))
    assert not indicator_met(comparator="gte", target=Decimal(1), actual=None)
