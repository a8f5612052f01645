"""Units added or changed in the Django admin join and leave tasks as code does (unit_create)."""

from __future__ import annotations

from departments.models import Role, Unit, UnitKind
from departments.services import user_create
from history.models import Event
from history.recording import Source
from reports.services import report_open
from tasks.models import TaskParticipant
from tasks.services import unit_update


def industry_tasks(world) -> set[int]:  # noqa: ANN001
    return set(
        world.plan.tasks.filter(participants_text__contains="行业工会").values_list("pk", flat=True)
    )


def street_tasks(world) -> set[int]:  # noqa: ANN001
    return set(
        TaskParticipant.objects.filter(task__plan=world.plan, group="各街道总工会").values_list(
            "task_id", flat=True
        )
    )


def joined(unit: Unit) -> set[int]:
    return set(TaskParticipant.objects.filter(unit=unit).values_list("task_id", flat=True))


def test_an_industry_union_added_in_the_admin_joins_its_tasks_and_its_reporter_gets_entries(world):
    district = Unit.objects.get(kind=UnitKind.DISTRICT)
    response = world.client("admin").post(
        "/admin/departments/unit/add/",
        {
            "name": "龙岗区物流行业工会",
            "short_name": "物流工会",
            "kind": UnitKind.INDUSTRY,
            "parent": district.pk,
            "sort_order": 9,
            "is_active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    unit = Unit.objects.get(name="龙岗区物流行业工会")
    assert joined(unit) == industry_tasks(world) and len(joined(unit)) == 24
    reporter = user_create(
        username="wuliu", password="x-long-pass-1", role=Role.REPORTER, unit=unit
    )
    report = report_open(unit=unit, period=world.period(4), user=reporter)
    assert report.entries.count() == 24
    events = Event.objects.filter(
        task_id__in=joined(unit), changes__icontains="新增龙岗区物流行业工会"
    )
    assert events.count() == 24
    assert {(e.source, e.actor.username) for e in events} == {(Source.ADMIN, "admin")}


def test_changing_a_units_kind_in_the_admin_leaves_the_old_groups_and_joins_the_new(world):
    unit = Unit.objects.get(name="坂田街道总工会")
    streets, industry = street_tasks(world), industry_tasks(world)
    named_alone = joined(unit) - streets  # tasks naming 坂田 itself stay
    response = world.client("admin").post(
        f"/admin/departments/unit/{unit.pk}/change/",
        {
            "name": unit.name,
            "short_name": unit.short_name,
            "kind": UnitKind.INDUSTRY,
            "parent": unit.parent_id,
            "sort_order": unit.sort_order,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    assert joined(unit) == industry | named_alone
    left = Event.objects.filter(task_id__in=streets - industry, source=Source.ADMIN)
    assert left.filter(changes__icontains="坂田街道总工会").exists()


def test_a_deactivated_unit_leaves_its_group_tasks_and_rejoins_when_active_again(world):
    unit = Unit.objects.get(name="平湖街道总工会")
    before = joined(unit)
    admin = world.user("admin")
    unit_update(unit=unit, user=admin, is_active=False)
    assert joined(unit) == before - street_tasks(world)
    unit_update(unit=unit, user=admin, is_active=True)
    assert joined(unit) == before


def test_renaming_a_unit_changes_no_participation(world):
    unit = Unit.objects.get(name="布吉街道总工会")
    before = joined(unit)
    unit_update(unit=unit, user=world.user("admin"), short_name="布吉街道")
    unit.refresh_from_db()
    assert unit.short_name == "布吉街道" and joined(unit) == before
