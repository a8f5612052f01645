"""The reporter's report page: the due report opens first, entries save themselves (JSON),
本期不涉及 and 沿用上期, several files at once, and a submit that names what is missing.

Today is pinned to the demo's date, 2024-10-20: 坂田's 第三季度 (due 10 October) is overdue and
not submitted; 平湖 submitted its 第三季度 and had one entry returned; 第四季度 is open.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from reports import selectors, services
from reports.models import Contribution, EntryState, ReportEntry, UnitReport
from reports.services import EntryInput
from tasks.models import Indicator, IndicatorKind, KeyTask, TaskParticipant
from tests.conftest import png

JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture(autouse=True)
def pinned(settings):
    settings.UNIONPLAN_TODAY = dt.date(2024, 10, 20)


def heading(html: str) -> str:
    start = html.index("<h1")
    return html[html.index(">", start) + 1 : html.index("</h1>", start)]


def entry_form_data(entry: ReportEntry, **fields: str) -> dict[str, str]:
    prefix = f"e{entry.pk}-"
    data = {f"{prefix}narrative": "", f"{prefix}version": str(entry.version)}
    data.update({prefix + k: v for k, v in fields.items()})
    return data


# --- which report opens ----------------------------------------------------------------------


def test_overdue_quarter_opens_before_the_current_one(world):
    html = world.client("reporter").get("/reports/").content.decode()
    assert "坂田街道总工会 · 2024年第三季度报表" in heading(html)
    assert "已过截止日 10 天" in html


def test_unit_with_a_returned_entry_is_taken_to_that_report(world):
    pinghu = world.client("reporter").__class__()
    from departments.models import User

    pinghu.force_login(User.objects.get(username="pinghu"))
    html = pinghu.get("/reports/").content.decode()
    assert "平湖街道总工会 · 2024年第三季度报表" in heading(html)
    assert "2024年第三季度报表有 1 个条目被退回" in html


def test_when_nothing_is_owed_the_current_quarter_opens(world):
    world.report(period=3, submit=True)
    html = world.client("reporter").get("/reports/").content.decode()
    assert "2024年第四季度报表" in heading(html)
    assert 'data-testid="due-banner"' not in html


def test_red_banner_on_every_reporter_page_links_to_the_due_report(world):
    q3 = world.period(3)
    for path in ("/plans/2024/", "/tasks/", "/notifications/"):
        html = world.client("reporter").get(path).content.decode()
        assert 'data-testid="due-banner"' in html, path
        assert "2024年第三季度报表已逾期 10 天未报" in html
        assert f"/reports/?period={q3.pk}" in html
    assert (
        'data-testid="due-banner"' not in world.client("staff_lead").get("/tasks/").content.decode()
    )


def test_due_reports_skip_a_locked_period_unless_reopened_for_the_unit(world):
    unit = world.user("reporter").unit
    q3 = world.period(3)
    q3.is_locked = True
    q3.save()
    assert (
        selectors.reports_due_for_unit(plan=world.plan, unit=unit, today=dt.date(2024, 10, 20))
        == []
    )
    from reports.models import PeriodReopening

    PeriodReopening.objects.create(
        period=q3, unit=unit, until=dt.date(2024, 10, 25), reopened_by=world.user("admin")
    )
    due = selectors.reports_due_for_unit(plan=world.plan, unit=unit, today=dt.date(2024, 10, 20))
    assert [d.period for d in due] == [q3]


# --- saving as one types (JSON) --------------------------------------------------------------


def test_entry_saves_as_json_and_reports_its_time_and_version(world):
    report = world.report(period=3, fill=False)
    entry = world.entry(report)
    response = world.client("reporter").post(
        f"/reports/entries/{entry.pk}/",
        entry_form_data(entry, narrative="坂田新增律师驻点 1 个。"),
        **JSON,
    )
    assert response.status_code == 200
    body = response.json()
    assert body["ok"] and body["answered"] and body["version"] == entry.version + 1
    entry.refresh_from_db()
    assert entry.narrative == "坂田新增律师驻点 1 个。" and entry.saved_at is not None
    assert len(body["saved_at"]) == 5 and body["saved_at"][2] == ":"  # "10:32", Asia/Shanghai


def test_a_stale_save_is_refused_with_both_texts(world):
    report = world.report(period=3, fill=False)
    entry = world.entry(report)
    client = world.client("reporter")
    first = entry_form_data(entry, narrative="在第一个标签页写的。")
    second = entry_form_data(entry, narrative="在第二个标签页写的。")
    assert client.post(f"/reports/entries/{entry.pk}/", first, **JSON).status_code == 200
    response = client.post(f"/reports/entries/{entry.pk}/", second, **JSON)
    assert response.status_code == 409
    body = response.json()
    assert body["conflict"] and "未保存" in body["message"]
    assert body["current"]["narrative"] == "在第一个标签页写的。"
    entry.refresh_from_db()
    assert entry.narrative == "在第一个标签页写的。"


def test_a_bad_figure_is_named_in_chinese_and_nothing_is_saved(world):
    report = world.report(period=3, fill=False)
    entry = world.entry(report)
    indicator = entry.task.indicators.filter(kind=IndicatorKind.COUNT).first()
    data = entry_form_data(entry, narrative="已开展。", **{f"contribution_{indicator.pk}": "两个"})
    response = world.client("reporter").post(f"/reports/entries/{entry.pk}/", data, **JSON)
    assert response.status_code == 400
    body = response.json()
    assert not body["ok"] and "请输入数字" in body["message"] and indicator.name in body["message"]
    entry.refresh_from_db()
    assert entry.narrative == ""


# --- 本期不涉及 and 沿用上期 -------------------------------------------------------------------


def test_not_applicable_counts_as_answered_needs_a_reason_and_contributes_nothing(world):
    reporter = world.user("reporter")
    report = world.report(period=3, fill=True)
    entry = world.entry(report)
    indicator = entry.task.indicators.filter(kind=IndicatorKind.COUNT).first()
    entry = services.entry_save(
        entry=entry,
        user=reporter,
        expected_version=entry.version,
        data=EntryInput(narrative="", contributions={indicator.pk: Decimal(3)}),
    )
    assert Contribution.objects.filter(entry=entry).count() == 1
    entry = services.entry_save(
        entry=entry,
        user=reporter,
        expected_version=entry.version,
        data=EntryInput(
            narrative="",
            not_applicable=True,
            contributions={indicator.pk: Decimal(3)},
        ),
    )
    assert Contribution.objects.filter(entry=entry).count() == 0  # contributes nothing
    missing = services.report_missing(report)
    assert missing == [f"第 10 项“{entry.task.title}”：已选“本期不涉及”，请填写原因"]
    entry = services.entry_save(
        entry=entry,
        user=reporter,
        expected_version=entry.version,
        data=EntryInput(narrative="", not_applicable=True, not_applicable_reason="本季度无驻点"),
    )
    assert services.report_missing(report) == []
    services.report_submit(report=report, user=reporter)
    entry.refresh_from_db()
    assert entry.state == EntryState.SUBMITTED and entry.not_applicable


def test_not_applicable_is_shown_to_the_reviewer(world):
    reporter = world.user("reporter")
    report = world.report(period=3, fill=True)
    entry = world.entry(report)
    services.entry_save(
        entry=entry,
        user=reporter,
        expected_version=entry.version,
        data=EntryInput(narrative="", not_applicable=True, not_applicable_reason="本季度无驻点"),
    )
    services.report_submit(report=report, user=reporter)
    html = world.client("staff_lead").get(f"/reports/{report.pk}/").content.decode()
    assert "本期不涉及：本季度无驻点" in html


def test_previous_quarters_text_is_offered_for_each_entry(world):
    report = world.report(period=3, fill=False)
    q2 = UnitReport.objects.get(unit=report.unit, period=world.period(2))
    q2_entry = q2.entries.get(task=world.task)
    html = world.client("reporter").get(f"/reports/{report.pk}/").content.decode()
    start = html.index('id="previous-narratives"')
    data = json.loads(html[html.index(">", start) + 1 : html.index("</script>", start)])
    assert data[str(world.entry(report).pk)] == q2_entry.narrative
    assert html.count('data-testid="copy-previous"') == len(data)
    assert 'data-testid="copy-all-previous"' in html


def test_first_quarter_has_nothing_to_copy(world):
    from departments.models import User

    gangtou = User.objects.get(username="gangtou")
    report = services.report_open(unit=gangtou.unit, period=world.period(1), user=gangtou)
    assert selectors.previous_narratives(report) == {}


# --- evidence ---------------------------------------------------------------------------------


def test_several_files_upload_at_once_and_a_bad_one_is_named(world):
    report = world.report(period=3, fill=False)
    entry = world.entry(report)
    bad = SimpleUploadedFile("名单.png", b"not really a picture", content_type="image/png")
    response = world.client("reporter").post(
        f"/reports/entries/{entry.pk}/attachments/",
        {"file": [png("一.png"), png("二.png"), bad]},
        **JSON,
    )
    assert response.status_code == 400
    body = response.json()
    assert len(body["html"]) == 2 and "名单.png" in body["errors"][0]
    assert sorted(entry.attachments.values_list("original_name", flat=True)) == ["一.png", "二.png"]
    assert "<img" in body["html"][0]


def test_uploading_does_not_touch_the_narrative(world):
    report = world.report(period=3, fill=False)
    entry = world.entry(report)
    world.client("reporter").post(
        f"/reports/entries/{entry.pk}/", entry_form_data(entry, narrative="先写的文字。"), **JSON
    )
    world.client("reporter").post(
        f"/reports/entries/{entry.pk}/attachments/",
        {"file": SimpleUploadedFile("x.png", b"bad", content_type="image/png")},
        **JSON,
    )
    entry.refresh_from_db()
    assert entry.narrative == "先写的文字。"


def test_evidence_is_deleted_through_json(world):
    attachment = world.attachment()
    response = world.client("reporter").post(
        f"/reports/attachments/{attachment.pk}/delete/", **JSON
    )
    assert response.status_code == 200 and response.json() == {"ok": True}
    assert not type(attachment).objects.filter(pk=attachment.pk).exists()


# --- submitting ---------------------------------------------------------------------------------


def test_check_lists_missing_entries_with_their_ids(world):
    report = world.report(period=3, fill=False)
    body = world.client("reporter").get(f"/reports/{report.pk}/check/").json()
    assert not body["can_submit"] and body["count"] == 29
    assert len(body["missing"]) == 29
    first = report.entries.order_by("task__number").first()
    assert body["missing"][0]["entry"] == first.pk
    assert body["missing"][0]["message"].startswith("第 1 项")


def test_check_says_yes_when_everything_is_answered(world):
    report = world.report(period=3, fill=True)
    body = world.client("reporter").get(f"/reports/{report.pk}/check/").json()
    assert body == {"can_submit": True, "count": 29, "missing": [], "warnings": []}


def test_check_is_only_for_the_units_own_reporter(world):
    report = world.report(period=3, fill=True)
    assert world.client("staff_lead").get(f"/reports/{report.pk}/check/").status_code == 404
    assert world.client("leader").get(f"/reports/{report.pk}/check/").status_code == 403


def test_refused_submit_lists_missing_entries_as_links(world):
    report = world.report(period=3, fill=False)
    response = world.client("reporter").post(f"/reports/{report.pk}/submit/")
    html = response.content.decode()
    assert response.status_code == 400
    first = report.entries.order_by("task__number").first()
    assert f'href="#entry-{first.pk}"' in html
    assert "请先补全以下 29 项" in html


# --- query counts ---------------------------------------------------------------------------------


def _report_page_queries(world, django_assert_max_num_queries, report_id: int) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = world.client("reporter")
    with CaptureQueriesContext(connection) as captured:
        assert client.get(f"/reports/{report_id}/").status_code == 200
    return len(captured)


def test_report_page_queries_do_not_grow_with_entries(world, django_assert_max_num_queries):
    report = world.report(period=3, fill=True)
    for entry in report.entries.all()[:3]:
        world.attachment(entry)
    before = _report_page_queries(world, django_assert_max_num_queries, report.pk)
    # Ten times the entries: 261 more tasks the unit takes part in, each with an indicator.
    section = world.task.section
    from history.recording import Source, recording

    with recording(actor=None, source=Source.SYSTEM, verb="准备测试数据"):
        for n in range(100, 361):
            task = KeyTask(
                plan=world.plan,
                section=section,
                number=n,
                title=f"任务{n}",
                due_date=world.task.due_date,
            )
            task.save()
            TaskParticipant.objects.create(task=task, unit=report.unit, group="")
            Indicator(task=task, name=f"指标{n}", measure_unit="场", target=5, order=1).save()
    services.report_open(unit=report.unit, period=report.period, user=world.user("reporter"))
    assert report.entries.count() == 290
    after = _report_page_queries(world, django_assert_max_num_queries, report.pk)
    assert after == before, (before, after)


def test_locked_report_says_whom_to_contact_and_reopened_one_says_until_when(world):
    from reports.models import PeriodReopening

    admin = world.user("admin")
    admin.phone = "0755-28900000"
    admin.save()
    report = world.report(period=3, fill=False)
    q3 = report.period
    q3.is_locked = True
    q3.save()
    html = world.client("reporter").get(f"/reports/{report.pk}/").content.decode()
    assert 'data-testid="locked"' in html and "如需补报，请联系系统管理员" in html
    assert "0755-28900000" in html and 'data-testid="entry-form"' not in html
    PeriodReopening.objects.create(
        period=q3, unit=report.unit, until=dt.date(2024, 10, 25), reopened_by=admin
    )
    html = world.client("reporter").get(f"/reports/{report.pk}/").content.decode()
    assert "已为本单位开放至 10月25日" in html and 'data-testid="entry-form"' in html
