"""Cached figures (tasks/standing.py): after every kind of write they equal a fresh computation.

Each test reads the plan's figures the way pages do (which caches them), writes the way a person
does, then reads again: what pages show must equal figures computed afresh from the database,
and must have changed where the write changed something.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from history.recording import Source, recording
from reports.models import ReportEntry
from reports.services import EntryInput, entry_review, entry_save, report_submit
from tasks.models import KeyTask, ProgressUpdate, WorkPlan
from tasks.selectors import plan_figures_compute, task_states
from tasks.services import ActualInput, ProgressInput, plan_import, progress_save
from tasks.status import Colour
from tests.factories import IndicatorFactory, KeyTaskFactory
from tests.test_history import admin_change_data

DAY = dt.date(2024, 10, 20)  # the demo's "today"


def shown(plan: WorkPlan, day: dt.date = DAY) -> dict[int, Any]:
    """The figures pages show (read through the cache, and cached by reading them)."""
    return {
        s.task.pk: (
            s.percent,
            s.expected,
            s.colour,
            s.latest.pk if s.latest else None,
            [
                (i.indicator.pk, i.actual, i.done_on, i.met, i.pending, i.slots)
                for i in s.indicators
            ],
        )
        for s in task_states(KeyTask.objects.filter(plan_id=plan.pk), day)
    }


def fresh(plan: WorkPlan, day: dt.date = DAY) -> dict[int, Any]:
    """The same figures computed from the database, without the cache."""
    plan = WorkPlan.objects.get(pk=plan.pk)
    return {
        pk: (
            f.percent,
            f.expected,
            f.colour,
            f.latest_id,
            [
                (ipk, i.actual, i.done_on, i.met, i.pending, i.slots)
                for ipk, i in f.indicators.items()
            ],
        )
        for pk, f in plan_figures_compute(plan, day).items()
    }


def assert_current(world, before: dict[int, Any]) -> dict[int, Any]:  # noqa: ANN001
    after = shown(world.plan)
    assert after == fresh(world.plan)
    assert after != before, "the write should have changed a figure"
    return after


def task10(figures: dict[int, Any], world) -> Any:  # noqa: ANN001
    return figures[world.task.pk]


def lawyers_of(figures: dict[int, Any], world) -> Any:  # noqa: ANN001
    """Task 10's 律师驻点 figures: (id, actual, done_on, met, pending)."""
    pk = lawyers(world).pk
    return next(i for i in task10(figures, world)[4] if i[0] == pk)


def lawyers(world):  # noqa: ANN001
    return world.task.indicators.get(name="律师驻点")


def test_reading_twice_computes_once_and_equals_the_fresh_figures(world):
    first = shown(world.plan)
    with CaptureQueriesContext(connection) as ctx:
        again = shown(world.plan)
    assert again == first == fresh(world.plan)
    sql = " ".join(q["sql"] for q in ctx.captured_queries)
    assert "tasks_indicatoractual" not in sql and "reports_contribution" not in sql


def save_q4(world, version: int = 0, **values: Any) -> ProgressUpdate:  # noqa: ANN001
    data = {"status": "in_progress", "percent": 95, "progress": "第四季度持续推进。"}
    data.update(problems="驻点律师不足。", **values)
    return progress_save(
        task=world.task,
        period=world.period(4),
        user=world.user("staff_lead"),
        data=ProgressInput(**data),
        expected_version=version,
    )


def test_a_progress_update_is_seen_at_once(world):
    before = shown(world.plan)
    update = save_q4(world)
    after = assert_current(world, before)
    assert task10(after, world)[0] == 95 and task10(after, world)[3] == update.pk
    # An edit of the same update that changes only an indicator's figure.
    save_q4(
        world, version=update.version, actuals={lawyers(world).pk: ActualInput(value=Decimal(5))}
    )
    assert lawyers_of(assert_current(world, after), world)[1] == lawyers_of(after, world)[1] + 5


def contribution(world, value: str) -> ReportEntry:  # noqa: ANN001
    """坂田 submits a Q3 figure for 律师驻点 on task 10."""
    report = world.report(period=3)
    entry = world.entry(report)
    entry_save(
        entry=entry,
        user=world.user("reporter"),
        data=EntryInput(
            narrative="坂田法律服务。", contributions={lawyers(world).pk: Decimal(value)}
        ),
        expected_version=entry.version,
    )
    report_submit(report=report, user=world.user("reporter"))
    return ReportEntry.objects.get(pk=entry.pk)


def test_a_submitted_then_approved_contribution_is_seen_at_once(world):
    before = shown(world.plan)
    entry = contribution(world, "4")
    submitted = assert_current(world, before)
    assert lawyers_of(submitted, world)[4] == Decimal(4)  # pending
    entry_review(
        entry=entry, user=world.user("staff_lead"), approve=True, expected_version=entry.version
    )
    approved = assert_current(world, submitted)
    ind = lawyers_of(approved, world)
    assert ind[1] == lawyers_of(before, world)[1] + 4 and not ind[4]


def test_a_returned_contribution_is_no_longer_pending(world):
    entry = contribution(world, "4")
    submitted = shown(world.plan)
    entry_review(
        entry=entry,
        user=world.user("staff_lead"),
        approve=False,
        reason="数字有误",
        expected_version=entry.version,
    )
    returned = assert_current(world, submitted)
    assert not lawyers_of(returned, world)[4]


def test_a_reimported_plan_is_seen_at_once(world, plan_text):
    before = shown(world.plan)
    edited = plan_text.replace("律师驻点不少于22个", "律师驻点不少于18个")
    plan_import(text=edited, year=2024, actor=world.user("admin"))
    after = assert_current(world, before)
    assert lawyers_of(after, world)[3] is True  # 20 of 18: met


