"""The year-end summary draft (年度工作总结初稿): the Word document opened with python-docx, its
figures checked against the database read independently, printed by LibreOffice, previewed,
requested by those allowed to, and built by manage.py build_document."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import subprocess
from collections import defaultdict
from decimal import Decimal
from urllib.parse import unquote

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from docx import Document
from docx.shared import Pt

from departments.models import User
from exports.registry import BUILDERS, builder_for
from exports.services import export_job_request, report_job_run
from exports.year_summary import (
    chinese_ordinal,
    year_summary_blocks,
    year_summary_period,
    year_summary_read,
)
from reports.models import Contribution, EntryState, JobKind, JobStatus, ReportJob
from tasks.models import Indicator, IndicatorActual, IndicatorKind, KeyTask, ProgressUpdate
from tests.libreoffice import soffice_pdf

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture(autouse=True)
def pinned(settings):
    settings.UNIONPLAN_TODAY = dt.date(2024, 10, 20)


def summary_job(world) -> ReportJob:  # noqa: ANN001
    return ReportJob(period=year_summary_period(world.plan), kind=JobKind.YEAR_SUMMARY)


@pytest.fixture
def docx_bytes(world) -> bytes:  # noqa: ANN001
    return builder_for(JobKind.YEAR_SUMMARY).build(summary_job(world))


@pytest.fixture
def paragraphs(docx_bytes) -> list[str]:  # noqa: ANN001
    return [p.text for p in Document(io.BytesIO(docx_bytes)).paragraphs]


def number(value: Decimal) -> str:
    return format(value.normalize(), "f")


def expected_figures(world) -> dict[int, str]:  # noqa: ANN001
    """Each count and rate indicator's year figure read straight from the tables: the lead
    department's recorded values (count: their sum; rate: the latest) plus, for counts, the
    units' approved contributions."""
    own: dict[int, list[tuple[dt.date, Decimal]]] = defaultdict(list)
    for row in IndicatorActual.objects.filter(
        update__task__plan=world.plan, value__isnull=False
    ).values_list("indicator_id", "update__period__end_date", "value"):
        own[row[0]].append((row[1], row[2]))
    units: dict[int, Decimal] = defaultdict(Decimal)
    for indicator_id, value in Contribution.objects.filter(
        entry__state=EntryState.APPROVED, entry__report__period__plan=world.plan
    ).values_list("indicator_id", "value"):
        units[indicator_id] += value
    figures = {}
    for task in KeyTask.objects.filter(plan=world.plan).prefetch_related("indicators"):
        for ind in task.indicators.all():
            if ind.kind == IndicatorKind.COUNT and (own[ind.pk] or ind.pk in units):
                total = sum((v for _, v in own[ind.pk]), Decimal(0)) + units[ind.pk]
                figures[ind.pk] = f"{ind.name}累计{number(total)}{ind.measure_unit}"
            elif ind.kind == IndicatorKind.RATE and own[ind.pk]:
                latest = max(own[ind.pk])[1]
                figures[ind.pk] = f"{ind.name}达{number(latest)}%"
    return figures


def test_the_draft_has_its_sections_a_paragraph_per_task_and_the_problems(world, paragraphs):
    text = "\n".join(paragraphs)
    assert paragraphs[0] == "龙岗区总工会2024年工作总结（初稿）"
    assert "“123430”工作思路（一个目标、两个聚焦、三个满意、四力建设" in paragraphs[1]
    assert "全年30项重点工作中，已完成" in paragraphs[1]
    assert "一、2024年工作开展情况" in paragraphs
    assert "二、存在的问题和下一步计划" in paragraphs
    assert "附表：数据来源" in paragraphs
    sections = list(world.plan.sections.order_by("number"))
    for index, section in enumerate(sections, start=1):
        assert f"（{chinese_ordinal(index)}）{section.title}" in paragraphs
    tasks = list(KeyTask.objects.filter(plan=world.plan).order_by("number"))
    figures = expected_figures(world)
    for task in tasks:
        own = [p for p in paragraphs if p.startswith(f"{task.number}.{task.title}。")]
        assert len(own) == 1, task.number
        latest = ProgressUpdate.objects.filter(task=task).order_by("-period__end_date").first()
        assert latest is not None
        # The last period's 进展情况 is the base text (without its "第三季度，").
        assert latest.progress.removeprefix("第三季度，").rstrip("。") in own[0]
        for ind in task.indicators.all():
            if ind.pk in figures:
                assert figures[ind.pk] in own[0], (task.number, ind.name, own[0])
    # The streets' approved contributions are named as such where there are any.
    contributed = contributed_indicator(world)
    own = next(p for p in paragraphs if p.startswith(f"{contributed.task.number}."))
    assert f"{contributed.name}累计" in own and "其中各街道总工会贡献" in own
    problems = paragraphs[paragraphs.index("二、存在的问题和下一步计划") + 1]
    assert "一是" in problems and "二是" in problems
    assert "基层工会人手紧张，部分台账资料更新不及时" in problems  # a 存在问题 of the demo
    next_steps = paragraphs[paragraphs.index("二、存在的问题和下一步计划") + 2]
    assert next_steps.startswith("下一步") and "一是" in next_steps
    assert text.count("一是") == 2


