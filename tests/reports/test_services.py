"""Unit reports: filling, evidence, submitting, reviewing, counting and timeliness."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from reports.models import Attachment, EntryState, PeriodReopening, ReportEntry
from reports.selectors import report_status, submission_grid
from reports.services import (
    EntryInput,
    attachment_add,
    entry_review,
    entry_save,
    report_open,
    report_submit,
)
from tasks.models import KeyTask
from tasks.selectors import task_queryset_with_progress, task_state
from tasks.services import ConflictError
from tests.conftest import png


def lawyers_state(world):  # noqa: ANN001,ANN201
    task = task_queryset_with_progress(KeyTask.objects.filter(pk=world.task.pk)).get()
    state = task_state(task, dt.date(2024, 10, 20))
    return next(s for s in state.indicators if s.indicator.name == "律师驻点")


def test_report_has_one_entry_for_each_task_the_unit_takes_part_in(world):
    report = world.report(fill=False)
    tasks = set(
        KeyTask.objects.filter(participants__unit__name="坂田街道总工会").values_list(
            "number", flat=True
        )
    )
    assert set(report.entries.values_list("task__number", flat=True)) == tasks
    assert len(tasks) == 29  # every task but 24 (区总各部室 only)
    assert (
        report_open(unit=report.unit, period=report.period, user=world.user("reporter")) == report
    )


def test_only_the_units_own_reporter_opens_its_report(world):
    for role in ("reporter_other", "staff_lead", "leader", "admin"):
        with pytest.raises(PermissionDenied):
            report_open(
                unit=world.user("reporter").unit, period=world.period(4), user=world.user(role)
            )


def test_submit_lists_what_is_missing_and_changes_nothing(world):
    report = world.report(fill=False)
    entry = world.entry(report)
    entry_save(
        entry=entry,
        user=world.user("reporter"),
        expected_version=1,
        data=EntryInput(narrative="只填了一项。"),
    )
    with pytest.raises(ValidationError) as info:
        report_submit(report=report, user=world.user("reporter"))
    missing = info.value.message_dict["entries"]
    assert len(missing) == 28 and "请填写工作情况" in missing[0]
    assert not report.entries.exclude(state=EntryState.DRAFT).exists()


def test_negative_or_too_large_contributions_are_refused(world):
    report = world.report(fill=False)
    entry = world.entry(report)
    lawyers = world.task.indicators.get(name="律师驻点")
    with pytest.raises(ValidationError) as info:
        entry_save(
            entry=entry,
            user=world.user("reporter"),
            expected_version=1,
            data=EntryInput(narrative="x", contributions={lawyers.pk: Decimal(-2)}),
        )
    assert "不能为负数" in info.value.message_dict[f"contribution_{lawyers.pk}"][0]
    entry.refresh_from_db()
    assert entry.narrative == "" and not entry.contributions.exists()


def test_after_submission_the_unit_cannot_edit(world):
    report = world.report(submit=True)
    entry = world.entry(report)
    with pytest.raises(ValidationError, match="待审核"):
        entry_save(
            entry=entry,
            user=world.user("reporter"),
            expected_version=entry.version,
            data=EntryInput(narrative="改一下"),
        )


def test_only_approved_contributions_count_and_submitted_ones_show_as_pending(world):
    reporter = world.user("reporter")
    report = world.report(fill=True)
    entry = world.entry(report)
    lawyers = world.task.indicators.get(name="律师驻点")
    before = lawyers_state(world)
    entry_save(
        entry=entry,
        user=reporter,
        expected_version=entry.version,
        data=EntryInput(narrative="新设律师驻点 2 个。", contributions={lawyers.pk: Decimal(2)}),
    )
    report_submit(report=report, user=reporter)
    pending = lawyers_state(world)
    assert pending.actual == before.actual and pending.pending == 2
    entry.refresh_from_db()
    entry_review(
        entry=entry, user=world.user("staff_lead"), approve=True, expected_version=entry.version
    )
    approved = lawyers_state(world)
    assert approved.actual == before.actual + 2 and not approved.pending


def test_returned_entry_can_be_fixed_and_resubmitted(world):
    reporter, staff = world.user("reporter"), world.user("staff_lead")
    report = world.report(submit=True)
    entry = world.entry(report)
    with pytest.raises(ValidationError):
        entry_review(
            entry=entry, user=staff, approve=False, reason=" ", expected_version=entry.version
        )
    entry = entry_review(
        entry=entry,
        user=staff,
        approve=False,
        reason="请补充活动照片。",
        expected_version=entry.version,
    )
    assert entry.state == EntryState.RETURNED
    assert report_status(list(report.entries.values_list("state", flat=True)))[0] == "returned"
    entry = entry_save(
        entry=entry,
        user=reporter,
        expected_version=entry.version,
        data=EntryInput(narrative="已补充照片。"),
    )
    attachment_add(entry=entry, user=reporter, upload=png())
    report_submit(report=report, user=reporter)
    entry.refresh_from_db()
    assert entry.state == EntryState.SUBMITTED and entry.return_reason == ""


def test_two_reviewers_acting_at_once_cannot_both_win(world):
    report = world.report(submit=True)
    entry = world.entry(report)
    version = entry.version
    entry_review(entry=entry, user=world.user("staff_lead"), approve=True, expected_version=version)
    with pytest.raises(ConflictError):
        entry_review(
            entry=entry,
            user=world.user("admin"),
            approve=False,
            reason="不行",
            expected_version=version,
        )
    entry.refresh_from_db()
    assert entry.state == EntryState.APPROVED


def test_a_department_that_does_not_lead_the_task_cannot_review(world):
    entry = world.entry(world.report(submit=True))
    for role in ("staff_other", "leader", "reporter"):
        with pytest.raises(PermissionDenied):
            entry_review(
                entry=entry, user=world.user(role), approve=True, expected_version=entry.version
            )


def test_submission_after_the_due_date_is_marked_late(world, settings):
    settings.UNIONPLAN_TODAY = dt.date(2025, 1, 15)  # Q4 was due on 10 January
    report = world.report(submit=True)
    report.refresh_from_db()
    assert report.is_late


def test_locked_period_refuses_until_reopened_for_the_unit(world, settings):
    settings.UNIONPLAN_TODAY = dt.date(2025, 1, 20)
    report = world.report()
    period = report.period
    period.is_locked = True
    period.save()
    with pytest.raises(ValidationError, match="已锁定"):
        report_submit(report=report, user=world.user("reporter"))
    PeriodReopening.objects.create(
        period=period, unit=report.unit, until=dt.date(2025, 1, 25), reopened_by=world.user("admin")
    )
    report_submit(report=report, user=world.user("reporter"))
    assert report.entries.filter(state=EntryState.SUBMITTED).count() == 29


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<document/>")
    return buffer.getvalue()


def test_evidence_type_is_judged_by_content_not_by_name(world):
    entry = world.entry(world.report(fill=False))
    reporter = world.user("reporter")
    fake = SimpleUploadedFile("照片.png", b"MZ\x90\x00 this is an exe", content_type="image/png")
    with pytest.raises(ValidationError, match="按文件内容"):
        attachment_add(entry=entry, user=reporter, upload=fake)
    word = attachment_add(
        entry=entry, user=reporter, upload=SimpleUploadedFile("总结.bin", docx_bytes())
    )
    assert word.content_type.endswith("wordprocessingml.document")
    assert Attachment.objects.filter(entry=entry).count() == 1


def test_size_and_count_limits(world, settings):
    entry = world.entry(world.report(fill=False))
    reporter = world.user("reporter")
    settings.UNIONPLAN_ATTACHMENT_MAX_BYTES = 50
    with pytest.raises(ValidationError, match="超过"):
        attachment_add(
            entry=entry,
            user=reporter,
            upload=SimpleUploadedFile("大.pdf", b"%PDF-1.4" + b"0" * 100),
        )
    settings.UNIONPLAN_ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024
    for _ in range(10):
        attachment_add(entry=entry, user=reporter, upload=png())
    with pytest.raises(ValidationError, match="最多上传 10 个"):
        attachment_add(entry=entry, user=reporter, upload=png())


def test_grid_shows_each_units_state_and_the_rates(world, settings):
    settings.UNIONPLAN_TODAY = dt.date(2025, 1, 5)  # 坂田 submits on time…
    report = world.report(submit=True)
    today = dt.date(2025, 1, 12)  # …and the grid is read after Q4's due date
    entry = world.entry(report)
    entry_review(
        entry=entry,
        user=world.user("staff_lead"),
        approve=False,
        reason="补充",
        expected_version=entry.version,
    )
    grid = submission_grid(world.plan, today)
    q4 = world.period(4)
    cells = {c["unit"].name: c["state"] for (u, p), c in grid.cells.items() if p == q4.pk}
    assert cells["坂田街道总工会"] == "returned" and cells["平湖街道总工会"] == "overdue"
    units = len(grid.units)
    assert grid.rates[q4.pk]["reporting"] == round(100 / units, 1)
    assert grid.rates[q4.pk]["on_time"] == round(100 / units, 1)


def test_report_state_follows_from_its_entries():
    d, s, a, r = EntryState.DRAFT, EntryState.SUBMITTED, EntryState.APPROVED, EntryState.RETURNED
    assert report_status([d, d])[0] == "draft"
    assert report_status([s, a])[0] == "submitted"
    assert report_status([a, r])[0] == "returned"
    assert report_status([a, a])[0] == "approved"


def test_entries_of_a_draft_are_never_shown_to_another_unit(world):
    entry = world.entry(world.report(fill=True))
    other = world.client("reporter_other")
    assert other.get(f"/reports/{entry.report_id}/").status_code == 404
    assert other.get(f"/api/v1/entries/{entry.pk}/").status_code == 404
    assert ReportEntry.objects.filter(pk=entry.pk).exists()
