"""复制为下一年度 through the hub; 年度对比: matched and unmatched tasks, targets and actuals."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import connection
from django.test.utils import CaptureQueriesContext

from departments.models import User
from history.recording import Source, recording
from planning.selectors import Change, match_by_name, plan_comparison
from planning.services.copying import plan_copy_to_next_year
from tasks.models import Indicator, PlanStatus, WorkPlan
from tasks.selectors import task_states
from tests.factories import IndicatorFactory, KeyTaskFactory


def messages_of(response) -> list[str]:  # noqa: ANN001
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def next_year(world) -> WorkPlan:  # noqa: ANN001
    """2025 copied from 2024, then edited: a task renamed, one added, one dropped, targets moved."""
    plan = plan_copy_to_next_year(plan=world.plan, actor=User.objects.get(username="admin"))
    with recording(actor=None, source=Source.SYSTEM, verb="准备测试数据"):
        renamed = plan.tasks.get(number=10)
        renamed.title = "扩大工会法律服务覆盖范围"  # similar to 扩大工会法律服务覆盖面
        renamed.save()
        raised = renamed.indicators.get(name="律师驻点")
        raised.target = Decimal(30)
        raised.save()
        lowered = renamed.indicators.get(name="法律服务活动")
        lowered.target = Decimal(80)
        lowered.save()
        renamed.indicators.get(name="法律服务示范培育点").delete()
        Indicator.objects.create(
            task=renamed,
            order=9,
            name="职工法律援助案件",
            kind="count",
            measure_unit="个",
            target=50,
        )
        plan.tasks.get(number=30).delete()
        section = plan.sections.order_by("number").last()
        KeyTaskFactory(plan=plan, section=section, number=31, title="建设数字工会服务平台")
    return plan


# --- copying through the hub -----------------------------------------------------------------


def test_hub_offers_the_copy_with_a_confirmation_and_the_compare_link(world):
    response = world.client("admin").get("/plans/manage/")

    html = response.content.decode()
    assert 'data-testid="copy-plan"' in html
    assert 'data-bs-toggle="modal"' in html and 'data-bs-target="#copy-plan-2024"' in html
    form = re.search(r'<form class="modal-content" method="post" action="([^"]+)"', html)
    assert form and form.group(1) == "/plans/2024/copy/"
    assert "csrfmiddlewaretoken" in html
    assert "将2024年工作要点复制为2025年草稿？" in html
    assert 'href="/plans/compare/"' in html and "年度对比" in html
    assert "onclick" not in html and "onsubmit" not in html
    assert "{# plan-actions #}" not in html  # the marker stays a comment for the next engineer


def test_admin_copies_the_plan_and_lands_on_the_new_draft(world):
    client = world.client("admin")

    response = client.post("/plans/2024/copy/")

    new = WorkPlan.objects.get(year=2025)
    assert new.status == PlanStatus.DRAFT
    assert response.status_code == 302
    assert response.url in {"/plans/2025/", "/plans/2025/edit/", f"/plans/{new.pk}/edit/"}
    assert any("复制为2025年草稿" in m for m in messages_of(response))
    page = client.get("/plans/2025/")
    assert page.status_code == 200
    assert new.tasks.count() == world.plan.tasks.count()


def test_a_refused_copy_returns_to_the_hub_with_the_reason(world):
    client = world.client("admin")
    client.post("/plans/2024/copy/")

    response = client.post("/plans/2024/copy/")

    assert response.status_code == 302 and response.url == "/plans/manage/"
    assert any("2025 年工作要点已存在" in m for m in messages_of(response))
    assert WorkPlan.objects.filter(year=2025).count() == 1


@pytest.mark.parametrize("role", ["staff_lead", "leader", "reporter"])
def test_non_administrators_may_not_copy(world, role):
    response = world.client(role).post("/plans/2024/copy/")

    assert response.status_code == 403
    assert not WorkPlan.objects.filter(year=2025).exists()


def test_copy_is_post_only_and_unknown_years_are_404(world):
    client = world.client("admin")
    assert client.get("/plans/2024/copy/").status_code == 405
    assert client.post("/plans/2031/copy/").status_code == 404


# --- the comparison ------------------------------------------------------------------------


def test_names_are_matched_exactly_first_then_by_similarity_each_at_most_once():
    base = ["律师驻点", "法律服务活动", "职工书屋建设", "完全不同"]
    other = ["法律服务活动", "职工书屋建设项目", "律师驻点", "新的指标", "职工书屋建设项"]

    pairs = match_by_name(base, other)

    assert pairs[0] == (1, 1.0)
    assert pairs[2] == (0, 1.0)
    assert 3 not in pairs
    # Both 职工书屋建设项目 and 职工书屋建设项 resemble 职工书屋建设: the closer one gets it.
    assert pairs[4][0] == 2 and 1 not in pairs


def test_comparison_matches_tasks_and_indicators_with_last_years_target_and_actual(
    world, next_year
):
    comparison = plan_comparison(base=world.plan, other=next_year)

    rows = {row.other.number: row for s in comparison.sections for row in s.rows}
    assert len(rows) == 29
    renamed = rows[10]
    assert renamed.base.title == "扩大工会法律服务覆盖面" and renamed.is_renamed
    assert rows[1].similarity == 1.0 and rows[1].base.number == 1
    states = {
        s.indicator.name: s
        for s in next(
            t for t in task_states(world.plan.tasks.filter(number=10), dt.date(2024, 10, 20))
        ).indicators
    }
    by_name = {ind.name: ind for ind in renamed.indicators}
    lawyers = by_name["律师驻点"]
    assert lawyers.base.indicator.target == Decimal(22)
    assert lawyers.base.actual == states["律师驻点"].actual
    assert lawyers.other.target == Decimal(30)
    assert lawyers.change == Change.RAISED and lawyers.change_mark == "↑"
    assert by_name["法律服务活动"].change == Change.LOWERED
    assert by_name["配备法律顾问的三级、四级工会联合会"].change == Change.SAME
    assert by_name["职工法律援助案件"].change == Change.NEW
    assert by_name["法律服务示范培育点"].change == Change.DROPPED
    assert [row.other.title for row in comparison.added] == ["建设数字工会服务平台"]
    assert [row.base.number for row in comparison.dropped] == [30]
    assert [row.other.number for row in comparison.rows[:3]] == [1, 2, 3]


def test_compare_page_shows_both_years_side_by_side(world, next_year):
    response = world.client("admin").get("/plans/compare/?base=2024&year=2025")

    assert response.status_code == 200
    html = response.content.decode()
    for heading in ("指标", "上年目标", "上年完成", "本年目标", "变化"):
        assert heading in html
    task = re.search(r'<tbody class="compare-task" data-task-number="10".*?</tbody>', html, re.S)
    assert task is not None
    block = task.group(0)
    assert "扩大工会法律服务覆盖范围" in block and "扩大工会法律服务覆盖面" in block
    assert "标题调整" in block
    lawyers = re.search(r'<tr class="compare-indicator" data-change="up">.*?</tr>', block, re.S)
    assert lawyers and "律师驻点" in lawyers.group(0)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", lawyers.group(0), re.S)
    assert "≥ 22 个" in cells[1] and "≥ 30 个" in cells[3] and "↑" in cells[4]
    state = task_states(world.plan.tasks.filter(number=10), dt.date(2024, 10, 20))[0]
    actual = next(s for s in state.indicators if s.indicator.name == "律师驻点").actual_display
    assert actual in cells[2]
    added = re.search(r'data-testid="compare-added".*?</section>', html, re.S)
    assert added and "建设数字工会服务平台" in added.group(0)
    dropped = re.search(r'data-testid="compare-dropped".*?</section>', html, re.S)
    assert dropped and world.plan.tasks.get(number=30).title in dropped.group(0)
    assert "d-print-none" in html and "table-responsive" in html


def test_compare_defaults_to_the_newest_plan_and_the_one_before(world, next_year):
    response = world.client("admin").get("/plans/compare/")

    assert response.status_code == 200
    assert response.context["other"] == next_year
    assert response.context["base"] == world.plan
    assert response.context["comparison"] is not None


def test_compare_with_fewer_than_two_plans_shows_an_empty_state(world):
    response = world.client("admin").get("/plans/compare/")

    assert response.status_code == 200
    assert 'data-testid="empty-state"' in response.content.decode()


@pytest.mark.parametrize(
    "query",
    ["base=abc", "year=２０２５", "year=²⁰²⁵", "base=2024x", "base=1999", "year=2031", "base=-1"],
)
def test_compare_refuses_years_that_name_no_plan_with_404(world, next_year, query):
    assert world.client("admin").get(f"/plans/compare/?{query}").status_code == 404


@pytest.mark.parametrize("query", ["base=2024&year=2024", "base=2025&year=2024"])
def test_compare_explains_a_base_that_is_not_earlier(world, next_year, query):
    response = world.client("admin").get(f"/plans/compare/?{query}")

    assert response.status_code == 200
    assert "对比年度应早于本年度" in response.content.decode()


@pytest.mark.parametrize("role", ["staff_lead", "leader", "reporter"])
def test_compare_is_for_administrators(world, role):
    assert world.client(role).get("/plans/compare/").status_code == 403


def test_compare_takes_the_same_number_of_queries_however_many_tasks(
    world, next_year, django_assert_max_num_queries
):
    client = world.client("admin")
    url = "/plans/compare/?base=2024&year=2025"
    client.get(url)  # warm the session and caches
    with CaptureQueriesContext(connection) as before:
        client.get(url)
    warm = len(before.captured_queries)  # the next request empties Django's query log

    base_section = world.plan.sections.first()
    other_section = next_year.sections.first()
    for n in range(8):
        for plan, section in ((world.plan, base_section), (next_year, other_section)):
            task = KeyTaskFactory(
                plan=plan, section=section, number=100 + n, title=f"新增工作{n}号"
            )
            IndicatorFactory(task=task, name=f"新增指标{n}")

    client.get(url)  # the base year's figures, computed again after the writes
    with django_assert_max_num_queries(warm):
        response = client.get(url)
    assert response.status_code == 200
    assert "新增工作7号" in response.content.decode()