def contributed_indicator(world) -> Indicator:  # noqa: ANN001
    """An indicator to which 坂田 contributed figures that were approved."""
    row = (
        Contribution.objects.filter(
            entry__state=EntryState.APPROVED,
            entry__report__period__plan=world.plan,
            entry__report__unit__name="坂田街道总工会",
        )
        .select_related("indicator__task")
        .order_by("indicator__task__number", "indicator__order")
        .first()
    )
    assert row is not None
    return row.indicator


def test_over_and_under_target_are_worded_from_the_figures(world):
    data = year_summary_read(summary_job(world))
    sentences = [f.sentence for t in data.tasks for f in t.figures if f.kind == "count"]
    over = [s for s in sentences if "较目标超额完成" in s]
    under = [s for s in sentences if re.search(r"，完成\d+(\.\d)?%$", s)]
    assert over and under
    # e.g. 法律服务活动累计85场（目标≥100场），完成85%
    task10 = next(t for t in data.tasks if t.number == 10)
    figure = next(f for f in task10.figures if f.name == "法律服务活动")
    assert figure.actual is not None
    share = (figure.actual * 100 / 100).quantize(Decimal("0.1"))
    assert figure.sentence.endswith(f"完成{number(share)}%")
    rate = next(f for t in data.tasks for f in t.figures if f.kind == "rate")
    assert re.search(r"达[\d.]+%（目标≥\d+%）", rate.sentence)


def test_the_appendix_gives_every_figure_its_source(world, docx_bytes):
    document = Document(io.BytesIO(docx_bytes))
    table = document.tables[0]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["序号", "重点工作", "指标", "数值", "来源"]
    assert len(rows) - 1 == Indicator.objects.filter(task__plan=world.plan).count()
    figures = expected_figures(world)
    law = next(r for r in rows if r[2].startswith("法律服务活动"))
    assert law[1] == "10.扩大工会法律服务覆盖面"
    task10 = world.task.indicators.get(name="法律服务活动")
    assert figures[task10.pk].removeprefix("法律服务活动累计") == law[3]
    assert law[4] == "第一、二、三季度进展填报（权益部）"
    contributed = contributed_indicator(world)
    row = next(r for r in rows if r[2].startswith(contributed.name))
    assert figures[contributed.pk].removeprefix(f"{contributed.name}累计") == row[3]
    assert "审核通过的单位报送：" in row[4] and "坂田街道总工会（第一、二季度）" in row[4]


def test_page_setup_is_a4_official_document_with_page_numbers(docx_bytes):
    document = Document(io.BytesIO(docx_bytes))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    margins = (section.top_margin, section.bottom_margin, section.left_margin)
    assert [round(m.mm) for m in margins] == [37, 35, 28]
    assert round(section.right_margin.mm) == 26
    footer = section.footer.paragraphs[0]
    xml = footer._p.xml
    assert "PAGE" in xml and 'w:fldCharType="begin"' in xml
    assert footer.text.startswith("- ") and footer.text.endswith(" -")
    body = document.paragraphs[1].runs[0]
    assert body.font.size == Pt(16)  # 三号
    assert body._element.rPr.rFonts.get(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
    )


@pytest.mark.libreoffice
def test_libreoffice_prints_the_draft(docx_bytes, tmp_path):
    pdf = soffice_pdf(docx_bytes, ".docx", tmp_path)
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout
    squeezed = re.sub(r"\s+", "", text)
    assert "龙岗区总工会2024年工作总结（初稿）" in squeezed
    assert "一、2024年工作开展情况" in squeezed and "二、存在的问题和下一步计划" in squeezed
    assert "附表：数据来源" in squeezed
    pages = text.split("\f")
    pages = [p for p in pages if p.strip()]
    assert 6 <= len(pages) <= 20
    assert re.search(r"-\s*1\s*-\s*$", pages[0])
    assert re.search(rf"-\s*{len(pages)}\s*-\s*$", pages[-1])


def test_the_reader_reads_in_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        year_summary_read(summary_job(world))


# --- the preview, the job and who may have it -------------------------------------------------


def test_preview_shows_the_same_text_as_the_document(world):
    response = world.client("leader").get("/exports/year-summary/2024/preview/")
    assert response.status_code == 200
    stripped = re.sub(r"<[^>]+>", "", response.content.decode())
    shown = re.sub(r"\s+", "", html.unescape(stripped))
    data = year_summary_read(summary_job(world))
    for block in year_summary_blocks(data):
        if block.kind == "table":
            assert re.sub(r"\s+", "", "".join(block.rows[-1])) in shown
        elif block.kind != "page_break":
            # the note's generated-at time may differ by the minute between the two reads
            text = block.full_text.split("的填报数据生成")[0]
            assert re.sub(r"\s+", "", text) in shown, block.full_text[:40]
    assert "下载 Word" in response.content.decode()


