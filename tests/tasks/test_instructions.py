"""The 督办 loop of a 批示: written with a 办理时限, answered, followed up (追问), closed (办结);
each step notifies the other side, is in the task's history, and an overdue one shows red."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from departments.models import Role, User
from history.models import Action
from notifications.models import Notification
from tasks import services
from tasks.models import Instruction, InstructionState, KeyTask
from tasks.selectors import instruction_days_overdue, instruction_is_overdue
from tasks.services import instructions as instruction_services

DAY = dt.date(2024, 10, 20)


@pytest.fixture(autouse=True)
def pinned(settings):
    settings.UNIONPLAN_TODAY = DAY


@pytest.fixture
def sent(monkeypatch):
    """Every notify() call of the instruction services, as made (the real one still runs)."""
    calls: list[dict] = []
    real = instruction_services.notify

    def spy(**kwargs):
        kwargs["users"] = list(kwargs["users"])
        calls.append(kwargs)
        return real(**kwargs)

    monkeypatch.setattr(instruction_services, "notify", spy)
    return calls


def recipients(call: dict) -> set[str]:
    return {u.username for u in call["users"]}


def write(world, *, deadline: dt.date | None = None, text: str = "请加快律师驻点建设。"):
    return services.instruction_create(
        task=world.task, user=world.user("leader"), text=text, deadline=deadline
    )


def answer(world, instruction: Instruction, text: str = "已加快。") -> Instruction:
    return services.instruction_answer(
        instruction=instruction,
        user=world.user("staff_lead"),
        answer=text,
        expected_version=instruction.version,
    )


def follow_up(world, instruction: Instruction, **kwargs) -> Instruction:
    return services.instruction_follow_up(
        instruction=instruction,
        user=world.user("leader"),
        text=kwargs.pop("text", "何时完成？"),
        expected_version=kwargs.pop("version", instruction.version),
        **kwargs,
    )


def close(world, instruction: Instruction, remark: str = "已落实，办结。") -> Instruction:
    return services.instruction_close(
        instruction=instruction,
        user=world.user("leader"),
        remark=remark,
        expected_version=instruction.version,
    )


# --- services ---------------------------------------------------------------------------------


def test_instruction_notifies_the_lead_departments_active_staff_with_a_link_to_its_thread(
    world, sent
):
    User.objects.create(username="qyb2", role=Role.STAFF, unit=world.user("staff_lead").unit)
    User.objects.create(
        username="qyb-gone", role=Role.STAFF, unit=world.user("staff_lead").unit, is_active=False
    )
    instruction = write(world, deadline=dt.date(2024, 10, 31))
    [call] = sent
    assert recipients(call) == {"qyb", "qyb2"}  # not the inactive account, not other staff
    assert call["event"] == "instruction"
    assert call["url"] == f"/tasks/{world.task.pk}/#instruction-{instruction.pk}"
    assert "办理时限：2024年10月31日" in call["body"]
    stored = Notification.objects.filter(url=call["url"])
    assert {n.user.username for n in stored} == {"qyb", "qyb2"}
    assert not Notification.objects.filter(url=call["url"], user__username="zjb").exists()


def test_a_deadline_in_the_past_is_refused_and_today_is_accepted(world):
    with pytest.raises(ValidationError) as refused:
        write(world, deadline=DAY - dt.timedelta(days=1))
    assert refused.value.message_dict == {"deadline": ["办理时限不能早于今天。"]}
    assert not world.task.instructions.exists()
    assert write(world, deadline=DAY).deadline == DAY


def test_answer_notifies_the_leader_who_wrote_the_instruction(world, sent):
    instruction = answer(world, write(world), "已在坂田街道试点。")
    call = sent[-1]
    assert recipients(call) == {"leader"} and call["event"] == "instruction"
    assert call["url"].endswith(f"#instruction-{instruction.pk}")
    assert "已在坂田街道试点。" in call["body"] and "工作人员" in call["body"]
    assert instruction.state == InstructionState.ANSWERED


def test_follow_up_reopens_with_a_new_deadline_and_notifies_the_lead_staff(world, sent):
    instruction = answer(world, write(world, deadline=dt.date(2024, 10, 25)))
    instruction = follow_up(
        world, instruction, text="请细化到街道。", deadline=dt.date(2024, 11, 5)
    )
    assert instruction.state == InstructionState.OPEN
    assert instruction.deadline == dt.date(2024, 11, 5)
    assert [(m.kind, m.text) for m in instruction.messages.all()] == [
        ("answer", "已加快。"),
        ("follow_up", "请细化到街道。"),
    ]
    call = sent[-1]
    assert recipients(call) == {"qyb"} and call["event"] == "instruction"
    assert call["title"].startswith("领导追问")


def test_only_leaders_and_admins_follow_up_or_close(world):
    instruction = write(world)
    for role in ("staff_lead", "staff_other", "reporter"):
        with pytest.raises(PermissionDenied):
            services.instruction_follow_up(
                instruction=instruction, user=world.user(role), text="?", expected_version=1
            )
        with pytest.raises(PermissionDenied):
            services.instruction_close(
                instruction=instruction, user=world.user(role), expected_version=1
            )
    admin_step = services.instruction_follow_up(
        instruction=instruction, user=world.user("admin"), text="管理员追问。", expected_version=1
    )
    assert admin_step.messages.get().kind == "follow_up"


def test_closed_instruction_takes_no_answer_or_follow_up(world, sent):
    instruction = close(world, answer(world, write(world)))
    assert instruction.state == InstructionState.CLOSED
    assert instruction.closed_by == world.user("leader") and instruction.closed_at
    assert sent[-1]["title"].startswith("批示已办结") and recipients(sent[-1]) == {"qyb"}
    with pytest.raises(services.InstructionClosed, match="已办结，不能再答复"):
        answer(world, instruction, "再补充。")
    with pytest.raises(services.InstructionClosed, match="已办结，不能再追问"):
        follow_up(world, instruction)
    with pytest.raises(services.InstructionClosed):
        close(world, instruction)


def test_every_step_is_an_action_in_the_tasks_history(world):
    instruction = write(world, deadline=dt.date(2024, 10, 31))
    instruction = answer(world, instruction)
    instruction = follow_up(world, instruction)
    instruction = follow_up(world, instruction, text="再问一次：何时完成？")  # state unchanged
    instruction = answer(world, instruction, "11月5日前完成。")
    close(world, instruction)
    verbs = list(
        Action.objects.filter(task=world.task, verb__in=["批示", "答复", "追问", "办结"])
        .order_by("pk")
        .values_list("verb", flat=True)
    )
    assert verbs == ["批示", "答复", "追问", "追问", "答复", "办结"]


def test_a_step_from_a_stale_version_is_refused_and_writes_nothing(world):
    instruction = write(world)
    answer(world, instruction)  # version 2 now
    with pytest.raises(services.ConflictError) as conflict:
        follow_up(world, instruction, version=1, text="过时的追问")
    assert conflict.value.current.answer == "已加快。"
    instruction.refresh_from_db()
    assert instruction.state == InstructionState.ANSWERED
    assert not instruction.messages.filter(kind="follow_up").exists()


def test_overdue_means_open_after_the_deadline(world, settings):
    instruction = write(world, deadline=dt.date(2024, 10, 25))
    assert not instruction_is_overdue(instruction, dt.date(2024, 10, 25))
    assert instruction_days_overdue(instruction, dt.date(2024, 10, 28)) == 3
    settings.UNIONPLAN_TODAY = dt.date(2024, 10, 28)
    instruction = answer(world, instruction)
    assert not instruction_is_overdue(instruction, dt.date(2024, 10, 28))  # answered in time
    instruction = follow_up(world, instruction)  # no new deadline: overdue again
    assert instruction_days_overdue(instruction, dt.date(2024, 10, 28)) == 3
    assert not instruction_is_overdue(close(world, instruction), dt.date(2024, 12, 1))


# --- pages ------------------------------------------------------------------------------------


def test_task_page_shows_the_thread_in_order_overdue_in_red_and_each_sides_next_steps(
    world, settings
):
    instruction = answer(world, write(world, deadline=dt.date(2024, 10, 22)))
    follow_up(world, instruction, text="请给出完成日期。")
    settings.UNIONPLAN_TODAY = dt.date(2024, 10, 24)
    html = world.client("leader").get(f"/tasks/{world.task.pk}/").content.decode()
    block = html.split(f'id="instruction-{instruction.pk}"')[1].split("</article>")[0]
    assert "已逾期 2 天" in block and "text-bg-danger" in block
    assert block.index("请加快律师驻点建设。") < block.index("已加快。")
    assert block.index("已加快。") < block.index("请给出完成日期。")
    assert "follow-up-form" in block and "close-form" in block and "answer-form" not in block
    staff = world.client("staff_lead").get(f"/tasks/{world.task.pk}/").content.decode()
    staff_block = staff.split(f'id="instruction-{instruction.pk}"')[1].split("</article>")[0]
    assert "answer-form" in staff_block and "follow-up-form" not in staff_block


def test_leader_writes_with_a_deadline_follows_up_and_closes_through_the_forms(world):
    leader, staff = world.client("leader"), world.client("staff_lead")
    response = leader.post(
        f"/tasks/{world.task.pk}/instructions/",
        {"text": "请月底前完成。", "deadline": "2024-10-31"},
    )
    assert response.status_code == 302
    instruction = world.task.instructions.get()
    assert instruction.deadline == dt.date(2024, 10, 31)
    staff.post(
        f"/instructions/{instruction.pk}/answer/",
        {f"i{instruction.pk}-answer": "已完成一半。", f"i{instruction.pk}-version": "1"},
    )
    response = leader.post(
        f"/instructions/{instruction.pk}/follow-up/",
        {
            f"f{instruction.pk}-text": "另一半呢？",
            f"f{instruction.pk}-deadline": "2024-11-10",
            f"f{instruction.pk}-version": "2",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"#instruction-{instruction.pk}")
    instruction.refresh_from_db()
    assert instruction.state == "open" and instruction.deadline == dt.date(2024, 11, 10)
    response = leader.post(
        f"/instructions/{instruction.pk}/close/",
        {f"c{instruction.pk}-remark": "同意办结。", f"c{instruction.pk}-version": "3"},
    )
    assert response.status_code == 302
    instruction.refresh_from_db()
    assert instruction.state == "closed"
    # A stale answer page after the close: refused with the reason, nothing written.
    response = staff.post(
        f"/instructions/{instruction.pk}/answer/",
        {f"i{instruction.pk}-answer": "补充。", f"i{instruction.pk}-version": "4"},
        follow=True,
    )
    assert "该批示已办结，不能再答复。" in response.content.decode()
    assert instruction.messages.filter(kind="answer").count() == 1


def test_a_past_deadline_in_the_form_is_refused_naming_the_field(world):
    response = world.client("leader").post(
        f"/tasks/{world.task.pk}/instructions/", {"text": "请加快。", "deadline": "2024-10-01"}
    )
    html = response.content.decode()
    assert response.status_code == 400 and "办理时限：办理时限不能早于今天。" in html
    assert "请加快。</textarea>" in html


def test_stale_follow_up_is_refused_showing_the_other_answer_and_keeping_the_text(world):
    instruction = write(world)
    response = world.client("leader").get(f"/tasks/{world.task.pk}/")  # the leader reads v1
    answer(world, instruction, "刚刚答复的内容。")
    response = world.client("leader").post(
        f"/instructions/{instruction.pk}/follow-up/",
        {f"f{instruction.pk}-text": "我的追问。", f"f{instruction.pk}-version": "1"},
    )
    html = response.content.decode()
    assert response.status_code == 409
    assert 'data-testid="instruction-conflict"' in html and "刚刚答复的内容。" in html
    assert "我的追问。</textarea>" in html
    assert f'name="f{instruction.pk}-version" value="2"' in html


def test_list_filters_by_state_department_and_overdue(world, settings):
    overdue = write(world, deadline=dt.date(2024, 10, 21), text="逾期的批示")
    write(world, deadline=dt.date(2024, 11, 30), text="未到期的批示")
    answered = answer(world, write(world, text="已答复的批示"))
    other_task = KeyTask.objects.exclude(leads__unit=world.user("staff_lead").unit).first()
    services.instruction_create(task=other_task, user=world.user("leader"), text="别的部室的批示")
    settings.UNIONPLAN_TODAY = dt.date(2024, 10, 23)
    leader = world.client("leader")
    html = leader.get("/instructions/").content.decode()
    assert "逾期的批示" in html and "别的部室的批示" in html and "已答复的批示" not in html
    assert "已逾期 2 天" in html
    assert html.index("逾期的批示") < html.index("未到期的批示")  # most overdue first
    html = leader.get("/instructions/?state=open&overdue=1").content.decode()
    assert "逾期的批示" in html and "未到期的批示" not in html
    html = leader.get("/instructions/?state=answered").content.decode()
    assert "已答复的批示" in html and "逾期的批示" not in html and "已加快。" in html
    dept = world.user("staff_lead").unit_id
    html = leader.get(f"/instructions/?state=all&dept={dept}").content.decode()
    assert "别的部室的批示" not in html and "已答复的批示" in html
    # Staff open on their own department's.
    html = world.client("staff_lead").get("/instructions/").content.decode()
    assert "逾期的批示" in html and "别的部室的批示" not in html
    assert f"#instruction-{overdue.pk}" in html and f"#instruction-{answered.pk}" not in html


def list_queries(client) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/instructions/?state=all&dept=").status_code == 200
    return len(ctx.captured_queries)


def test_list_runs_a_fixed_number_of_queries_and_pages(world):
    client = world.client("leader")
    answer(world, write(world))
    before = list_queries(client)
    for n in range(25):
        instruction = write(world, text=f"批示{n}", deadline=dt.date(2024, 10, 25))
        if n % 2:
            follow_up(world, answer(world, instruction))
    assert list_queries(client) == before <= 12
    html = client.get("/instructions/?state=all&dept=").content.decode()
    assert "第 1 / 2 页" in html and 'data-testid="next-page"' in html


def test_dashboard_counts_open_and_overdue_instructions_in_red(world, settings):
    write(world, deadline=dt.date(2024, 10, 21), text="逾期的批示")
    write(world, text="无时限的批示")
    settings.UNIONPLAN_TODAY = dt.date(2024, 10, 25)
    html = world.client("leader").get("/dashboard/").content.decode()
    assert 'data-testid="overdue-instruction-count"' in html and "已逾期 1 件" in html
    assert "已逾期 4 天" in html
    card = html.split("待办理的领导批示")[1]
    assert card.index("逾期的批示") < card.index("无时限的批示")


# --- API --------------------------------------------------------------------------------------


def post_json(client, url: str, body: dict):
    return client.post(url, json.dumps(body), content_type="application/json")


def test_api_runs_the_loop_with_deadline_state_and_thread(world):
    leader, staff = world.client("leader"), world.client("staff_lead")
    created = post_json(
        leader,
        f"/api/v1/tasks/{world.task.pk}/instructions/",
        {"text": "请加快。", "deadline": "2024-10-25"},
    ).json()
    assert created["deadline"] == "2024-10-25" and created["state"] == "open"
    assert created["messages"] == [] and created["overdue_days"] == 0
    base = f"/api/v1/instructions/{created['id']}"
    post_json(staff, f"{base}/answer/", {"answer": "已加快。", "version": 1})
    followed = post_json(
        leader, f"{base}/follow-up/", {"text": "何时完成？", "deadline": "2024-11-01", "version": 2}
    )
    assert followed.status_code == 200
    body = followed.json()
    assert body["state"] == "open" and body["deadline"] == "2024-11-01"
    assert [m["kind"] for m in body["messages"]] == ["answer", "follow_up"]
    closed = post_json(leader, f"{base}/close/", {"remark": "办结。", "version": 3}).json()
    assert closed["state"] == "closed" and closed["messages"][-1]["kind_label"] == "办结"
    refused = post_json(staff, f"{base}/answer/", {"answer": "补充。", "version": 4})
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    assert refused.json()["message"] == "该批示已办结，不能再答复。"


def test_api_refuses_a_past_deadline_and_a_stale_follow_up_in_the_one_format(world):
    leader = world.client("leader")
    refused = post_json(
        leader,
        f"/api/v1/tasks/{world.task.pk}/instructions/",
        {"text": "请加快。", "deadline": "2024-10-01"},
    ).json()
    assert refused["status"] == 400 and refused["code"] == "invalid"
    assert refused["errors"]["deadline"] == ["办理时限不能早于今天。"]
    instruction = answer(world, write(world))
    stale = post_json(
        leader, f"/api/v1/instructions/{instruction.pk}/follow-up/", {"text": "?", "version": 1}
    )
    assert stale.status_code == 409 and stale.json()["current"]["answer"] == "已加快。"


def test_api_filters_by_state_and_overdue(world, settings):
    late = write(world, deadline=dt.date(2024, 10, 21))
    answered = answer(world, write(world))
    settings.UNIONPLAN_TODAY = dt.date(2024, 10, 23)
    client = world.client("leader")
    ids = {i["id"] for i in client.get("/api/v1/instructions/?overdue=true").json()["results"]}
    assert late.pk in ids and answered.pk not in ids
    rows = client.get("/api/v1/instructions/?state=answered").json()["results"]
    assert answered.pk in {i["id"] for i in rows} and all(i["state"] == "answered" for i in rows)
    late_row = client.get(f"/api/v1/instructions/{late.pk}/").json()
    assert late_row["overdue_days"] == 2
