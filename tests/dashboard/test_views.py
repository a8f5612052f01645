"""The leaders' dashboard: figures, scopes, drill-down, empty states and fixed queries."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dashboard.benchdata import build_dataset
from departments.models import Role, User
from tasks.models import PlanStatus, WorkPlan


@pytest.fixture(autouse=True)
def pinned(settings):
    settings.UNIONPLAN_TODAY = dt.date(2024, 10, 20)


def page(world, role: str, query: str = "") -> str:
    response = world.client(role).get(f"/dashboard/{query}")
    assert response.status_code == 200
    return response.content.decode()


def test_leader_sees_time_against_plan_progress_and_every_colour(world):
    html = page(world, "leader")
    assert 'data-testid="time-progress">80.3%' in html
    assert "全部重点工作" in html and "共 30 项" in html
    for colour in ("red", "amber", "green", "done"):
        assert f'data-testid="colour-{colour}"' in html
    assert 'data-testid="colour-red">6 项' in html


def test_every_figure_links_to_the_list_behind_it(world):
    html = page(world, "leader")
    assert 'href="/tasks/?year=2024&amp;colour=red" data-testid="colour-red"' in html
    section = world.task.section
    assert f"/tasks/?year=2024&amp;section={section.pk}" in html
    lead = world.task.leads.first().unit_id
    assert f"/tasks/?year=2024&amp;lead={lead}" in html
    assert f'href="/tasks/{world.task.pk}/"' in html  # indicator rows open their task


def test_red_link_lists_exactly_the_red_tasks(world):
    html = world.client("leader").get("/tasks/?year=2024&colour=red").content.decode()
    rows = re.findall(r'data-task-number="\d+" data-colour="(\w+)"', html)
    assert rows == ["red"] * 6


def test_lagging_tasks_come_first_with_how_far_behind(world):
    html = page(world, "leader")
    lagging = html[html.index('data-testid="lagging"') :]
    assert "落后 30 个百分点" in lagging[:2000]


def test_ranking_shows_its_formula_and_weights(world, settings):
    settings.UNIONPLAN_RANKING_WEIGHTS = {"on_time": 60, "contribution": 30, "not_returned": 10}
    html = page(world, "leader")
    assert "得分 = 60 × 按时报送率 + 30 × 分解指标完成率" in html
    ranking = html[html.index('data-testid="ranking"') :]
    assert ranking.index("平湖街道总工会") < ranking.index("坪地街道总工会")


def test_staff_open_their_department_and_can_see_the_whole_plan(world):
    html = page(world, "staff_lead")
    assert "权益部牵头的工作" in html and "共 9 项" in html
    assert "全部重点工作" in page(world, "staff_lead", "?all=1")


def test_reporter_sees_only_their_units_part(world):
    html = page(world, "reporter")
    assert "坂田街道总工会参与的工作" in html and "考核排名" not in html
    grid = html[html.index('data-testid="dashboard-grid"') :]
    assert "坂田" in grid and "平湖" not in grid.split("</table>")[0]
    other = world.user("reporter_other").unit_id
    assert world.client("reporter").get(f"/dashboard/?unit={other}").status_code == 404


def test_unknown_year_or_unit_is_a_clear_404(world):
    client = world.client("leader")
    assert client.get("/dashboard/?year=1999").status_code == 404
    assert client.get("/dashboard/?year=abc").status_code == 404
    assert "没有该单位" in client.get("/dashboard/?unit=999999").content.decode()


def test_plan_without_tasks_shows_what_to_do_next(world):
    WorkPlan.objects.create(year=2025, title="2025年工作要点", status=PlanStatus.ACTIVE)
    html = page(world, "leader", "?year=2025")
    assert 'data-testid="empty-state"' in html and "import_plan" in html


def dashboard_queries(year: int) -> int:
    leader = User.objects.create(username=f"bench{year}", role=Role.LEADER)
    client = Client()
    client.force_login(leader)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/dashboard/?year={year}").status_code == 200
    return len(ctx.captured_queries)


def test_query_count_holds_when_the_data_grows_tenfold(db):
    small = build_dataset(first_year=2080, plans=1, tasks_per_plan=4, units=3, report_years=1)
    large = build_dataset(first_year=2090, plans=1, tasks_per_plan=40, units=30, report_years=1)
    assert large.rows["entries"] == 100 * small.rows["entries"]
    # The 26th query: which of the grid's reports the reader may open (a link only to those).
    assert dashboard_queries(2080) == dashboard_queries(2090) <= 26
