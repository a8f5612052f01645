"""Cadence indicators (频次) on the task page, the task list and the API, as people use them."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tasks.models import CadenceOccurrence, IndicatorKind
from tests.conftest import png
from tests.factories import IndicatorFactory

DAY = dt.date(2024, 10, 20)


@pytest.fixture(autouse=True)
def pinned(settings):
    settings.UNIONPLAN_TODAY = DAY


@pytest.fixture
def quarterly(world):
    return IndicatorFactory(
        task=world.task,
        name="职工代表座谈会",
        kind=IndicatorKind.CADENCE,
        cadence="quarter",
        measure_unit="次",
        target=1,
    )


def cells(html: str) -> list[str]:
    """The statuses of the first row of slot cells on the page."""
    card = html.split('data-testid="cadence-card"')[1]
    row = card.split('data-testid="cadence-cells"')[1].split("data-testid=")[0]
    return re.findall(r'data-status="(\w+)"', row)


def test_the_task_page_shows_the_slots_and_lead_staff_record_an_occurrence(world, quarterly):
    client = world.client("staff_lead")
    html = client.get(f"/tasks/{world.task.pk}/").content.decode()
    assert "频次指标开展情况" in html and "每季度 1 次" in html
    assert cells(html) == ["missed", "missed", "missed", "current"]
    assert "已开展 0/4 期" in html and "3 期未开展" in html
    assert 'data-testid="occurrence-form"' in html
    # the progress form asks no figure for it
    progress_form = html.split('data-testid="progress-form"')[1].split("</form>")[0]
    assert f"actual_{quarterly.pk}" not in progress_form

    response = client.post(
        f"/tasks/{world.task.pk}/occurrences/",
        {
            "indicator": quarterly.pk,
            "done_on": "2024-08-16",
            "note": "召开三季度职工代表座谈会。",
            "evidence": png(),
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and response["HX-Refresh"] == "true"
    html = client.get(f"/tasks/{world.task.pk}/").content.decode()
    assert cells(html) == ["missed", "missed", "done", "current"]
    assert "召开三季度职工代表座谈会。" in html and "已开展 1/4 期" in html
    occurrence = CadenceOccurrence.objects.get(indicator=quarterly)
    evidence = client.get(f"/occurrences/{occurrence.pk}/evidence/")
    assert evidence.status_code == 200 and evidence["Content-Disposition"].startswith("attachment")

    # a mistake is deleted again
    response = client.post(f"/occurrences/{occurrence.pk}/delete/")
    assert response.status_code == 302
    assert not CadenceOccurrence.objects.filter(indicator=quarterly).exists()


def test_a_wrong_date_is_shown_in_the_form_and_nothing_is_saved(world, quarterly):
    response = world.client("staff_lead").post(
        f"/tasks/{world.task.pk}/occurrences/",
        {"indicator": quarterly.pk, "done_on": "2024-11-02", "note": "提前登记。"},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200 and 'id="cadence-card"' in html
    assert "开展日期：开展日期不能晚于今天。" in html and 'value="提前登记。"' in html
    assert "<html" not in html  # only the card, swapped in place
    assert not quarterly.occurrences.exists()


def test_other_people_see_the_slots_but_no_form(world, quarterly):
    html = world.client("staff_other").get(f"/tasks/{world.task.pk}/").content.decode()
    assert "频次指标开展情况" in html and 'data-testid="occurrence-form"' not in html
    response = world.client("staff_other").post(
        f"/tasks/{world.task.pk}/occurrences/",
        {"indicator": quarterly.pk, "done_on": "2024-08-16", "note": "越权登记。"},
    )
    assert response.status_code == 403


def test_the_task_list_shows_a_row_of_slot_cells_for_cadence_tasks(world):
    html = world.client("leader").get("/tasks/?year=2024&page=2").content.decode()
    row = html.split('data-task-number="16"')[1].split("</tr>")[0]
    assert 'data-testid="task-cadence"' in row
    assert re.findall(r'data-status="(\w+)"', row) == ["done", "done", "done", "current"]


def test_the_api_gives_the_slots_and_records_an_occurrence(world, quarterly):
    client = world.client("staff_lead")
    state = client.get(f"/api/v1/tasks/{world.task.pk}/progress/").json()
    ind = next(i for i in state["indicators"] if i["indicator"] == quarterly.pk)
    assert ind["cadence"] == "quarter"
    assert [s["status"] for s in ind["slots"]] == ["missed", "missed", "missed", "current"]
    assert ind["slots"][0]["label"] == "一季度"
    response = client.post(
        f"/api/v1/tasks/{world.task.pk}/occurrences/",
        {"indicator": quarterly.pk, "done_on": "2024-02-01", "note": "一季度座谈会。"},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["slot"] == 1
    refused = client.post(
        f"/api/v1/tasks/{world.task.pk}/occurrences/",
        {"indicator": quarterly.pk, "done_on": "2023-02-01", "note": "去年的。"},
        content_type="application/json",
    )
    assert refused.status_code == 400 and "2024" in str(refused.json())
