"""Every page and API endpoint reads ``?year=`` the same way: only ASCII digits name a year."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

NOT_A_YEAR = ["²٠٢٤", "2024x", "abc"]


@pytest.mark.parametrize("raw", NOT_A_YEAR)
@pytest.mark.parametrize("path", ["/dashboard/", "/reports/grid/"])
def test_pages_that_refuse_a_value_that_is_not_a_year_answer_404(world, path, raw):
    assert world.client("leader").get(path, {"year": raw}).status_code == 404


@pytest.mark.parametrize("raw", NOT_A_YEAR)
def test_task_list_ignores_a_value_that_is_not_a_year(world, raw):
    response = world.client("leader").get("/tasks/", {"year": raw})
    assert response.status_code == 200
    assert response.context["plan"] == world.plan


@pytest.mark.parametrize("raw", NOT_A_YEAR)
def test_dashboard_api_refuses_a_value_that_is_not_a_year_with_400(world, raw):
    response = world.client("leader").get("/api/v1/dashboard/", {"year": raw})
    assert response.status_code == 400
    assert response.json()["errors"] == {"year": ["年度应为数字，如 2024。"]}


@pytest.mark.parametrize("raw", NOT_A_YEAR)
def test_grid_api_ignores_a_value_that_is_not_a_year(world, raw):
    response = world.client("leader").get("/api/v1/submission-grid/", {"year": raw})
    assert response.status_code == 200
    assert response.json()["year"] == 2024


@pytest.mark.parametrize("path", ["/api/v1/dashboard/", "/api/v1/submission-grid/"])
def test_api_year_without_a_plan_is_404_with_its_message(world, path):
    response = world.client("leader").get(path, {"year": "1999"})
    assert response.status_code == 404
    assert response.json()["message"] == "没有该年度的工作要点。"


@pytest.mark.parametrize("path", ["/dashboard/", "/reports/grid/", "/tasks/"])
def test_pages_answer_404_for_a_year_without_a_plan(world, path):
    assert world.client("leader").get(path, {"year": "1999"}).status_code == 404
