"""The quarterly workbook: sheets, cells, colours, print set-up, safety and failures."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from exports.formatters import build_quarterly_workbook
from exports.jobs import run_export_job
from exports.readers import workbook_data
from exports.services import report_job_request, report_job_run, report_jobs_sweep
from reports.models import JobStatus, ReportJob
from tasks.models import KeyTask, WorkPlan
from tasks.services import ProgressInput, progress_save


def workbook(world, period=3, tasks=None):  # noqa: ANN001,ANN201
    data = workbook_data(
        period=world.period(period), tasks=tasks or KeyTask.objects.filter(plan=world.plan)
    )
    return load_workbook(io.BytesIO(build_quarterly_workbook(data)))


def find_row(ws, number: int) -> int:  # noqa: ANN001
    for row in ws.iter_rows(min_row=3):
        if row[0].value == number:
            return row[0].row
    raise AssertionError(f"task {number} not in sheet")


def test_workbook_has_its_sheets_title_and_one_row_per_task(world):
    wb = workbook(world)
    assert wb.sheetnames == ["封面", "总表", "量化指标", "分部室", "分街道", "图表"]
    assert wb["封面"]["A1"].value == "龙岗区总工会2024年重点工作第三季度推进情况表"
    ws = wb["总表"]
    assert [c.value for c in ws[2]] == [
        "序号",
        "重点工作",
        "牵头部室",
        "参与单位",
        "年度目标",
        "本季度进展",
        "累计完成情况",
        "状态",
        "存在问题",
        "下一步计划",
    ]
    numbers = [r[0].value for r in ws.iter_rows(min_row=3) if isinstance(r[0].value, int)]
    assert numbers == list(range(1, 31))
    assert "A1:J1" in [str(m) for m in ws.merged_cells.ranges]
    row = find_row(ws, 14)
    assert ws.cell(row, 3).value == "办公室、宣教部、权益部"
    assert "第三季度，办公室牵头推进" in ws.cell(row, 6).value


def test_red_task_status_cell_is_filled_red_and_styles_are_set(world, settings):
    settings.UNIONPLAN_TODAY = dt.date(2024, 10, 20)
    ws = workbook(world)["总表"]
    row = find_row(ws, 8)  # red at the end of Q3: its nodes expect 90 %, it stands at 50 %
    status = ws.cell(row, 8)
    assert status.value == "严重滞后"
    assert status.fill.fgColor.rgb.endswith("C0392B")
    assert ws.cell(row, 6).alignment.wrap_text and ws.cell(row, 6).border.left.style == "thin"


def test_print_set_up_is_ready_for_a_clerk(world):
    ws = workbook(world)["总表"]
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == "$1:$2" and ws.freeze_panes == "A3"
    assert "&P" in ws.oddFooter.center.text and ws.column_dimensions["F"].width >= 30


def test_user_text_is_never_turned_into_a_formula(world):
    narrative = '=HYPERLINK("http://evil.example","点此")'
    progress_save(
        task=world.task,
        period=world.period(3),
        user=world.user("staff_lead"),
        data=ProgressInput(
            status="in_progress", percent=90, progress=narrative, problems="+1 -1 @SUM(A1)"
        ),
        expected_version=world.task.updates.get(period=world.period(3)).version,
    )
    ws = workbook(world)["总表"]
    row = find_row(ws, 10)
    cell = ws.cell(row, 6)
    assert cell.value == narrative and cell.data_type == "s"
    assert ws.cell(row, 9).value == "+1 -1 @SUM(A1)" and ws.cell(row, 9).data_type == "s"


def test_indicator_sheet_has_each_quarter_and_the_cumulative(world):
    ws = workbook(world)["量化指标"]
    header = [c.value for c in ws[2]]
    assert header[3:7] == ["第一季度", "第二季度", "第三季度", "第四季度"]
    lawyers = next(r for r in ws.iter_rows(min_row=3) if r[1].value == "律师驻点")
    assert lawyers[2].value == "≥ 22 个" and lawyers[7].value == sum(
        v.value or 0 for v in lawyers[3:7]
    )


def test_a_period_without_data_yields_a_workbook_that_says_so(world):
    plan = WorkPlan.objects.create(year=2027, title="2027年工作要点", status="active")
    from tasks.services import periods_ensure_quarters

    period = periods_ensure_quarters(plan=plan)[0]
    data = workbook_data(period=period, tasks=KeyTask.objects.filter(plan=plan))
    wb = load_workbook(io.BytesIO(build_quarterly_workbook(data)))
    assert wb["总表"]["A3"].value == "本季度没有可汇总的数据。"
    assert any("没有重点工作" in (c.value or "") for row in wb["封面"].iter_rows() for c in row)


def test_running_a_job_twice_leaves_one_file_and_one_done_record(world):
    job = report_job_request(period=world.period(3), user=world.user("leader"))
    first = report_job_run(job.pk)
    second = report_job_run(job.pk)
    assert first.status == second.status == JobStatus.DONE and second.attempts == 1
    assert first.file.name == second.file.name and first.file.storage.exists(first.file.name)


def test_a_failed_job_records_its_reason_and_keeps_no_file(world, settings, tmp_path):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings.MEDIA_ROOT = str(blocker)  # saving the file fails for real
    job = report_job_request(period=world.period(3), user=world.user("leader"))
    run_export_job.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error and not job.file


def test_reporters_may_not_request_a_workbook(world):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        report_job_request(period=world.period(3), user=world.user("reporter"))


def test_sweeper_queues_again_jobs_stuck_past_the_limit(world):
    job = report_job_request(period=world.period(3), user=world.user("leader"))
    ReportJob.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, started_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
    )
    assert report_jobs_sweep(stale_after=dt.timedelta(minutes=10)) == 1
    job.refresh_from_db()
    assert job.status == JobStatus.QUEUED


def test_control_characters_pasted_from_word_do_not_break_the_workbook(world):
    """Shift+Enter in Word pastes U+000B, which openpyxl refuses: it becomes a line break."""
    progress_save(
        task=world.task,
        period=world.period(3),
        user=world.user("staff_lead"),
        data=ProgressInput(
            status="in_progress",
            percent=90,
            progress="第一行\x0b第二行\x01",
            problems="无\x0c",
        ),
        expected_version=world.task.updates.get(period=world.period(3)).version,
    )
    ws = workbook(world)["总表"]
    row = find_row(ws, 10)
    assert ws.cell(row, 6).value == "第一行\n第二行"
