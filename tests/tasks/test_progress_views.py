"""Task list, task page and the inline progress form as people use them in the browser."""

from __future__ import annotations

import datetime as dt

import pytest

from history.recording import Source, recording
from tasks.models import ProgressUpdate
from tests.factories import IndicatorFactory, KeyTaskFactory

DAY = dt.date(2024, 10, 20)


@pytest.fixture(autouse=True)
def pinned(settings):
    settings.UNIONPLAN_TODAY = DAY


def form(world, **overrides) -> dict:
    values = {
        "period": world.period(4).pk,
        "status": "in_progress",
        "percent": "90",
        "progress": "第四季度持续推进。",
        "problems": "",
        "next_steps": "",
        "version": "0",
    }
    values.update(overrides)
    return values


def rows(html: str) -> int:
    return html.count("data-task-number=")


def test_task_list_shows_colour_percent_and_last_update(world):
    html = world.client("leader").get("/tasks/?year=2024&page=1").content.decode()
    assert rows(html) == 15 and "共 30 项" in html
    assert 'data-task-number="10" data-colour="green"' in html
    assert 'data-task-number="13" data-colour="red"' in html
    assert "85%" in html and "第三季度" in html


def test_task_list_filters_by_colour_section_lead_and_text(world):
    client = world.client("leader")
    red = client.get("/tasks/?colour=red").content.decode()
    assert rows(red) == 6 and 'data-colour="green"' not in red
    section = world.task.section_id
    assert rows(client.get(f"/tasks/?section={section}").content.decode()) == 7
    lead = world.task.leads.first().unit_id
    assert "共 9 项" in client.get(f"/tasks/?lead={lead}").content.decode()
    html = client.get("/tasks/?q=疗休养").content.decode()
    assert rows(html) == 1 and "开展职工疗休养活动" in html


def test_my_department_filter_is_one_click_for_staff(world):
    html = world.client("staff_lead").get("/tasks/?mine=1").content.decode()
    assert "共 9 项" in html and 'data-testid="filter-mine"' in html
    html = world.client("leader").get("/tasks/").content.decode()
    assert 'data-testid="filter-mine"' not in html


def test_lagging_first_ordering_puts_red_tasks_on_top(world):
    html = world.client("leader").get("/tasks/?order=lag").content.decode()
    first = html.index("data-task-number=")
    assert 'data-colour="red"' in html[first : first + 60]


def test_no_match_shows_an_empty_state(world):
    html = world.client("leader").get("/tasks/?q=没有这样的工作").content.decode()
    assert 'data-testid="empty-state"' in html


def test_lead_staff_sees_the_form_and_others_read_only(world):
    url = f"/tasks/{world.task.pk}/"
    assert 'data-testid="progress-form"' in world.client("staff_lead").get(url).content.decode()
    for role in ("staff_other", "leader", "reporter"):
        assert 'data-testid="progress-form"' not in world.client(role).get(url).content.decode()


