"""The plan importer: the real 2024 plan, re-import in place, dry runs and refusals."""

from __future__ import annotations

from decimal import Decimal

import pytest

from departments.models import Unit, UnitKind
from tasks.models import Indicator, KeyTask, Section, TaskParticipant, WorkPlan
from tasks.services import PlanImportError, plan_import, unit_create

# Lead departments of each of the 30 tasks, as the 2024 text gives them, in order.
LEADS_2024 = {
    1: ["宣教部"],
    2: ["宣教部", "权益部"],
    3: ["宣教部"],
    4: ["宣教部"],
    5: ["宣教部"],
    6: ["宣教部"],
    7: ["权益部"],
    8: ["权益部"],
    9: ["权益部"],
    10: ["权益部"],
    11: ["权益部"],
    12: ["权益部"],
    13: ["宣教部"],
    14: ["办公室", "宣教部", "权益部"],
    15: ["权益部", "宣教部"],
    16: ["办公室"],
    17: ["办公室", "组建部"],
    18: ["组建部"],
    19: ["组建部"],
    20: ["组建部"],
    21: ["组建部"],
    22: ["组建部"],
    23: ["办公室"],
    24: ["办公室"],
    25: ["办公室"],
    26: ["经审委"],
    27: ["办公室"],
    28: ["办公室", "组织部"],
    29: ["组织部"],
    30: ["组织部"],
}
S, IND, D = "各街道总工会", "行业工会", "区总各部室"
PARTICIPANTS_2024 = {
    1: [S, IND, D],
    2: [S, IND],
    3: [S, IND, D],
    4: [S, IND],
    5: [S, IND],
    6: [S, IND],
    7: [S],
    8: [S, IND],
    9: [S, IND],
    10: [S, IND],
    11: [S, IND],
    12: [S, IND],
    13: [S, IND],
    14: [S, IND],
    15: [S, IND],
    16: [S, D],
    17: [S, IND, D],
    18: [S],
    19: [S, IND],
    20: [S],
    21: [S],
    22: [S, IND],
    23: [S, IND, D],
    24: [D],
    25: [S, IND, D],
    26: [S, IND],
    27: [S, IND],
    28: [S, IND],
    29: [S, IND],
    30: [S, IND],
}
GROUP_KINDS = {S: UnitKind.STREET, IND: UnitKind.INDUSTRY, D: UnitKind.DEPARTMENT}


@pytest.fixture
def year() -> int:
    return 2031  # a year of its own, beside the demo world's 2024 plan


def counts(plan: WorkPlan) -> tuple[int, int, int, int]:
    return (
        plan.sections.count(),
        plan.tasks.count(),
        Indicator.objects.filter(task__plan=plan).count(),
        TaskParticipant.objects.filter(task__plan=plan).count(),
    )


def test_import_finds_five_sections_and_thirty_tasks_with_their_leads(world, plan_text, year):
    plan = plan_import(text=plan_text, year=year).plan
    assert plan.framework == "123430"
    assert plan.title == "龙岗区总工会2024年工作思路及要点"
    assert [s.number for s in plan.sections.all()] == [1, 2, 3, 4, 5]
    tasks = {t.number: t for t in plan.tasks.prefetch_related("leads__unit")}
    assert sorted(tasks) == list(range(1, 31))
    for number, leads in LEADS_2024.items():
        assert [lead.unit.name for lead in tasks[number].leads.all()] == leads, number


def test_import_expands_participant_groups_to_every_unit_of_the_group(world, plan_text, year):
    plan = plan_import(text=plan_text, year=year).plan
    units_by_kind = {
        kind: set(Unit.objects.filter(kind=kind, is_active=True).values_list("pk", flat=True))
        for kind in GROUP_KINDS.values()
    }
    for task in plan.tasks.prefetch_related("participants", "leads"):
        assert task.participants_text == "、".join(PARTICIPANTS_2024[task.number])
        expected: set[int] = set()
        for group in PARTICIPANTS_2024[task.number]:
            expected |= units_by_kind[GROUP_KINDS[group]]
        expected -= {lead.unit_id for lead in task.leads.all()}
        assert {p.unit_id for p in task.participants.all()} == expected, task.number
    assert Unit.objects.filter(kind=UnitKind.STREET).count() == 11