def test_an_admin_edit_of_a_target_is_seen_at_once(world):
    before = shown(world.plan)
    client = world.client("admin")
    url = f"/admin/tasks/indicator/{lawyers(world).pk}/change/"
    data = admin_change_data(client.get(url))
    data["target"] = "18"
    assert client.post(url, data).status_code == 302
    assert lawyers_of(assert_current(world, before), world)[3] is True


def test_an_admin_edit_of_a_due_date_is_seen_at_once(world):
    before = shown(world.plan)
    client = world.client("admin")
    url = f"/admin/tasks/keytask/{world.task.pk}/change/"
    data = admin_change_data(client.get(url))
    data["due_date"] = "2024-09-30"
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    assert task10(assert_current(world, before), world)[2] == Colour.RED  # past due


def test_an_admin_deleting_an_update_is_seen_at_once(world):
    before = shown(world.plan)
    update = ProgressUpdate.objects.filter(task=world.task).order_by("-period__end_date").first()
    client = world.client("admin")
    url = f"/admin/tasks/progressupdate/{update.pk}/delete/"
    assert client.post(url, {"post": "yes"}).status_code == 302
    assert task10(assert_current(world, before), world)[3] != update.pk


def test_a_new_task_is_seen_at_once(world):
    before = shown(world.plan)
    with recording(actor=None, source=Source.SYSTEM, verb="准备测试数据"):
        task = KeyTaskFactory(plan=world.plan, section=world.task.section, number=99)
        IndicatorFactory(task=task)
    after = assert_current(world, before)
    assert task.pk in after


def test_another_day_is_computed_for_that_day(world):
    shown(world.plan)
    later = DAY + dt.timedelta(days=60)
    assert shown(world.plan, later) == fresh(world.plan, later)
    assert shown(world.plan, later) != shown(world.plan)  # expected progress moved on


def test_colour_thresholds_are_part_of_what_is_cached(world, settings):
    shown(world.plan)
    settings.UNIONPLAN_AMBER_POINTS, settings.UNIONPLAN_RED_POINTS = 0, 1
    assert shown(world.plan) == fresh(world.plan)


def test_a_rolled_back_write_leaves_the_cached_figures_right(world):
    before = shown(world.plan)
    with pytest.raises(RuntimeError), transaction.atomic():
        progress_save(
            task=world.task,
            period=world.period(4),
            user=world.user("staff_lead"),
            data=ProgressInput(
                status="in_progress", percent=99, progress="写到一半。", problems="无"
            ),
            expected_version=0,
        )
        raise RuntimeError("the request failed after the write")
    assert shown(world.plan) == before == fresh(world.plan)


def test_pages_work_when_the_cache_cannot_be_reached(world, settings):
    before = fresh(world.plan)
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens there
        }
    }
    assert shown(world.plan) == before
    response = world.client("leader").get("/dashboard/")
    assert response.status_code == 200


def test_computing_a_plan_takes_the_same_queries_however_many_tasks(world):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            plan_figures_compute(WorkPlan.objects.get(pk=world.plan.pk), DAY)
        return len(ctx.captured_queries)

    before = queries()
    with recording(actor=None, source=Source.SYSTEM, verb="准备测试数据"):
        for n in range(10):
            task = KeyTaskFactory(plan=world.plan, section=world.task.section, number=100 + n)
            IndicatorFactory(task=task)
            ProgressUpdate(task=task, period=world.period(3), percent=50, progress="x").save()
        # a cadence indicator (频次) more: its occurrences are read with the others'
        IndicatorFactory(task=task, kind="cadence", cadence="month", target=1, measure_unit="次")
    assert queries() == before <= 6  # 5 without cadence indicators: no read of occurrences


def test_recording_and_deleting_a_cadence_occurrence_is_seen_at_once(world):
    from tasks.services.cadence import cadence_occurrence_delete, cadence_occurrence_record
    from unionplan import clock

    indicator = IndicatorFactory(  # after the task's own indicators: no tie in their order
        task=world.task, name="座谈会", kind="cadence", cadence="quarter", target=1, order=99
    )
    before = shown(world.plan)
    assert task10(before, world)[2] == Colour.RED  # Q1–Q3 passed without it
    with clock.frozen(DAY):
        row = cadence_occurrence_record(
            indicator=indicator, user=world.user("staff_lead"), done_on=DAY, note="已召开。"
        )
    after = assert_current(world, before)
    slots = next(i for i in task10(after, world)[4] if i[0] == indicator.pk)[5]
    assert [s.status for s in slots] == ["missed", "missed", "missed", "done"]
    cadence_occurrence_delete(occurrence=row, user=world.user("admin"))
    assert assert_current(world, after) == before


def test_a_task_page_reads_the_cached_figures_and_they_follow_an_approval(world):
    from tasks.selectors import task_queryset_with_progress, task_state_cached

    def page_state() -> Any:
        task = task_queryset_with_progress(
            KeyTask.objects.filter(pk=world.task.pk), with_unit_sums=False
        ).get()
        state = task_state_cached(task, DAY)
        return (
            state.percent,
            state.expected,
            state.colour,
            state.latest.pk if state.latest else None,
            [
                (i.indicator.pk, i.actual, i.done_on, i.met, i.pending, i.slots)
                for i in state.indicators
            ],
        )

    before = page_state()
    assert before == fresh(world.plan)[world.task.pk]
    entry = contribution(world, "4")
    entry_review(
        entry=entry, user=world.user("staff_lead"), approve=True, expected_version=entry.version
    )
    after = page_state()
    assert after == fresh(world.plan)[world.task.pk] != before
