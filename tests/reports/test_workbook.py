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
    for row in ws.iter_rows(min_row=4):
        if row[0].value == number:
            return row[0].row
    raise AssertionError(f"task {number} not in sheet")


def test_workbook_has_its_sheets_title_and_one_row_per_task(world):
    wb = workbook(world)
    assert wb.sheetnames == ["封面", "总表", "量化指标", "分部室", "分街道", "单位贡献", "图表"]
    assert wb["封面"]["A1"].value == "龙岗区总工会2024年重点工作第三季度推进情况表"
    ws = wb["总表"]
    assert ws["A1"].value == "龙岗区总工会2024年重点工作第三季度推进情况表（全部重点工作）"
    assert ws["A2"].value == "状态按 2024年9月30日计（季度末）"
    assert [c.value for c in ws[3]] == [
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
    numbers = [r[0].value for r in ws.iter_rows(min_row=4) if isinstance(r[0].value, int)]
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
    wb = workbook(world)
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert ws.oddFooter.center.text == "第 &P 页，共 &N 页", ws.title
        assert "（全部重点工作）" in ws.oddFooter.left.text, ws.title
    ws = wb["总表"]
    assert ws.print_title_rows == "$1:$3" and ws.freeze_panes == "A4"
    assert ws.column_dimensions["F"].width >= 25  # 本季度进展, the widest column
    cover = wb["封面"]
    assert cover.page_setup.fitToHeight == 1  # the cover is one page
    for name in ("图表",):
        assert wb[name].page_setup.fitToHeight == 1 and wb[name].print_area


def test_the_summary_prints_at_a_readable_size_on_a_4_landscape(world):
    """The columns' printed width fits A4 landscape (785 pt between the margins) at 100 %, so
    fit-to-width does not shrink the 10 pt text; nothing is written smaller than 10 pt."""
    from exports.formatters import PAGE_WIDTH_PT, printed_width

    wb = workbook(world)
    for ws in wb.worksheets[1:]:
        if ws.title in ("总表", "量化指标", "分部室", "分街道"):
            widths = [ws.column_dimensions[c.column_letter].width for c in ws[3]]
            assert len(widths) <= 12, ws.title
            assert printed_width(widths) <= PAGE_WIDTH_PT, ws.title
        sizes = {c.font.sz for row in ws.iter_rows() for c in row if c.value is not None}
        assert min(sizes) >= 10, (ws.title, sizes)


def test_rows_are_as_tall_as_their_wrapped_text(world):
    """A long progress text makes its row tall enough for every line (about 13 characters a
    line in 本季度进展 at 10 pt, 14.5 pt a line); a short one keeps a short row."""
    long_text = "本季度开展专项行动，覆盖全区各街道。" * 12  # 216 characters
    progress_save(
        task=world.task,
        period=world.period(3),
        user=world.user("staff_lead"),
        data=ProgressInput(
            status="in_progress", percent=90, progress=long_text, problems="人手紧张。"
        ),
        expected_version=world.task.updates.get(period=world.period(3)).version,
    )
    ws = workbook(world)["总表"]
    row = find_row(ws, 10)
    assert ws.cell(row, 6).value == long_text
    assert ws.row_dimensions[row].height >= 216 / 14 * 14.5
    other = find_row(ws, 1)
    assert 20 <= ws.row_dimensions[other].height < ws.row_dimensions[row].height / 2
    for r in range(4, ws.max_row + 1):  # every row has a height, none is left to one line
        assert ws.row_dimensions[r].height, r


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
    header = [c.value for c in ws[3]]
    assert header[3:7] == ["第一季度", "第二季度", "第三季度", "第四季度"]
    lawyers = next(r for r in ws.iter_rows(min_row=4) if r[1].value == "律师驻点")
    assert lawyers[2].value == "≥ 22 个" and lawyers[7].value == sum(
        v.value or 0 for v in lawyers[3:7]
    )


def test_a_period_without_data_yields_a_workbook_that_says_so(world):
    plan = WorkPlan.objects.create(year=2027, title="2027年工作要点", status="active")
    from tasks.services import periods_ensure_quarters

    period = periods_ensure_quarters(plan=plan)[0]
    data = workbook_data(period=period, tasks=KeyTask.objects.filter(plan=plan))
    wb = load_workbook(io.BytesIO(build_quarterly_workbook(data)))
    assert wb["总表"]["A4"].value == "本季度没有可汇总的数据。"
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


def test_every_sheet_names_its_scope_and_the_date_its_colours_stand_at(world):
    """A department's workbook says so in every title; the cover says the dashboard differs."""
    from departments.models import Unit
    from exports.readers import quarterly_read

    job = ReportJob(period=world.period(3), department=Unit.objects.get(name="宣教部"))
    data = quarterly_read(job)
    wb = load_workbook(io.BytesIO(build_quarterly_workbook(data)))
    for ws in wb.worksheets[1:]:
        assert ws["A1"].value.endswith("（宣教部牵头）"), ws.title
        assert ws["A2"].value.startswith("状态按 2024年9月30日计（季度末）"), ws.title
    cover = [str(c.value) for row in wb["封面"].iter_rows() for c in row if c.value]
    assert "（宣教部牵头）" in cover
    assert any("驾驶舱显示的是今天的状态" in text for text in cover)


def test_units_sheet_has_one_row_per_unit_with_its_timeliness(world):
    ws = workbook(world)["分街道"]
    header = [c.value for c in ws[3]]
    assert header == ["序号", "单位", "类型", "报送状态", "提交时间", "逾期", "考核得分", "排名"]
    rows = {r[1].value: [c.value for c in r] for r in ws.iter_rows(min_row=4)}
    assert len(rows) == 14 and ws.max_column <= 12
    assert rows["平湖街道总工会"][2] == "街道" and rows["平湖街道总工会"][5] == "按时"
    assert rows["龙岗区建筑业工会联合会"][2] == "行业"
    late = rows["布吉街道总工会"]
    assert late[3] == "逾期提交" and late[5].startswith("逾期 ") and late[5].endswith(" 天")
    assert any(str(r[5]).startswith("未报送，逾期") for r in rows.values())


def test_contributions_list_only_units_and_indicators_that_have_any(world):
    """The per-indicator table leaves out units and indicators with nothing approved and says
    how many; a block never has more than eight units, plus the indicator column."""
    ws = workbook(world)["单位贡献"]
    note = ws["A3"].value
    assert "未列出：13 个单位本季度没有经审核通过的贡献" in note
    # 22: task 16's 每季度开展1次 is a cadence indicator (频次), not a count
    assert "22 项计数指标本季度没有单位贡献" in note
    header = [c.value for c in ws[4] if c.value]
    assert header == ["重点工作序号. 指标", "平湖街道总工会"]
    labels = [r[0].value for r in ws.iter_rows(min_row=5) if r[0].value]
    assert "11. 劳资沟通专项业务培训" in labels and any(v.startswith("三、") for v in labels)
    assert ws.max_column <= 9


def test_charts_use_the_status_colours_and_a_progress_axis_from_zero(world):
    from tasks.status import COLOUR_HEX, COLOUR_ORDER

    ws = workbook(world)["图表"]
    pie, bar = ws._charts
    fills = [str(p.graphicalProperties.solidFill.srgbClr) for p in pie.series[0].dPt]
    assert fills == [COLOUR_HEX[c].lstrip("#").upper() for c in COLOUR_ORDER]
    assert bar.y_axis.scaling.min == 0 and bar.y_axis.scaling.max == 1
    assert pie.title is not None and bar.title is not None
    assert ws.print_area == "'图表'!$A$1:$J$29"
    assert pie.anchor._from.row >= 2 and bar.anchor._from.row >= 2  # below the titles


def test_reading_the_workbook_takes_the_same_queries_for_a_bigger_plan(db):
    """The reads are a fixed number of queries: ten times the tasks and units, same count
    (one aggregate of the units' contributions serves every sheet)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dashboard.benchdata import build_dataset

    small = build_dataset(first_year=2080, plans=1, tasks_per_plan=4, units=3, report_years=1)
    large = build_dataset(first_year=2090, plans=1, tasks_per_plan=40, units=30, report_years=1)
    counts = []
    for data in (small, large):
        plan = data.plans[0]
        period = plan.periods.get(number=1)
        for _ in ("cold", "warm"):  # the plan's aggregates computed, then read from the cache
            with CaptureQueriesContext(connection) as ctx:
                read = workbook_data(period=period, tasks=KeyTask.objects.filter(plan=plan))
            counts.append(len(ctx.captured_queries))
        assert read.tasks and read.units
    assert counts[0] == counts[2] <= 13 and counts[1] == counts[3] <= 10, counts
