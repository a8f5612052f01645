"""打印 on the task list prints every task of the current filter, not the page on screen."""

from __future__ import annotations

import datetime as dt

import pytest

from tasks.models import KeyTask
from tests.tasks.test_progress_views import count_queries, grow

DAY = dt.date(2024, 10, 20)


@pytest.fixture(autouse=True)
def pinned(settings):
    settings.UNIONPLAN_TODAY = DAY


def numbers(html: str) -> list[int]:
    import re

    return [int(n) for n in re.findall(r'data-task-number="(\d+)"', html)]


def test_print_view_lists_all_30_tasks_where_the_screen_shows_15(world):
    client = world.client("leader")
    screen = client.get("/tasks/").content.decode()
    assert len(numbers(screen)) == 15 and "共 30 项" in screen
    assert 'href="?print=1"' in screen  # 打印 opens the whole list
    printed = client.get("/tasks/?print=1").content.decode()
    assert numbers(printed) == list(range(1, 31))
    assert "data-autoprint" in printed and 'class="pagination' not in printed


def test_print_view_keeps_the_filter_and_says_it(world):
    client = world.client("leader")
    screen = client.get("/tasks/?colour=red&q=工会").content.decode()
    assert 'href="?colour=red&amp;q=%E5%B7%A5%E4%BC%9A&amp;print=1"' in screen
    printed = client.get("/tasks/?colour=red&q=工会&print=1").content.decode()
    assert numbers(printed) == numbers(screen)
    assert "筛选：严重滞后；含“工会”" in printed


def test_print_view_runs_a_fixed_number_of_queries_however_many_tasks(world):
    client = world.client("staff_lead")
    before = count_queries(client, "/tasks/?print=1")
    grow(world, 20)
    assert count_queries(client, "/tasks/?print=1") == before
    assert len(numbers(client.get("/tasks/?print=1").content.decode())) == 50
    assert KeyTask.objects.count() == 50


def test_odd_filter_values_are_ignored_not_a_500(world):
    client = world.client("leader")
    for query in ("section=²", "lead=99999999999", "colour=purple", "unit=abc", "print=yes"):
        assert client.get(f"/tasks/?{query}").status_code == 200
