"""Progress carries forward: a new period starts from the last one, and going back needs a reason.

Demo world, today pinned at 2024-10-20 (第四季度, not yet reported). Task 10 (lead 权益部) was
推进中 85 % in 第三季度; its 律师驻点 figures were 6, 7 and 7 个 in Q1–Q3, 法律服务活动 25, 30 and
30 场. Task 4 was 已完成 at 100 % in 第三季度.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from history.models import Event
from reports.models import ReportEntry
from reports.services import EntryInput, entry_review, entry_save, report_submit
from tasks.models import ProgressUpdate
from tasks.services import ProgressInput, progress_save

DAY = dt.date(2024, 10, 20)


@pytest.fixture(autouse=True)
def pinned(settings):
    settings.UNIONPLAN_TODAY = DAY


def save(world, *, task=None, period=4, version=0, **overrides) -> ProgressUpdate:
    values = {"status": "in_progress", "percent": 90, "progress": "第四季度持续推进。"}
    values.update(overrides)
    return progress_save(
        task=task or world.task,
        period=world.period(period),
        user=world.user("staff_lead" if task is None else "admin"),
        data=ProgressInput(**values),
        expected_version=version,
    )


def done_task(world):
    task = world.plan.tasks.get(number=4)
    assert task.updates.get(period=world.period(3)).status == "done"
    return task


# --- the service -------------------------------------------------------------------------


def test_lower_percent_than_last_period_needs_a_reason(world):
    with pytest.raises(ValidationError) as info:
        save(world, percent=80, problems="场地未落实。")
    assert info.value.message_dict["regression_reason"] == [
        "完成进度低于上期（85%），请确认并填写原因。"
    ]
    assert not ProgressUpdate.objects.filter(task=world.task, period=world.period(4)).exists()


def test_turning_a_done_task_back_needs_a_reason_and_keeps_it_done_until_given(world):
    """The reported bug: Q4 "推进中 85%" after Q3 "已完成 100%" no longer passes silently."""
    task = done_task(world)
    with pytest.raises(ValidationError) as info:
        save(world, task=task, percent=85, problems="复核发现尚有收尾工作。")
    assert info.value.message_dict["regression_reason"] == ["上期已完成，改为推进中请填写原因。"]
    assert not task.updates.filter(period=world.period(4)).exists()
    # Staying done at 100 % is no step back.
    assert save(world, task=task, status="done", percent=100).regression_reason == ""


def test_the_reason_is_stored_and_recorded_in_the_history(world):
    update = save(
        world, percent=80, problems="场地未落实。", regression_reason="  两个驻点撤回重建。 "
    )
    assert update.regression_reason == "两个驻点撤回重建。"
    event = Event.objects.filter(object_type="tasks.progressupdate", object_id=str(update.pk)).get()
    assert ["进度回退原因", "（空）", "两个驻点撤回重建。"] in event.changes


def test_blank_reason_is_no_reason(world):
    with pytest.raises(ValidationError) as info:
        save(world, percent=80, problems="场地未落实。", regression_reason="   ")
    assert "regression_reason" in info.value.message_dict


@pytest.mark.parametrize("percent", [85, 95])
def test_equal_or_higher_percent_needs_no_reason(world, percent):
    update = save(world, percent=percent)
    assert update.percent == percent and update.regression_reason == ""


def test_a_reason_given_when_nothing_goes_back_is_not_kept(world):
    assert save(world, percent=90, regression_reason="多余的说明").regression_reason == ""


def test_the_first_period_needs_no_reason(world):
    ProgressUpdate.objects.filter(task=world.task).exclude(period=world.period(1)).delete()
    update = save(world, period=1, version=1, percent=5, problems="年初起步。")
    assert update.percent == 5 and update.regression_reason == ""


def test_only_earlier_periods_count_not_later_ones(world):
    """Editing Q2 (55 %) compares with Q1 (25 %), not with Q3's 85 %."""
    update = save(world, period=2, version=1, percent=50, problems="进度调整。")
    assert update.percent == 50


# --- the form ------------------------------------------------------------------------------


def page(world, **params) -> str:
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return world.client("staff_lead").get(f"/tasks/{world.task.pk}/?{query}").content.decode()


def selected(html: str, name: str) -> str:
    select = re.search(rf'<select[^>]*name="{name}".*?</select>', html, re.S)
    assert select
    option = re.search(r'<option value="([^"]*)" selected>', select.group(0))
    assert option
    return option.group(1)


def test_new_period_form_starts_from_the_latest_update(world):
    html = page(world)
    assert selected(html, "period") == str(world.period(4).pk)
    assert selected(html, "status") == "in_progress"
    assert re.search(r'name="percent" id="id_percent" value="85"', html)
    assert 'data-previous-percent="85"' in html and 'data-previous-status="in_progress"' in html
    q3 = world.task.updates.get(period=world.period(3))
    assert f"上期（第三季度）填报：{q3.progress}" in html
    # Shown to revise, not copied: the textareas start empty; the copy button is for JS only.
    assert re.search(r'<textarea [^>]*name="progress"[^>]*></textarea>', html)
    assert "沿用上期内容" in html and "data-carry-copy hidden" in html
    assert "data-regression hidden" in html  # 85 is not below 85


def test_a_period_with_its_own_update_shows_that_update_not_the_earlier_one(world):
    html = page(world, period=world.period(3).pk)
    assert "上期（第二季度）填报" not in html and "data-carry-copy" not in html
    assert re.search(r'name="percent" id="id_percent" value="85"', html)
    assert 'data-previous-percent="55"' in html


