"""The unit workspace, review queue, grid and notifications as people use them."""

from __future__ import annotations

import datetime as dt

import pytest

from reports.models import EntryState
from tests.conftest import png


@pytest.fixture(autouse=True)
def pinned(settings):
    settings.UNIONPLAN_TODAY = dt.date(2024, 10, 20)


def test_workspace_shows_the_chosen_quarters_deadline_and_days_left(world):
    q4 = world.period(4)
    html = world.client("reporter").get(f"/reports/?period={q4.pk}").content.decode()
    assert "坂田街道总工会 · 2024年第四季度报表" in html
    assert "截止 2025年1月10日" in html and "还有 82 天" in html
    assert html.count('data-testid="entry"') == 29


def test_staff_and_leaders_are_sent_to_their_own_pages(world):
    assert world.client("staff_lead").get("/reports/")["Location"] == "/reviews/"
    assert world.client("leader").get("/reports/")["Location"] == "/reports/grid/"


def test_submit_with_empty_entries_lists_what_is_missing(world):
    report = world.report(fill=False)
    response = world.client("reporter").post(f"/reports/{report.pk}/submit/")
    html = response.content.decode()
    assert response.status_code == 400 and 'data-testid="missing"' in html
    assert "第 1 项“坚持以党的创新理论武装职工”：请填写工作情况" in html


def test_bad_contribution_is_named_and_typed_text_kept(world):
    report = world.report(fill=False)
    entry = world.entry(report)
    lawyers = world.task.indicators.get(name="律师驻点")
    response = world.client("reporter").post(
        f"/reports/entries/{entry.pk}/",
        {
            f"e{entry.pk}-narrative": "我的工作情况",
            f"e{entry.pk}-version": "1",
            f"e{entry.pk}-contribution_{lawyers.pk}": "abc",
        },
    )
    html = response.content.decode()
    assert response.status_code == 400 and "律师驻点" in html and "请输入数字" in html
    assert "我的工作情况</textarea>" in html


def test_wrong_file_type_is_refused_with_a_clear_message(world):
    entry = world.entry(world.report(fill=False))
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = world.client("reporter").post(
        f"/reports/entries/{entry.pk}/attachments/",
        {"file": SimpleUploadedFile("报告.pdf", b"<html>not a pdf</html>")},
    )
    html = response.content.decode()
    assert response.status_code == 400 and 'data-testid="upload-error"' in html
    assert "按文件内容而非扩展名判断" in html and not entry.attachments.exists()


def test_evidence_is_served_only_to_those_who_may_see_the_entry(world):
    attachment = world.submitted_attachment()
    url = f"/reports/attachments/{attachment.pk}/"
    response = world.client("staff_lead").get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    assert world.client("reporter_other").get(url).status_code == 404
    assert not attachment.file.name.startswith("static")


def test_review_queue_lists_submitted_entries_of_led_tasks_and_returns_with_reason(world):
    report = world.report(submit=True)
    entry = world.entry(report)
    staff = world.client("staff_lead")
    html = staff.get("/reviews/").content.decode()
    assert f'data-entry="{entry.pk}"' in html
    response = staff.post(
        f"/reports/entries/{entry.pk}/review/",
        {"decision": "return", "reason": "", "version": entry.version},
    )
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.state == EntryState.SUBMITTED  # a return without a reason is refused
    staff.post(
        f"/reports/entries/{entry.pk}/review/",
        {"decision": "return", "reason": "请补充照片", "version": entry.version},
    )
    entry.refresh_from_db()
    assert entry.state == EntryState.RETURNED
    html = world.client("reporter").get(f"/reports/{report.pk}/").content.decode()
    first = html.index('data-testid="entry"')
    assert 'data-state="returned"' in html[first : first + 200] and "请补充照片" in html


def test_unread_notifications_show_in_the_navigation(world):
    world.report(submit=True)
    html = world.client("staff_lead").get("/tasks/").content.decode()
    assert 'data-testid="unread-count"' in html
    page = world.client("staff_lead").get("/notifications/").content.decode()
    assert "坂田街道总工会提交了第四季度报表" in page


def test_grid_page_shows_states_rates_and_reminder_buttons(world):
    html = world.client("leader").get("/reports/grid/").content.decode()
    assert "报送率" in html and "及时率" in html and "催报" in html
    assert 'data-state="approved"' in html and 'data-state="overdue"' in html


def test_uploaded_evidence_appears_on_the_entry(world):
    entry = world.entry(world.report(fill=False))
    client = world.client("reporter")
    assert (
        client.post(
            f"/reports/entries/{entry.pk}/attachments/", {"file": png("照片一.png")}
        ).status_code
        == 302
    )
    html = client.get(f"/reports/{entry.report_id}/").content.decode()
    assert "照片一.png" in html


def test_task_page_lists_unit_entries_and_evidence_to_those_who_may_see_them(world):
    attachment = world.submitted_attachment()
    url = f"/tasks/{world.task.pk}/"
    lead = world.client("staff_lead").get(url).content.decode()
    assert 'data-testid="unit-entries"' in lead and attachment.original_name in lead
    other = world.client("reporter_other").get(url).content.decode()
    assert attachment.original_name not in other


def test_notifications_are_mailed_too_when_smtp_is_configured(
    world, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.EMAIL_ENABLED = True
    staff = world.user("staff_lead")
    staff.email = "qyb@lg.example"
    staff.save()
    with django_capture_on_commit_callbacks(execute=True):
        world.report(submit=True)
    assert any("坂田街道总工会提交了第四季度报表" in m.subject for m in mailoutbox)
    assert any("qyb@lg.example" in m.to for m in mailoutbox)
