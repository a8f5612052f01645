"""The export pipeline: one job model with a kind, a registry of builders (reader → formatter),
one Celery task; the pages and API request, poll and download any kind the same way."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from exports.jobs import run_export_job
from exports.registry import BUILDERS, builder_for
from exports.services import export_job_request, report_job_run
from reports.models import JobKind, JobStatus, ReportJob


@pytest.fixture(autouse=True)
def pinned(settings):
    settings.UNIONPLAN_TODAY = dt.date(2024, 10, 20)


def opened(job: ReportJob):  # noqa: ANN201
    job.refresh_from_db()
    with job.file.open("rb") as handle:
        return load_workbook(io.BytesIO(handle.read()))


def test_every_job_kind_has_a_builder():
    assert set(BUILDERS) == set(JobKind.values)
    with pytest.raises(LookupError, match="没有这种导出类型"):
        builder_for("nonsense")


def test_task_list_export_has_a_row_for_each_task_with_its_colour(world):
    job = export_job_request(
        kind=JobKind.TASK_LIST, period=world.period(4), user=world.user("leader")
    )
    job = report_job_run(job.pk)
    assert job.status == JobStatus.DONE and job.file_name == "2024年重点工作清单.xlsx"
    ws = opened(job)["重点工作清单"]
    assert "2024年重点工作清单（全部重点工作" in ws["A1"].value
    assert [c.value for c in ws[2]][:5] == ["序号", "重点工作", "板块", "牵头部室", "状态"]
    numbers = [ws.cell(row=r, column=1).value for r in range(3, ws.max_row + 1)]
    assert numbers == list(range(1, 31))
    assert ws.print_title_rows == "$1:$2" and ws.page_setup.orientation == "landscape"


def test_task_list_export_keeps_the_lists_department_and_colour(world):
    from departments.models import Unit

    qyb = Unit.objects.get(name="权益部")
    job = export_job_request(
        kind=JobKind.TASK_LIST,
        period=world.period(4),
        user=world.user("staff_lead"),
        department=qyb,
        params={"colour": "red"},
    )
    job = report_job_run(job.pk)
    assert job.colour_label == "严重滞后"
    ws = opened(job)["重点工作清单"]
    assert "权益部牵头；严重滞后" in ws["A1"].value
    colours = {ws.cell(row=r, column=5).value for r in range(3, ws.max_row + 1)}
    assert colours <= {"严重滞后", "没有符合条件的重点工作。", None}


def test_unknown_kind_is_refused_before_anything_is_queued(world):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        export_job_request(kind="poster", period=world.period(3), user=world.user("leader"))
    assert not ReportJob.objects.exists()


def test_a_job_whose_builder_fails_records_the_reason(world):
    job = export_job_request(
        kind=JobKind.QUARTERLY, period=world.period(3), user=world.user("leader")
    )
    ReportJob.objects.filter(pk=job.pk).update(kind="retired-kind")
    run_export_job.apply(args=[job.pk])
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and "没有这种导出类型" in job.error


def test_task_list_page_exports_through_the_job_page(world):
    client = world.client("staff_lead")
    page = client.get("/tasks/?colour=red").content.decode()
    assert 'data-testid="export-form"' in page
    response = client.post(
        "/reports/jobs/", {"kind": "task_list", "department": "", "colour": "red"}
    )
    assert response.status_code == 302
    job = ReportJob.objects.get()
    assert job.kind == JobKind.TASK_LIST and job.params == {"colour": "red"}
    listing = client.get("/reports/jobs/").content.decode()
    assert "重点工作清单" in listing and "仅严重滞后" in listing
    assert (
        'data-testid="export-form"' not in world.client("reporter").get("/tasks/").content.decode()
    )


def test_api_requests_any_kind(world):
    client = world.client("leader")
    response = client.post(
        "/api/v1/report-jobs/",
        {"kind": "task_list", "period": world.period(4).pk},
        content_type="application/json",
    )
    assert response.status_code == 202 and response.json()["kind"] == "task_list"
    bad = client.post(
        "/api/v1/report-jobs/",
        {"kind": "poster", "period": world.period(4).pk},
        content_type="application/json",
    )
    assert bad.status_code == 400 and "kind" in bad.json()["errors"]