def test_done_task_form_starts_done(world):
    task = done_task(world)
    html = world.client("admin").get(f"/tasks/{task.pk}/").content.decode()
    assert selected(html, "status") == "done"
    assert re.search(r'name="percent" id="id_percent" value="100"', html)


def test_refused_regression_shows_the_reason_field_and_keeps_all_typed_text(world):
    lawyers = world.task.indicators.get(name="律师驻点")
    response = world.client("staff_lead").post(
        f"/tasks/{world.task.pk}/progress/",
        {
            "period": world.period(4).pk,
            "status": "in_progress",
            "percent": "80",
            "progress": "第四季度我写的进展。",
            "problems": "两个驻点撤回。",
            "next_steps": "十一月重建。",
            f"actual_{lawyers.pk}": "3",
            "version": "0",
        },
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200  # htmx swaps only 2xx answers
    assert "回退原因：完成进度低于上期（85%），请确认并填写原因。" in html  # the summary
    assert "data-regression hidden" not in html and 'name="regression_reason"' in html
    assert 'is-invalid" name="regression_reason"' in html
    for typed in (
        "第四季度我写的进展。</textarea>",
        "两个驻点撤回。</textarea>",
        "十一月重建。</textarea>",
    ):
        assert typed in html
    assert 'value="80"' in html and 'value="3"' in html
    assert not ProgressUpdate.objects.filter(task=world.task, period=world.period(4)).exists()


def test_regression_with_its_reason_saves_through_the_form(world):
    response = world.client("staff_lead").post(
        f"/tasks/{world.task.pk}/progress/",
        {
            "period": world.period(4).pk,
            "status": "in_progress",
            "percent": "80",
            "progress": "第四季度我写的进展。",
            "problems": "两个驻点撤回。",
            "regression_reason": "两个驻点撤回重建。",
            "version": "0",
        },
    )
    assert response.status_code == 302
    update = ProgressUpdate.objects.get(task=world.task, period=world.period(4))
    assert update.regression_reason == "两个驻点撤回重建。"
    # Editing it again shows the stored reason, and the box stays open.
    html = page(world)
    assert "两个驻点撤回重建。</textarea>" in html and "data-regression hidden" not in html


def count_hint(html: str, indicator_pk: int) -> str:
    hint = re.search(
        rf'<div class="form-text" id="id_actual_{indicator_pk}_before" data-carry-count'
        r"[^>]*>.*?</div>",
        html,
        re.S,
    )
    assert hint, f"no 此前累计 for indicator {indicator_pk}"
    return hint.group(0)


def test_count_inputs_show_the_total_of_every_earlier_period(world):
    indicators = {i.name: i for i in world.task.indicators.all()}
    html = page(world)
    lawyers = count_hint(html, indicators["律师驻点"].pk)
    assert "此前累计 20 个" in lawyers and 'data-before="20.00"' in lawyers
    assert "此前累计 85 场" in count_hint(html, indicators["法律服务活动"].pk)
    # For Q3 "此前" is Q1 and Q2 only.
    html = page(world, period=world.period(3).pk)
    assert "此前累计 13 个" in count_hint(html, indicators["律师驻点"].pk)


def approved_contribution(world, *, period: int, indicator, value: str) -> None:  # noqa: ANN001
    report = world.report(period=period)
    entry = world.entry(report)
    entry_save(
        entry=entry,
        user=world.user("reporter"),
        data=EntryInput(narrative="坂田法律服务。", contributions={indicator.pk: Decimal(value)}),
        expected_version=entry.version,
    )
    report_submit(report=report, user=world.user("reporter"))
    entry = ReportEntry.objects.get(pk=entry.pk)
    entry_review(
        entry=entry, user=world.user("staff_lead"), approve=True, expected_version=entry.version
    )


def test_count_inputs_add_units_approved_contributions_of_earlier_periods_only(world):
    lawyers = world.task.indicators.get(name="律师驻点")
    approved_contribution(world, period=3, indicator=lawyers, value="4")
    html = page(world)
    assert "此前累计 24 个" in count_hint(html, lawyers.pk)  # 6 + 7 + 7 + 坂田's Q3 4
    # The same Q3 contribution is "this period" on the Q3 form, not "before".
    hint = count_hint(page(world, period=world.period(3).pk), lawyers.pk)
    assert "此前累计 13 个（另有本期各单位已审核 4 个）" in hint
    assert 'data-units-in="4.00"' in hint


def test_rate_inputs_show_the_last_period_value(world):
    task = world.plan.tasks.get(number=11)  # lead 权益部 too
    rate = task.indicators.get(name="建会企业集体协商建制率")  # 85, 88, 91 % in Q1–Q3
    html = world.client("staff_lead").get(f"/tasks/{task.pk}/").content.decode()
    assert re.search(rf'id="id_actual_{rate.pk}_before" data-testid="carry-rate">上期 91%<', html)


# --- the API -------------------------------------------------------------------------------


def test_api_refuses_a_regression_without_a_reason_and_accepts_one_with_it(world):
    client = world.client("staff_lead")
    url = f"/api/v1/tasks/{world.task.pk}/progress/"
    body = {
        "period": world.period(4).pk,
        "status": "in_progress",
        "percent": 80,
        "progress": "接口填报的进展。",
        "problems": "两个驻点撤回。",
        "version": 0,
    }
    refused = client.post(url, body, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["errors"] == {
        "regression_reason": ["完成进度低于上期（85%），请确认并填写原因。"]
    }
    saved = client.post(
        url, {**body, "regression_reason": "两个驻点撤回重建。"}, content_type="application/json"
    )
    assert saved.status_code == 201
    assert saved.json()["regression_reason"] == "两个驻点撤回重建。"
