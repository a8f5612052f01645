"""A unit's own workbook (单位季度报表): its entries and their states, its figures against the
targets allocated to it (指标分解), its evidence files; reporters ask for their own unit's, staff,
leaders and admins for any unit's; the same builder runs from manage.py build_workbook."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from departments.models import Unit
from exports.registry import builder_for
from exports.services import export_job_request, report_job_run
from exports.unit_readers import unit_workbook_data
from reports.models import JobKind, JobStatus, ReportJob
from reports.services import EntryInput, attachment_add, entry_review, entry_save, report_submit
from tests.conftest import png
from unionplan import policies

BANTIAN = "坂田街道总工会"
PINGHU = "平湖街道总工会"
ALLOCATED = "劳资沟通专项业务培训"  # task 11: 1 allocated to 坂田, 1 approved in Q1 and in Q2


@pytest.fixture(autouse=True)
def pinned(settings):
    settings.UNIONPLAN_TODAY = dt.date(2024, 10, 20)


def unit(name: str) -> Unit:
    return Unit.objects.get(name=name)


def q3_reviewed(world) -> None:  # noqa: ANN001
    """坂田's Q3: every entry filled and submitted, task 11 (with 2 trainings) and evidence on
    task 10; then task 11 approved and task 10 returned with a reason."""
    reporter = world.user("reporter")
    report = world.report(period=3)
    training = report.entries.get(task__number=11)
    indicator = training.task.indicators.get(name=ALLOCATED)
    entry_save(
        entry=training,
        user=reporter,
        expected_version=training.version,
        data=EntryInput(narrative="举办培训两场。", contributions={indicator.pk: Decimal(2)}),
    )
    attachment_add(entry=world.entry(report), user=reporter, upload=png("律师驻点照片.png"))
    report_submit(report=report, user=reporter)
    admin = world.user("admin")
    training.refresh_from_db()
    entry_review(entry=training, user=admin, approve=True, expected_version=training.version)
    returned = world.entry(report)
    entry_review(
        entry=returned,
        user=admin,
        approve=False,
        reason="请写明驻点律师人数。",
        expected_version=returned.version,
    )


def test_entries_show_the_workspaces_states_and_the_reviewers_comment(world):
    q3_reviewed(world)
    data = unit_workbook_data(unit=unit(BANTIAN), period=world.period(3))
    by_number = {e["number"]: e for e in data.entries}
    assert by_number[11]["state_label"] == "已通过"
    assert by_number[11]["narrative"] == "举办培训两场。"
    assert by_number[10]["state_label"] == "已退回"
    assert by_number[10]["comment"] == "请写明驻点律师人数。"
    assert by_number[12]["state_label"] == "待审核"
    assert data.title == "2024年第三季度坂田街道总工会报表"
    assert data.report_state == "部分退回"
    assert ("已通过", 1) in data.state_counts and ("已退回", 1) in data.state_counts


def test_drafts_show_their_state_but_not_their_text(world):
    reporter = world.user("reporter")
    report = world.report(period=4, fill=False)
    entry = world.entry(report)
    entry_save(
        entry=entry,
        user=reporter,
        expected_version=entry.version,
        data=EntryInput(narrative="尚未定稿的内容"),
    )
    attachment_add(entry=entry, user=reporter, upload=png("草稿照片.png"))
    data = unit_workbook_data(unit=unit(BANTIAN), period=world.period(4))
    saved = next(e for e in data.entries if e["number"] == 10)
    assert saved["state_label"] == "已暂存"
    assert "尚未定稿" not in saved["narrative"] and "提交后" in saved["narrative"]
    others = {e["state_label"] for e in data.entries if e["number"] != 10}
    assert others == {"未填写"}
    assert data.attachments == []  # a draft's evidence is the unit's alone until submitted


def test_figures_set_cumulative_approved_against_the_allocated_target(world):
    q3_reviewed(world)
    figures = unit_workbook_data(unit=unit(BANTIAN), period=world.period(3)).figures
    training = next(f for f in figures if f["name"] == ALLOCATED)
    assert training["target"] == 1 and training["target_source"] == "分解目标"
    assert training["this_period"] == 2 and training["this_state"] == "已通过"
    assert training["cumulative"] == 4  # Q1 1 + Q2 1 + Q3 2
    assert training["percent"] == 4.0
    # The second quarter's workbook counts only what was approved up to its end.
    q2 = unit_workbook_data(unit=unit(BANTIAN), period=world.period(2)).figures
    assert next(f for f in q2 if f["name"] == ALLOCATED)["cumulative"] == 2


def test_evidence_lists_each_submitted_file_with_its_task_and_size(world):
    q3_reviewed(world)
    files = unit_workbook_data(unit=unit(BANTIAN), period=world.period(3)).attachments
    assert [(f["name"], f["state"]) for f in files] == [("律师驻点照片.png", "已退回")]
    assert files[0]["task"].startswith("10. ") and files[0]["size"] > 0


def test_the_reader_takes_the_same_queries_for_a_small_and_a_full_report(
    world, django_assert_max_num_queries
):
    q3_reviewed(world)
    bantian, pinghu = unit(BANTIAN), unit(PINGHU)
    q3, q1 = world.period(3), world.period(1)
    assert q3.plan == q1.plan  # the job's period comes with its plan (select_related)
    with django_assert_max_num_queries(10):
        full = unit_workbook_data(unit=bantian, period=q3)
    with django_assert_max_num_queries(10):
        unit_workbook_data(unit=pinghu, period=q1)
    assert len(full.entries) > 20


def test_the_workbook_names_the_unit_in_every_sheet_and_prints_landscape(world):
    q3_reviewed(world)
    job = export_job_request(
        kind=JobKind.UNIT, period=world.period(3), user=world.user("reporter"), unit=unit(BANTIAN)
    )
    job = report_job_run(job.pk)
    assert job.status == JobStatus.DONE
    assert job.file_name == "2024年第三季度坂田街道总工会报表.xlsx"
    with job.file.open("rb") as handle:
        wb = load_workbook(io.BytesIO(handle.read()))
    assert wb.sheetnames == ["填报情况", "指标完成", "佐证材料"]
    for ws in wb:
        assert ws["A1"].value.startswith("2024年第三季度坂田街道总工会报表")
        assert "状态按 2024年10月20日计" in ws["A2"].value
        assert ws.page_setup.orientation == "landscape" and ws.print_title_rows == "$1:$3"
        assert "第 &P 页" in ws.oddFooter.center.text
    entries = wb["填报情况"]
    row = next(r for r in range(4, entries.max_row + 1) if entries.cell(r, 1).value == 10)
    assert entries.cell(row, 4).value == "已退回"
    assert entries.cell(row, 8).value == "请写明驻点律师人数。"
    assert entries.row_dimensions[row].height  # every row has a height: nothing is cut
    files = wb["佐证材料"]
    assert files.cell(4, 2).value == "律师驻点照片.png"


# --- who may ask ---------------------------------------------------------------------------


def test_a_reporter_asks_for_their_own_units_workbook_only(world):
    reporter = world.user("reporter")
    job = export_job_request(
        kind=JobKind.UNIT, period=world.period(3), user=reporter, unit=unit(BANTIAN)
    )
    assert job.unit.name == BANTIAN
    with pytest.raises(PermissionDenied, match="只能生成本单位的报表，不能生成平湖街道总工会"):
        export_job_request(
            kind=JobKind.UNIT, period=world.period(3), user=reporter, unit=unit(PINGHU)
        )
    with pytest.raises(PermissionDenied, match="推进情况表和导出由部室工作人员和领导生成"):
        export_job_request(kind=JobKind.QUARTERLY, period=world.period(3), user=reporter)
    assert ReportJob.objects.count() == 1


def test_staff_leaders_and_admins_ask_for_any_units_workbook(world):
    for role in ("staff_other", "leader", "admin"):
        job = export_job_request(
            kind=JobKind.UNIT, period=world.period(3), user=world.user(role), unit=unit(PINGHU)
        )
        assert job.unit.name == PINGHU


def test_a_unit_workbook_needs_a_reporting_unit(world):
    leader = world.user("leader")
    with pytest.raises(ValidationError, match="要选择一个单位"):
        export_job_request(kind=JobKind.UNIT, period=world.period(3), user=leader)
    with pytest.raises(ValidationError, match="不是填报单位"):
        export_job_request(
            kind=JobKind.UNIT, period=world.period(3), user=leader, unit=unit("宣教部")
        )


def test_a_reporter_sees_only_their_own_units_workbooks(world):
    mine = export_job_request(
        kind=JobKind.UNIT, period=world.period(3), user=world.user("leader"), unit=unit(BANTIAN)
    )
    export_job_request(
        kind=JobKind.UNIT, period=world.period(3), user=world.user("leader"), unit=unit(PINGHU)
    )
    world.done_job()  # the leader's quarterly workbook
    assert list(policies.jobs_visible_to(world.user("reporter"))) == [mine]
    assert policies.jobs_visible_to(world.user("reporter_other")).count() == 0
    assert policies.jobs_visible_to(world.user("staff_other")).count() == 3


def test_reporter_pages_request_poll_and_download_their_units_workbook(world):
    client = world.client("reporter")
    workspace = client.get(f"/reports/?period={world.period(3).pk}").content.decode()
    assert "生成本单位报表" in workspace
    response = client.post(
        "/reports/jobs/", {"kind": "unit", "period": world.period(3).pk}
    )  # the workspace's button: the unit is the reporter's own
    assert response.status_code == 302
    job = ReportJob.objects.get()
    assert job.unit.name == BANTIAN and job.requested_by == world.user("reporter")
    page = client.get("/reports/jobs/").content.decode()
    assert "单位季度报表" in page and "平湖" not in page
    assert client.get(f"/reports/jobs/{job.pk}/").status_code == 200  # the row htmx polls
    report_job_run(job.pk)  # on commit, on a worker (the browser test runs a real one)
    download = client.get(f"/reports/jobs/{job.pk}/download/")
    assert download.status_code == 200
    assert "2024年第三季度坂田街道总工会报表.xlsx" in download["Content-Disposition"] or (
        "filename*=" in download["Content-Disposition"]
    )
    other = client.post(
        "/reports/jobs/", {"kind": "unit", "period": world.period(3).pk, "unit": unit(PINGHU).pk}
    )
    assert other.status_code == 403


def test_staff_choose_a_unit_on_the_jobs_page(world):
    client = world.client("staff_other")
    page = client.get("/reports/jobs/").content.decode()
    assert 'name="unit"' in page and PINGHU in page
    missing = client.post("/reports/jobs/", {"kind": "unit", "period": world.period(3).pk})
    assert missing.status_code == 400 and "要选择一个单位" in missing.content.decode()
    response = client.post(
        "/reports/jobs/", {"kind": "unit", "period": world.period(3).pk, "unit": unit(PINGHU).pk}
    )
    assert response.status_code == 302
    assert ReportJob.objects.get().file_name == "2024年第三季度平湖街道总工会报表.xlsx"


def test_api_takes_kind_unit_under_the_same_policy(world):
    client = world.client("reporter")
    own = client.post(
        "/api/v1/report-jobs/",
        {"kind": "unit", "period": world.period(3).pk, "unit": unit(BANTIAN).pk},
        content_type="application/json",
    )
    assert own.status_code == 202 and own.json()["unit"] == unit(BANTIAN).pk
    other = client.post(
        "/api/v1/report-jobs/",
        {"kind": "unit", "period": world.period(3).pk, "unit": unit(PINGHU).pk},
        content_type="application/json",
    )
    assert other.status_code == 403
    body = other.json()
    assert body["code"] == "permission_denied" and "只能生成本单位的报表" in body["message"]
    listed = client.get("/api/v1/report-jobs/").json()
    assert [j["unit"] for j in listed["results"]] == [unit(BANTIAN).pk]


# --- manage.py build_workbook ---------------------------------------------------------------


def test_build_workbook_writes_the_same_unit_workbook_as_the_job(world, tmp_path):
    q3_reviewed(world)
    out = tmp_path / "坂田.xlsx"
    call_command(
        "build_workbook", "--year", "2024", "--period", "3", "--unit", "坂田", "--output", str(out)
    )
    wb = load_workbook(out)
    assert wb.sheetnames == ["填报情况", "指标完成", "佐证材料"]
    assert wb["填报情况"]["A1"].value == "2024年第三季度坂田街道总工会报表（填报情况）"
    # The job's builder reads the same entries the command wrote.
    job = ReportJob(kind=JobKind.UNIT, period=world.period(3), unit=unit(BANTIAN))
    numbers = [e["number"] for e in builder_for(JobKind.UNIT).read(job).entries]
    ws = wb["填报情况"]
    assert [ws.cell(r, 1).value for r in range(4, ws.max_row + 1)] == numbers


def test_build_workbook_builds_a_departments_quarterly_workbook(world, tmp_path):
    out = tmp_path / "宣教部.xlsx"
    call_command(
        "build_workbook", "--year=2024", "--period=3", "--department=宣教部", f"--output={out}"
    )
    wb = load_workbook(out)
    assert "总表" in wb.sheetnames
    assert any("宣教部" in str(c.value) for row in wb["总表"].iter_rows(max_row=3) for c in row)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--year=2031", "--period=3"], "没有 2031 年的工作要点"),
        (["--year=2024", "--period=7"], "2024 年没有第 7 季度"),
        (["--year=二〇二四", "--period=3"], "--year 要填一个整数"),
        (["--year=2024", "--period=3", "--department=宣传部"], "没有名为“宣传部”的部室"),
        (["--year=2024", "--period=3", "--unit=坂田街道"], "没有名为“坂田街道”的填报单位"),
        (
            ["--year=2024", "--period=3", "--unit=坂田", "--department=宣教部"],
            "--department 和 --unit 只能选一个",
        ),
        (["--period=3"], "缺少 --year"),
    ],
)
def test_build_workbook_says_in_chinese_what_is_wrong(world, tmp_path, args, message):
    out = tmp_path / "x.xlsx"
    with pytest.raises(CommandError, match=message):
        call_command("build_workbook", *args, f"--output={out}")
    assert not out.exists()


def test_build_workbook_exits_non_zero_on_an_error(world, tmp_path):
    import subprocess
    import sys

    from tests.conftest import ROOT

    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "build_workbook",
            "--year=2024",
            "--period=3",
            "--unit=坂田",
            "--department=宣教部",
            f"--output={tmp_path / 'x.xlsx'}",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "只能选一个" in result.stderr
