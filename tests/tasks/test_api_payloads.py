"""The task API's payloads stay bounded: a list gives each task's participants as a count and a
link, the task's own endpoint (and the link) the full list."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext

from departments.models import Unit, UnitKind
from tasks.models import TaskParticipant
from tests.factories import IndicatorFactory, KeyTaskFactory, SectionFactory, UnitFactory


def test_task_list_gives_a_participant_count_and_link_instead_of_the_list(world):
    data = world.client("reporter").get("/api/v1/tasks/?plan__year=2024&page_size=100").json()
    task10 = next(t for t in data["results"] if t["number"] == 10)
    assert "participants" not in task10
    assert task10["participant_count"] == world.task.participants.count() > 11
    assert task10["participants_url"] == f"/api/v1/tasks/{world.task.pk}/participants/"
    assert task10["participants_text"] == "各街道总工会、行业工会"


def test_task_list_count_is_not_narrowed_by_a_participant_filter(world):
    bantian = Unit.objects.get(name="坂田街道总工会")
    data = world.client("leader").get(f"/api/v1/tasks/?participants__unit={bantian.pk}").json()
    task10 = next(t for t in data["results"] if t["number"] == 10)
    assert task10["participant_count"] == world.task.participants.count()


def test_task_detail_lists_every_participant(world):
    data = world.client("reporter").get(f"/api/v1/tasks/{world.task.pk}/").json()
    expected = world.task.participants.count()
    assert data["participant_count"] == expected == len(data["participants"])
    streets = [p["name"] for p in data["participants"] if p["group"] == "各街道总工会"]
    assert "坂田街道总工会" in streets and len(streets) == 11


def test_participants_link_pages_through_the_full_list(world):
    client = world.client("reporter")
    url = client.get(f"/api/v1/tasks/{world.task.pk}/").json()["participants_url"]
    detail = client.get(f"/api/v1/tasks/{world.task.pk}/").json()["participants"]
    first = client.get(f"{url}?page_size=5").json()
    assert first["count"] == len(detail) and first["results"] == detail[:5]
    everything = client.get(f"{url}?page_size=200").json()["results"]
    assert everything == detail


def test_participants_link_is_scoped_like_the_task(world):
    assert (
        world.client("anonymous").get(f"/api/v1/tasks/{world.task.pk}/participants/").status_code
        == 401
    )
    assert world.client("leader").get("/api/v1/tasks/999999/participants/").status_code == 404


def _plan_with_tasks(count: int) -> int:
    """A plan of ``count`` tasks, each led by a department, with every street taking part and
    two indicators: the rows a list must not multiply its queries by."""
    section = SectionFactory()
    streets = [UnitFactory(kind=UnitKind.STREET) for _ in range(12)]
    lead = UnitFactory(kind=UnitKind.DEPARTMENT)
    for _ in range(count):
        task = KeyTaskFactory(section=section, leads=[lead])
        TaskParticipant.objects.bulk_create(
            TaskParticipant(task=task, unit=unit, group="各街道总工会") for unit in streets
        )
        IndicatorFactory(task=task)
        IndicatorFactory(task=task)
    return section.plan.year


def _list_queries(world, year: int, size: int) -> int:  # noqa: ANN001
    client = world.client("leader")
    client.get("/api/v1/tasks/?page_size=1")  # the session and user, read once
    with CaptureQueriesContext(connection) as queries:
        data = client.get(f"/api/v1/tasks/?plan__year={year}&page_size=200").json()
    assert data["count"] == size
    assert all(t["participant_count"] == 12 for t in data["results"])
    return len(queries.captured_queries)


def test_task_list_runs_as_many_queries_for_50_tasks_as_for_5(world):
    few = _list_queries(world, _plan_with_tasks(5), 5)
    many = _list_queries(world, _plan_with_tasks(50), 50)
    assert few == many


def test_task_list_does_not_load_participants(world):
    client = world.client("leader")
    with CaptureQueriesContext(connection) as queries:
        client.get("/api/v1/tasks/?page_size=100")
    table = TaskParticipant._meta.db_table
    loads = [q["sql"] for q in queries.captured_queries if q["sql"].startswith(f'SELECT "{table}"')]
    assert loads == []
