"""One record per action: each service writes one action with its verb and actor, its field
changes as events under it; actions that change nothing audited are recorded too."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from history.models import Action, Event
from history.recording import Source, UnrecordedChange, recording
from reports.models import EntryState
from reports.services import entries_approve, entry_review, reminder_send, report_submit
from tasks.models import KeyTask
from tasks.selectors import task_timeline, timeline_entries
from tasks.services import ActualInput, ProgressInput, progress_save
from unionplan.demo import DEMO_PASSWORD

DAY = dt.date(2024, 10, 20)


@pytest.fixture
def pinned(settings):  # noqa: ANN001,ANN201
    settings.UNIONPLAN_TODAY = DAY
    return DAY


def new_actions(since: int) -> list[Action]:
    return list(Action.objects.filter(pk__gt=since).order_by("pk"))


def last_action_pk() -> int:
    return Action.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def test_submitting_a_report_is_one_action_with_an_event_for_each_entry(world):
    report = world.report()
    reporter = world.user("reporter")
    since = last_action_pk()
    report_submit(report=report, user=reporter)
    [action] = new_actions(since)
    assert action.verb == "提交报表" and action.actor == reporter
    assert action.source == Source.WEB and action.report_id == report.pk
    assert action.actor_name == reporter.display_name
    entry_events = action.events.filter(object_type="reports.reportentry")
    assert entry_events.count() == 29
    assert action.events.count() >= 29
    assert set(action.events.values_list("actor_id", flat=True)) == {reporter.pk}


def test_a_progress_update_with_indicator_figures_is_one_action(world, pinned):
    lawyers = world.task.indicators.get(name="律师驻点")
    staff = world.user("staff_lead")
    since = last_action_pk()
    progress_save(
        task=world.task,
        period=world.period(4),
        user=staff,
        data=ProgressInput(
            status="in_progress",
            percent=90,
            progress="第四季度持续推进。",
            actuals={lawyers.pk: ActualInput(value=Decimal(3))},
        ),
        expected_version=0,
    )
    [action] = new_actions(since)
    assert action.verb == "更新进展" and action.actor == staff and action.task == world.task
    kinds = sorted(action.events.values_list("object_type", flat=True))
    assert kinds == ["tasks.indicatoractual", "tasks.progressupdate"]


def test_review_verbs_name_approval_return_and_batch(world):
    report = world.report(submit=True)
    staff = world.user("staff_lead")
    entry = world.entry(report)
    since = last_action_pk()
    entry_review(
        entry=entry,
        user=staff,
        approve=False,
        reason="请补充数据。",
        expected_version=entry.version,
    )
    [returned] = new_actions(since)
    assert returned.verb == "退回" and returned.events.count() == 1

    led = list(
        report.entries.filter(task__leads__unit=staff.unit, state=EntryState.SUBMITTED).distinct()
    )
    assert len(led) >= 2
    since = last_action_pk()
    result = entries_approve(items=[(e, e.version) for e in led] + [(entry, 99)], user=staff)
    assert len(result.approved) == len(led) and len(result.failed) == 1
    [batch] = new_actions(since)
    assert batch.verb == "批量通过" and batch.actor == staff
    assert batch.events.count() == len(led)


def test_a_reminder_is_an_action_without_events(world, settings):
    settings.UNIONPLAN_TODAY = DAY
    staff = world.user("staff_lead")
    unit = world.user("reporter").unit
    since = last_action_pk()
    reminder_send(period=world.period(4), unit=unit, user=staff)
    [action] = new_actions(since)
    assert action.verb == "催报" and action.actor == staff and action.plan == world.plan
    assert unit.name in action.summary
    assert not action.events.exists()


def test_token_create_and_revoke_are_recorded(world):
    from departments.services import token_create, token_revoke

    leader = world.user("leader")
    since = last_action_pk()
    token, raw = token_create(user=leader, name="数据中心对接")
    token_revoke(token=token, user=leader)
    created, revoked = new_actions(since)
    assert (created.verb, revoked.verb) == ("创建令牌", "撤销令牌")
    assert created.actor == leader == revoked.actor
    assert "数据中心对接" in created.summary and raw not in created.summary


def test_a_failed_login_is_recorded_with_the_username_and_never_the_password(world):
    from django.test import Client

    since = last_action_pk()
    password = "wrong-secret-94617"
    response = Client().post("/accounts/login/", {"username": "bantian", "password": password})
    assert response.status_code == 200  # the form again, with its error
    [action] = new_actions(since)
    assert action.verb == "登录失败" and action.actor is None
    assert "bantian" in action.summary
    assert all(
        password not in str(v) for v in Action.objects.filter(pk=action.pk).values()[0].values()
    )


def test_a_login_is_recorded(world):
    from django.test import Client

    since = last_action_pk()
    client = Client()
    response = client.post("/accounts/login/", {"username": "qyb", "password": DEMO_PASSWORD})
    assert response.status_code == 302
    [action] = new_actions(since)
    assert action.verb == "登录" and action.actor == world.user("staff_lead")


def test_writes_outside_a_scope_are_still_refused(world):
    task = KeyTask.objects.get(pk=world.task.pk)
    task.title = "悄悄改掉"
    since = last_action_pk()
    with pytest.raises(UnrecordedChange):
        task.save()
    assert new_actions(since) == []


def test_a_scope_without_writes_leaves_no_action(world):
    since = last_action_pk()
    with pytest.raises(PermissionDenied):
        entry_review(
            entry=world.entry(world.report(submit=True)),
            user=world.user("staff_other"),
            approve=True,
            expected_version=0,
        )
    with recording(actor=None, source=Source.SYSTEM, verb="无事"):
        pass
    assert not Action.objects.filter(pk__gt=since, verb__in=["通过", "无事"]).exists()


def test_timeline_groups_by_action_not_by_time(world):
    admin = world.user("admin")
    for title in ("改一次", "再改一次"):
        with transaction.atomic(), recording(actor=admin, source=Source.ADMIN, verb="系统管理修改"):
            task = KeyTask.objects.get(pk=world.task.pk)
            task.title = title
            task.save()
    events = list(task_timeline(world.task, admin)[:2])
    assert events[0].created_at - events[1].created_at < dt.timedelta(seconds=1)
    entries = timeline_entries(events)
    assert len(entries) == 2
    assert [e.verb for e in entries] == ["系统管理修改", "系统管理修改"]
    assert entries[0].actor_name == admin.display_name


def test_old_events_without_an_action_still_group_by_time(world):
    admin = world.user("admin")
    now = timezone.now()
    old = [
        Event(
            pk=-i,
            task=world.task,
            actor=admin,
            actor_name="旧",
            source=Source.ADMIN,
            kind="update",
            created_at=now - dt.timedelta(seconds=i),
        )
        for i in (1, 2)
    ]
    [entry] = timeline_entries(old)
    assert entry.verb == "" and entry.actor_name == "旧" and len(entry.events) == 2


def test_task_page_heads_each_entry_with_its_verb(world, pinned):
    progress_save(
        task=world.task,
        period=world.period(4),
        user=world.user("staff_lead"),
        data=ProgressInput(status="in_progress", percent=90, progress="第四季度持续推进。"),
        expected_version=0,
    )
    html = world.client("reporter").get(f"/tasks/{world.task.pk}/").content.decode()
    timeline = html[html.index('data-testid="timeline"') :]
    first = timeline.split('data-testid="timeline-entry"')[1]
    assert "权益部 工作人员" in first and "更新进展" in first and "网页" in first
    assert "完成进度（%）" in first


def test_admin_shows_an_action_read_only_with_its_events(world):
    report = world.report()
    report_submit(report=report, user=world.user("reporter"))
    action = Action.objects.get(verb="提交报表", report=report)
    client = world.client("admin")
    assert client.get("/admin/history/action/").status_code == 200
    page = client.get(f"/admin/history/action/{action.pk}/change/").content.decode()
    assert "提交报表" in page
    assert page.count("报表条目") >= 29
    assert client.post(f"/admin/history/action/{action.pk}/delete/").status_code == 403