def office_staff() -> User:
    return User.objects.get(username="bgs")


def test_office_staff_request_and_download_the_draft_as_word(world):
    client = Client()
    client.force_login(office_staff())
    page = client.get("/reports/jobs/")
    assert 'data-testid="year-summary-card"' in page.content.decode()
    response = client.post("/reports/jobs/", {"kind": "year_summary", "year": "2024"})
    assert response.status_code == 302
    job = report_job_run(ReportJob.objects.get(kind=JobKind.YEAR_SUMMARY).pk)  # the worker's part
    assert job.status == JobStatus.DONE
    assert job.period == year_summary_period(world.plan) and job.period.number == 4
    download = client.get(f"/reports/jobs/{job.pk}/download/")
    assert download.status_code == 200 and download["Content-Type"] == DOCX
    assert "2024年工作总结初稿.docx" in unquote(download["Content-Disposition"])
    document = Document(io.BytesIO(b"".join(download.streaming_content)))
    assert document.paragraphs[0].text == "龙岗区总工会2024年工作总结（初稿）"
    preview = client.get("/exports/year-summary/2024/preview/")
    assert preview.status_code == 200


def test_other_departments_and_reporters_are_refused(world):
    for role in ("staff_lead", "staff_other", "reporter"):
        client = world.client(role)
        assert client.get("/exports/year-summary/2024/preview/").status_code == 403
        refused = client.post("/reports/jobs/", {"kind": "year_summary", "year": "2024"})
        assert refused.status_code == 403
        assert "year-summary-card" not in client.get("/reports/jobs/").content.decode()
    assert not ReportJob.objects.filter(kind=JobKind.YEAR_SUMMARY).exists()
    # A draft the leader asked for is not listed to, nor downloadable by, other departments.
    job = report_job_run(
        export_job_request(
            kind=JobKind.YEAR_SUMMARY, period=world.period(1), user=world.user("leader")
        ).pk
    )
    assert job.period == world.period(4)  # filed under the year's last quarter
    other = world.client("staff_other")
    assert other.get(f"/reports/jobs/{job.pk}/download/").status_code == 404
    assert f'id="job-{job.pk}"' not in other.get("/reports/jobs/").content.decode()


def test_api_takes_kind_year_summary_under_the_same_policy(world):
    body = {"kind": "year_summary", "period": world.period(3).pk}
    refused = world.client("staff_lead").post(
        "/api/v1/report-jobs/", body, content_type="application/json"
    )
    assert refused.status_code == 403
    assert refused.json()["code"] == "permission_denied"
    assert "办公室" in refused.json()["message"]
    accepted = world.client("admin").post(
        "/api/v1/report-jobs/", body, content_type="application/json"
    )
    assert accepted.status_code == 202 and accepted.json()["kind"] == "year_summary"
    assert accepted.json()["period"] == world.period(4).pk
    job_id = accepted.json()["id"]
    report_job_run(job_id)  # the worker's part
    download = world.client("admin").get(f"/api/v1/report-jobs/{job_id}/download/")
    assert download.status_code == 200 and download["Content-Type"] == DOCX


def test_unknown_year_preview_is_not_found(world):
    assert world.client("leader").get("/exports/year-summary/2019/preview/").status_code == 404


# --- manage.py build_document -----------------------------------------------------------------


def test_build_document_writes_the_same_draft_as_the_job(world, tmp_path, docx_bytes):
    output = tmp_path / "总结.docx"
    out = io.StringIO()
    call_command(
        "build_document", "--kind", "year-summary", "--year", "2024", "--output", output, stdout=out
    )
    assert "2024年工作总结初稿" in out.getvalue()
    written = [p.text for p in Document(str(output)).paragraphs]
    expected = [p.text for p in Document(io.BytesIO(docx_bytes)).paragraphs]

    def without_time(texts: list[str]) -> list[str]:  # the note says when it was generated
        return [t.split("的填报数据生成")[0] for t in texts]

    assert without_time(written) == without_time(expected)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--kind", "poster", "--year", "2024"], "没有“poster”这种文件"),
        (["--year", "2024"], "缺少 --kind"),
        (["--kind", "year-summary", "--year", "2019", "--output", "{tmp}/a.docx"], "没有 2019 年"),
        (["--kind", "year-summary", "--year", "2024", "--output", "{tmp}/a.pdf"], ".docx 结尾"),
        (["--kind", "year-summary", "--year", "二〇二四", "--output", "{tmp}/a.docx"], "整数"),
    ],
)
def test_build_document_says_what_is_wrong_in_chinese(world, tmp_path, args, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("build_document", *[a.format(tmp=tmp_path) for a in args])


def test_build_document_builds_the_briefing_when_registered(world, tmp_path):
    if JobKind.BRIEFING not in BUILDERS:
        pytest.skip("季度通报尚未注册")
    output = tmp_path / "通报.pdf"
    call_command(
        "build_document",
        "--kind",
        "briefing",
        "--year",
        "2024",
        "--period",
        "3",
        "--output",
        output,
    )
    assert output.read_bytes().startswith(b"%PDF")