def test_htmx_save_redirects_to_the_refreshed_task_page(world):
    client = world.client("staff_lead")
    response = client.post(f"/tasks/{world.task.pk}/progress/", form(world), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and response["HX-Redirect"] == f"/tasks/{world.task.pk}/"
    html = client.get(f"/tasks/{world.task.pk}/").content.decode()
    assert "第 10 项工作的进展已保存" in html and 'data-testid="task-percent">90%' in html


def test_bad_input_names_the_field_in_chinese_and_keeps_what_was_typed(world):
    client = world.client("staff_lead")
    count = world.task.indicators.get(name="律师驻点")
    response = client.post(
        f"/tasks/{world.task.pk}/progress/",
        form(world, percent="150", progress="我写了很多内容", **{f"actual_{count.pk}": "-3"}),
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200  # htmx swaps only 2xx answers into the page
    assert "完成进度（%）" in html and "完成进度必须在 0 到 100 之间" in html
    assert "不能为负数" in html
    assert "我写了很多内容</textarea>" in html and 'value="-3"' in html
    assert not ProgressUpdate.objects.filter(period=world.period(4), task=world.task).exists()


def test_without_htmx_a_refused_form_answers_400(world):
    response = world.client("staff_lead").post(
        f"/tasks/{world.task.pk}/progress/", form(world, percent="150")
    )
    assert (
        response.status_code == 400 and "完成进度必须在 0 到 100 之间" in response.content.decode()
    )


def test_problems_are_required_when_the_task_lags(world):
    response = world.client("staff_lead").post(
        f"/tasks/{world.task.pk}/progress/", form(world, percent="40")
    )
    assert response.status_code == 400
    assert "严重滞后，请填写存在问题" in response.content.decode()


def test_stale_page_is_refused_with_its_input_preserved_and_the_new_state_shown(world):
    """Two people open the Q3 form (version 1); the first saves, the second is refused."""
    url = f"/tasks/{world.task.pk}/progress/"
    first, second = world.client("staff_lead"), world.client("admin")
    q3 = world.period(3).pk
    base = {"period": q3, "version": "1", "percent": "86", "status": "in_progress"}
    ok = first.post(url, {**base, "progress": "甲：第三季度补充了新的进展。"})
    assert ok.status_code == 302
    stale = second.post(url, {**base, "progress": "乙：我基于旧页面写的内容。"})
    html = stale.content.decode()
    assert stale.status_code == 409
    assert 'data-testid="conflict"' in html and "您填写的内容未保存" in html
    assert "甲：第三季度补充了新的进展。" in html  # what changed meanwhile
    assert "乙：我基于旧页面写的内容。</textarea>" in html  # nothing typed is lost
    update = ProgressUpdate.objects.get(task=world.task, period_id=q3)
    assert update.progress == "甲：第三季度补充了新的进展。" and update.version == 2
    assert 'name="version" value="2"' in html  # saving again is now a deliberate choice


def test_other_department_cannot_post_an_update(world):
    response = world.client("staff_other").post(f"/tasks/{world.task.pk}/progress/", form(world))
    assert response.status_code == 403
    assert "只有牵头部室的工作人员" in response.content.decode()


def test_period_switch_renders_that_periods_form(world):
    html = (
        world.client("staff_lead")
        .get(f"/tasks/{world.task.pk}/?period={world.period(2).pk}", HTTP_HX_REQUEST="true")
        .content.decode()
    )
    assert html.lstrip().startswith('<div id="progress-form-wrap">')
    assert "第二季度，权益部牵头推进" in html and 'name="version" value="1"' in html


def test_leader_instructs_and_lead_department_answers(world):
    leader, staff = world.client("leader"), world.client("staff_lead")
    response = leader.post(
        f"/tasks/{world.task.pk}/instructions/", {"text": "请月底前完成驻点布局。"}
    )
    assert response.status_code == 302
    listing = staff.get("/instructions/").content.decode()
    assert "请月底前完成驻点布局。" in listing
    instruction = world.task.instructions.get()
    response = staff.post(
        f"/instructions/{instruction.pk}/answer/",
        {f"i{instruction.pk}-answer": "已完成布局方案。", f"i{instruction.pk}-version": "1"},
    )
    assert response.status_code == 302
    html = staff.get(f"/tasks/{world.task.pk}/").content.decode()
    assert "已完成布局方案。" in html and "已答复" in html
    # The list opens on 待办理: an answered instruction is under 已答复.
    assert "请月底前完成驻点布局。" not in staff.get("/instructions/").content.decode()
    assert "请月底前完成驻点布局。" in staff.get("/instructions/?state=answered").content.decode()


def test_second_answer_from_a_stale_page_is_refused(world):
    instruction = world.open_instruction()
    staff, admin = world.client("staff_lead"), world.client("admin")
    url = f"/instructions/{instruction.pk}/answer/"
    staff.post(url, {f"i{instruction.pk}-answer": "答复一", f"i{instruction.pk}-version": "1"})
    response = admin.post(
        url, {f"i{instruction.pk}-answer": "答复二", f"i{instruction.pk}-version": "1"}
    )
    assert response.status_code == 409
    assert "答复二</textarea>" in response.content.decode()
    instruction.refresh_from_db()
    assert instruction.answer == "答复一"


def test_empty_instruction_is_refused_naming_the_field(world):
    response = world.client("leader").post(f"/tasks/{world.task.pk}/instructions/", {"text": ""})
    assert response.status_code == 400 and "批示内容" in response.content.decode()


def grow(world, tasks: int) -> None:
    """Add tasks, each with indicators and an update, to check query counts do not grow."""
    section = world.task.section
    for n in range(tasks):
        task = KeyTaskFactory(section=section, plan=world.plan, number=200 + n)
        IndicatorFactory(task=task)
        IndicatorFactory(task=task)
        with recording(actor=None, source=Source.SYSTEM, verb="准备测试数据"):
            ProgressUpdate(task=task, period=world.period(3), percent=50, progress="x").save()


def count_queries(client, url: str) -> int:  # noqa: ANN001
    """Queries of a page once the plan's figures are cached (the first read after a write
    computes them: tests/tasks/test_standing.py counts that)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_task_list_runs_a_fixed_number_of_queries_however_many_tasks(world):
    client = world.client("staff_lead")
    before = count_queries(client, "/tasks/?page=2")
    grow(world, 20)
    assert count_queries(client, "/tasks/?page=2") == before
    assert before <= 15


def test_task_page_runs_a_fixed_number_of_queries_however_many_updates(world):
    client = world.client("staff_lead")
    url = f"/tasks/{world.task.pk}/"
    world.open_instruction()  # the instructions' threads are one query, however many
    before = count_queries(client, url)
    for _ in range(3):
        world.open_instruction()
    with recording(actor=None, source=Source.SYSTEM, verb="准备测试数据"):
        IndicatorFactory(task=world.task)
        ProgressUpdate(task=world.task, period=world.period(4), percent=90, progress="y").save()
    assert count_queries(client, url) == before
    assert before <= 27  # 26, and the count of the unit entries' pages
