"""Full history (全程留痕): no change without a record, whichever path it takes."""

from __future__ import annotations

import pytest
from django import forms

from history.models import Event
from history.recording import Source, UnrecordedChange, recording
from tasks.models import Indicator, KeyTask
from tasks.services import plan_import


def form_data(form: forms.BaseForm) -> dict[str, object]:
    """What a browser would post back for an unchanged (admin) form."""
    data: dict[str, object] = {}
    for bound in form:
        value = bound.value()  # already prepared as the widget would render it
        if value is None or value is False:
            continue
        if value is True:
            data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        else:
            data[bound.html_name] = str(value)
    return data


def admin_change_data(response) -> dict[str, object]:  # noqa: ANN001
    data = form_data(response.context["adminform"].form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(form_data(formset.management_form))
        for form in formset.forms:
            data.update(form_data(form))
    return data


def test_saving_a_task_outside_a_recording_scope_is_refused(world):
    task = KeyTask.objects.get(pk=world.task.pk)
    task.title = "悄悄改掉"
    with pytest.raises(UnrecordedChange):
        task.save()
    assert KeyTask.objects.get(pk=task.pk).title != "悄悄改掉"
    with pytest.raises(UnrecordedChange):
        Indicator.objects.filter(task=task).first().delete()


def test_admin_edits_are_recorded_with_the_admin_and_old_and_new_values(world):
    client = world.client("admin")
    url = f"/admin/tasks/keytask/{world.task.pk}/change/"
    data = admin_change_data(client.get(url))
    old_title = world.task.title
    data["title"] = "扩大工会法律服务覆盖面（修订）"
    data["participants-0-DELETE"] = "on"
    response = client.post(url, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    events = Event.objects.filter(task=world.task, source=Source.ADMIN)
    title_change = events.get(object_type="tasks.keytask", changes__0__0="重点工作")
    assert title_change.actor.username == "admin"
    assert title_change.changes == [["重点工作", old_title, "扩大工会法律服务覆盖面（修订）"]]
    participants = events.get(changes__0__0="参与单位")
    assert len(participants.changes[0][2]) < len(participants.changes[0][1])


def test_admin_edit_of_an_indicator_target_is_recorded(world):
    client = world.client("admin")
    indicator = world.task.indicators.get(name="律师驻点")
    url = f"/admin/tasks/indicator/{indicator.pk}/change/"
    data = admin_change_data(client.get(url))
    data["target"] = "30"
    assert client.post(url, data).status_code == 302
    event = Event.objects.get(
        object_type="tasks.indicator", object_id=str(indicator.pk), source=Source.ADMIN
    )
    assert event.changes == [["目标值", "22", "30"]] and event.task == world.task


def test_admin_offers_no_bulk_delete_that_would_skip_the_record(world):
    response = world.client("admin").get("/admin/tasks/keytask/")
    assert "delete_selected" not in response.content.decode()


def test_importer_changes_are_recorded_as_imports(world, plan_text):
    edited = plan_text.replace("律师驻点不少于22个", "律师驻点不少于25个")
    plan_import(text=edited, year=2024, actor=world.user("admin"))
    event = Event.objects.get(
        source=Source.IMPORT, object_type="tasks.indicator", changes__0__0="目标值"
    )
    assert event.changes == [["目标值", "22", "25"]] and event.actor.username == "admin"
    assert Event.objects.filter(
        source=Source.IMPORT, object_type="tasks.keytask", task=world.task, kind="update"
    ).exists()


def test_task_page_shows_the_timeline_newest_first(world):
    with recording(actor=world.user("admin"), source=Source.ADMIN, verb="系统管理修改"):
        task = KeyTask.objects.get(pk=world.task.pk)
        task.due_date = task.due_date.replace(month=11, day=30)
        task.save()
    html = world.client("reporter").get(f"/tasks/{world.task.pk}/").content.decode()
    timeline = html[html.index('data-testid="timeline"') :]
    assert timeline.index("完成时限") < timeline.index("第三季度")
    assert "2024-12-31</del> → <ins>2024-11-30" in timeline