def test_import_finds_the_numeric_targets_of_tasks_10_and_11(world, plan_text, year):
    plan = plan_import(text=plan_text, year=year).plan
    task10 = {i.name: i for i in plan.tasks.get(number=10).indicators.all()}
    lawyers = next(i for name, i in task10.items() if "律师驻点" in name)
    assert (lawyers.comparator, lawyers.target, lawyers.measure_unit) == ("gte", 22, "个")
    advisers = next(i for name, i in task10.items() if "法律顾问" in name)
    assert (advisers.target, advisers.measure_unit) == (55, "家")
    events = next(i for name, i in task10.items() if name.startswith("法律服务活动"))
    assert (events.comparator, events.target, events.measure_unit) == ("gte", 100, "场")
    rate = next(i for i in plan.tasks.get(number=11).indicators.all() if "集体协商建制率" in i.name)
    assert (rate.kind, rate.comparator, rate.target, rate.measure_unit) == ("rate", "gte", 90, "%")


def test_per_street_targets_become_allocations_for_each_street(world, plan_text, year):
    plan = plan_import(text=plan_text, year=year).plan
    training = next(
        i for i in plan.tasks.get(number=11).indicators.all() if i.per_unit_target is not None
    )
    assert training.target == 11
    allocations = list(training.allocations.select_related("unit"))
    assert len(allocations) == 11
    assert {a.unit.kind for a in allocations} == {UnitKind.STREET}
    assert {a.target for a in allocations} == {Decimal(1)}


def test_second_import_of_the_same_plan_updates_in_place_and_never_duplicates(
    world, plan_text, year
):
    first = plan_import(text=plan_text, year=year)
    before = counts(first.plan)
    ids = set(KeyTask.objects.filter(plan=first.plan).values_list("pk", flat=True))
    second = plan_import(text=plan_text, year=year)
    assert second.created == {} and second.updated == {} and second.removed == {}
    assert counts(second.plan) == before
    assert set(KeyTask.objects.filter(plan=second.plan).values_list("pk", flat=True)) == ids
    assert WorkPlan.objects.filter(year=year).count() == 1


def test_reimport_of_an_edited_text_changes_only_what_changed(world, plan_text, year):
    plan = plan_import(text=plan_text, year=year).plan
    task_id = plan.tasks.get(number=10).pk
    edited = plan_text.replace("律师驻点不少于22个", "律师驻点不少于30个")
    result = plan_import(text=edited, year=year)
    assert result.updated == {"plan": 1, "task": 1, "indicator": 1}  # plan: its source text
    lawyers = Indicator.objects.get(task_id=task_id, name__contains="律师驻点")
    assert lawyers.target == 30


def test_dry_run_reports_what_it_found_and_saves_nothing(world, plan_text, year):
    result = plan_import(text=plan_text, year=year, dry_run=True)
    assert len(result.parsed.tasks) == 30
    assert result.created["task"] == 30
    assert not WorkPlan.objects.filter(year=year).exists()
    assert not Section.objects.filter(plan__year=year).exists()


def test_unreadable_text_is_refused_with_its_line_and_nothing_is_saved(world, plan_text, year):
    broken = plan_text.replace("12.维护劳动领域政治安全", "14.维护劳动领域政治安全")
    with pytest.raises(PlanImportError) as info:
        plan_import(text=broken, year=year)
    assert info.value.line_no is not None
    assert "14" in str(info.value) and "第" in str(info.value)
    assert not WorkPlan.objects.filter(year=year).exists()


def test_unknown_lead_department_is_refused_and_nothing_is_saved(world, plan_text, year):
    broken = plan_text.replace("（牵头部室：经审委，", "（牵头部室：审计部，")
    with pytest.raises(PlanImportError, match="审计部"):
        plan_import(text=broken, year=year)
    assert not WorkPlan.objects.filter(year=year).exists()


def test_failed_reimport_leaves_the_existing_plan_untouched(world, plan_text, year):
    plan = plan_import(text=plan_text, year=year).plan
    before = counts(plan)
    with pytest.raises(PlanImportError):
        plan_import(text=plan_text.replace("经审委", "审计部"), year=year)
    assert counts(plan) == before


def test_new_industry_union_joins_every_task_that_names_industry_unions(world):
    unit = unit_create(name="龙岗区测试行业工会", kind=UnitKind.INDUSTRY)
    tasks_with_group = set(
        world.plan.tasks.filter(participants_text__contains="行业工会").values_list("pk", flat=True)
    )
    joined = set(TaskParticipant.objects.filter(unit=unit).values_list("task_id", flat=True))
    assert joined == tasks_with_group
    assert len(joined) == 24
