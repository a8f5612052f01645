"""Cadence indicators (频次): slots of the year, their states, the task's colour, recording."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from history.models import Event
from tasks import cadence
from tasks.cadence import SlotStatus
from tasks.models import CadenceOccurrence, IndicatorKind, KeyTask, WorkPlan
from tasks.selectors import task_queryset_with_progress, task_state, task_states
from tasks.services.cadence import cadence_occurrence_delete, cadence_occurrence_record
from tasks.status import Colour, task_colour
from tests.conftest import png
from tests.factories import IndicatorFactory
from unionplan import clock

DAY = dt.date(2024, 10, 20)  # the demo's "today"


# --- slots (pure) ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "count", "labels", "last_start"),
    [
        ("month", 12, ["1月", "2月"], dt.date(2024, 12, 1)),
        ("bimonth", 6, ["1–2月", "3–4月"], dt.date(2024, 11, 1)),
        ("quarter", 4, ["一季度", "二季度"], dt.date(2024, 10, 1)),
        ("year", 1, ["全年"], dt.date(2024, 1, 1)),
    ],
)
def test_slots_of_a_year_cover_it_without_gaps(kind, count, labels, last_start):
    slots = cadence.year_slots(kind, 2024)
    assert len(slots) == count
    assert [s.label for s in slots[:2]] == labels
    assert slots[0].start == dt.date(2024, 1, 1) and slots[-1].end == dt.date(2024, 12, 31)
    assert slots[-1].start == last_start
    for before, after in zip(slots, slots[1:], strict=False):
        assert after.start == before.end + dt.timedelta(days=1)


def test_leap_february_and_the_slot_of_a_date():
    assert cadence.year_slots("month", 2024)[1].end == dt.date(2024, 2, 29)
    assert cadence.slot_of("quarter", dt.date(2024, 4, 1)) == 2
    assert cadence.slot_of("bimonth", dt.date(2024, 6, 30)) == 3
    assert cadence.slot_of("year", dt.date(2024, 12, 31)) == 1


def test_slot_states_done_current_missed_and_future():
    occurrences = [(1, dt.date(2024, 2, 3)), (3, dt.date(2024, 10, 5))]
    states = cadence.slot_states("quarter", 2024, 1, occurrences, dt.date(2024, 10, 20))
    assert [s.status for s in states] == [
        SlotStatus.DONE,
        SlotStatus.MISSED,
        SlotStatus.DONE,  # recorded late, in its own slot's numbering: still done
        SlotStatus.CURRENT,
    ]
    assert states[0].last_done_on == dt.date(2024, 2, 3)
    assert cadence.compact(states) == "✓✗✓○"
    summary = cadence.summary(states)
    assert (summary.total, summary.done, summary.due, summary.missed) == (4, 2, 3, 1)
    assert summary.display == "已开展 2/4 期" and not summary.met


def test_a_slot_needs_as_many_occurrences_as_the_target():
    day = dt.date(2024, 5, 1)
    one = cadence.slot_states("month", 2024, 2, [(4, dt.date(2024, 4, 9))], day)
    assert one[3].status == SlotStatus.MISSED and one[3].count == 1
    two = cadence.slot_states(
        "month", 2024, 2, [(4, dt.date(2024, 4, 9)), (4, dt.date(2024, 4, 20))], day
    )
    assert two[3].status == SlotStatus.DONE
    assert two[4].status == SlotStatus.CURRENT and two[5].status == SlotStatus.FUTURE


def test_missed_slots_colour_a_task():
    common = {"percent": 50, "expected": 50, "overdue": False, "amber_points": 10}
    assert task_colour(done=False, red_points=20, **common) == Colour.GREEN
    assert task_colour(done=False, red_points=20, missed_slots=1, **common) == Colour.AMBER
    assert task_colour(done=False, red_points=20, missed_slots=2, **common) == Colour.RED
    assert task_colour(done=True, red_points=20, missed_slots=1, **common) == Colour.AMBER


# --- the task's colour with the database -----------------------------------------------------


@pytest.fixture
def quarterly(world):
    """每季度开展1次 on task 10 (权益部), green by its progress as of any date of 2024."""
    return IndicatorFactory(
        task=world.task,
        name="职工代表座谈会",
        kind=IndicatorKind.CADENCE,
        cadence="quarter",
        measure_unit="次",
        target=1,
    )


def colour_on(world, day: dt.date) -> Colour:
    task = task_queryset_with_progress(KeyTask.objects.filter(pk=world.task.pk)).get()
    return task_state(task, day).colour


def record(world, indicator, day: dt.date, role: str = "staff_lead", **kwargs):
    with clock.frozen(kwargs.pop("today", DAY)):
        return cadence_occurrence_record(
            indicator=indicator,
            user=world.user(role),
            done_on=day,
            note=kwargs.pop("note", "召开职工代表座谈会。"),
            **kwargs,
        )


def test_a_cadence_indicator_turns_a_task_amber_when_a_quarter_passes_without_its_occurrence(
    world, quarterly
):
    assert colour_on(world, dt.date(2024, 3, 31)) == Colour.GREEN  # Q1 still running
    assert colour_on(world, dt.date(2024, 4, 1)) == Colour.AMBER  # Q1 passed without it
    assert colour_on(world, dt.date(2024, 7, 1)) == Colour.RED  # and Q2 too


def test_recording_the_missed_quarters_turns_the_task_back(world, quarterly):
    assert colour_on(world, DAY) == Colour.RED  # Q1–Q3 missed
    record(world, quarterly, dt.date(2024, 2, 20))
    record(world, quarterly, dt.date(2024, 5, 20))
    assert colour_on(world, DAY) == Colour.AMBER
    record(world, quarterly, dt.date(2024, 9, 20))
    assert colour_on(world, DAY) == Colour.GREEN
    # the list reads the cached figures: they follow each write
    (state,) = task_states(KeyTask.objects.filter(pk=world.task.pk), DAY)
    cadence_state = next(s for s in state.indicators if s.indicator == quarterly)
    assert state.colour == Colour.GREEN
    assert [s.status for s in cadence_state.slots] == ["done", "done", "done", "current"]
    assert cadence_state.actual == Decimal(3) and not cadence_state.met
    assert cadence_state.actual_display == "已开展 3/4 期"


def test_occurrences_after_the_date_do_not_count_for_it(world, quarterly):
    record(world, quarterly, dt.date(2024, 2, 20))
    assert colour_on(world, dt.date(2024, 1, 31)) == Colour.GREEN
    (state,) = task_states(KeyTask.objects.filter(pk=world.task.pk), dt.date(2024, 1, 31))
    slots = next(s for s in state.indicators if s.indicator == quarterly).slots
    assert slots[0].status == "current" and slots[0].count == 0


def test_the_demo_task_16_has_its_quarterly_cadence_carried_out(world):
    task = world.plan.tasks.get(number=16)
    (ind,) = task.indicators.filter(kind=IndicatorKind.CADENCE)
    assert (ind.cadence, ind.target) == ("quarter", 1)
    (state,) = task_states(KeyTask.objects.filter(pk=task.pk), DAY)
    slots = next(s for s in state.indicators if s.indicator == ind).slots
    assert [s.status for s in slots] == ["done", "done", "done", "current"]
    assert state.colour != Colour.RED


# --- the service -----------------------------------------------------------------------------


def test_lead_staff_record_an_occurrence_in_the_slot_of_its_date_with_history(world, quarterly):
    row = record(world, quarterly, dt.date(2024, 5, 8), evidence=png())
    assert (row.slot, row.recorded_by.username, row.note) == (2, "qyb", "召开职工代表座谈会。")
    assert row.evidence.name.endswith(".png")
    event = Event.objects.get(object_type="tasks.cadenceoccurrence", object_id=str(row.pk))
    assert event.actor.username == "qyb" and event.task == world.task
    assert event.action.verb == "登记开展情况"
    cadence_occurrence_delete(occurrence=row, user=world.user("admin"))
    assert not CadenceOccurrence.objects.filter(pk=row.pk).exists()
    assert Event.objects.filter(object_type="tasks.cadenceoccurrence", kind="delete").exists()


@pytest.mark.parametrize(
    ("day", "field", "message"),
    [
        (dt.date(2023, 12, 30), "done_on", "开展日期应在 2024 年内"),
        (dt.date(2024, 10, 21), "done_on", "开展日期不能晚于今天"),
        (None, "done_on", "请填写开展日期"),
    ],
)
def test_a_date_outside_the_plan_year_or_in_the_future_is_refused(
    world, quarterly, day, field, message
):
    with pytest.raises(ValidationError) as refused:
        record(world, quarterly, day)
    assert message in refused.value.message_dict[field][0]
    assert not quarterly.occurrences.exists()


def test_an_empty_note_a_wrong_file_and_a_non_cadence_indicator_are_refused(world, quarterly):
    with pytest.raises(ValidationError) as refused:
        record(world, quarterly, dt.date(2024, 5, 8), note="  ")
    assert "请填写开展情况" in refused.value.message_dict["note"][0]
    fake = SimpleUploadedFile("报告.pdf", b"#!/bin/sh\necho hi\n", content_type="application/pdf")
    with pytest.raises(ValidationError) as refused:
        record(world, quarterly, dt.date(2024, 5, 8), evidence=fake)
    assert "不是允许的类型" in refused.value.message_dict["evidence"][0]
    count = world.task.indicators.get(name="律师驻点")
    with pytest.raises(ValidationError) as refused:
        record(world, count, dt.date(2024, 5, 8))
    assert "不是频次型指标" in refused.value.message_dict["indicator"][0]


@pytest.mark.parametrize("role", ["staff_other", "leader", "reporter"])
def test_only_the_lead_department_and_administrators_record(world, quarterly, role):
    with pytest.raises(PermissionDenied):
        record(world, quarterly, dt.date(2024, 5, 8), role=role)
    row = record(world, quarterly, dt.date(2024, 5, 8), role="admin")
    with pytest.raises(PermissionDenied):
        cadence_occurrence_delete(occurrence=row, user=world.user(role))


def test_an_archived_plan_takes_no_occurrences(world, quarterly):
    WorkPlan.objects.filter(pk=world.plan.pk).update(status="archived")
    quarterly.refresh_from_db()
    with pytest.raises(PermissionDenied):
        record(world, quarterly, dt.date(2024, 5, 8))
