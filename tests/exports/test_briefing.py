"""The quarterly briefing (季度通报): a PDF for the leaders' meeting with the colours, the tasks
behind and why, the units late or missing and the ranking, made after the due date by the daily
job and on request from the exports page or the API."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from dashboard.selectors import unit_ranking
from exports.briefing import BEHIND_SHOWN, PROBLEM_CHARS, briefing_read
from exports.jobs import request_closed_period_briefings
from exports.registry import BUILDERS
from exports.services import report_job_run
from reports.models import JobKind, JobStatus, ReportJob, UnitReport
from reports.selectors import submission_grid
from reports.services import expected_units
from tasks.models import KeyTask, ProgressUpdate
from tasks.selectors import task_states
from tasks.status import COLOUR_LABELS, Colour

Q3_END = dt.date(2024, 9, 30)
Q3_DUE = dt.date(2024, 10, 10)
TODAY = dt.date(2024, 10, 20)


@pytest.fixture(autouse=True)
def pinned(settings):
    settings.UNIONPLAN_TODAY = TODAY


def flat(text: str) -> str:
    """Text without the line breaks and spaces the PDF's layout puts in."""
    return re.sub(r"\s+", "", text)


def pdf_text(content: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(content))
    return reader, flat("".join(page.extract_text() for page in reader.pages))


def test_briefing_pdf_shows_the_databases_colours_behind_tasks_units_and_ranking(
    world, django_assert_max_num_queries
):
    plan = world.plan
    period = world.period(3)
    # A long 存在问题 of the worst task is cut to fit, from its beginning.
    states = task_states(KeyTask.objects.filter(plan=plan), Q3_END)
    behind = sorted(
        (s for s in states if s.colour in (Colour.RED, Colour.AMBER)),
        key=lambda s: ([Colour.RED, Colour.AMBER].index(s.colour), -s.behind, s.task.number),
    )
    assert len(behind) > BEHIND_SHOWN, "the demo has more behind tasks than the briefing lists"
    worst = behind[0].task
    long_problem = "街道活动场地紧张。" * 30
    ProgressUpdate.objects.filter(task=worst, period=period).update(problems=long_problem)

    job = ReportJob(period=period, kind=JobKind.BRIEFING)  # unsaved, as build_document uses it
    with django_assert_max_num_queries(20):
        data = briefing_read(job)
    content = BUILDERS[JobKind.BRIEFING].format(data)
    reader, text = pdf_text(content)

    assert len(reader.pages) <= 2
    assert "龙岗区总工会2024年第三季度重点工作推进情况通报" in text
    assert "2024年10月20日" in text

    # Colour counts: the plan's tasks as they stood at the quarter's end.
    counts = {c: sum(1 for s in states if s.colour == c) for c in Colour}
    assert data.counts_by_colour() == {c.value: n for c, n in counts.items()}
    for colour, label in [(Colour.RED, "严重滞后（红灯）"), (Colour.AMBER, "进度滞后（黄灯）")]:
        assert f"{label}{counts[colour]}项" in text
    for colour in (Colour.GREEN, Colour.DONE):
        assert f"{COLOUR_LABELS[colour]}{counts[colour]}项" in text
    average = round(sum(s.percent for s in states) / len(states), 1)
    assert f"{len(states)}项重点工作平均完成进度为{average}%" in text

    # 滞后工作: the worst first with their leads, how far behind and their latest 存在问题.
    for state in behind[:BEHIND_SHOWN]:
        task = state.task
        assert flat(task.title) in text
        for lead in task.leads.all():
            assert lead.unit.name in text
        assert f"完成{state.percent}%" in text
        latest = [u for u in task.updates.all() if u.problems and u.period.end_date <= Q3_END]
        problems = flat(latest[-1].problems) if latest else "未填报存在问题"
        assert problems[:20] in text
    assert flat(long_problem)[: PROBLEM_CHARS - 10] in text
    assert flat(long_problem) not in text  # cut, not all thirty sentences
    for state in behind[BEHIND_SHOWN:]:
        assert f"{state.task.number}{flat(state.task.title)}" not in text
    assert f"另有{len(behind) - BEHIND_SHOWN}项滞后工作未列出" in text
    assert text.index(flat(behind[0].task.title)) < text.index(flat(behind[1].task.title))

    # 报送情况: units expected, with no submission (逾期未报) or a late one (逾期报送).
    reports = {
        r.unit_id: r for r in UnitReport.objects.filter(period=period, submitted_at__isnull=False)
    }
    units = list(expected_units(plan, kind="quarter"))
    missing = [u for u in units if u.pk not in reports]
    late = [u for u in units if u.pk in reports and reports[u.pk].is_late]
    assert missing and late, "the demo's Q3 has units missing and late"
    missing_part = text[text.index("逾期未报（") : text.index("四、考核排名")]
    assert f"逾期未报（{len(missing)}个，截至10月20日已逾期{(TODAY - Q3_DUE).days}天）" in text
    for unit in missing:
        assert unit.name in missing_part
    for unit in late:
        submitted = reports[unit.pk].submitted_at.date()
        assert (
            f"{unit.name}（{submitted:%-m月%-d日}报送，逾期{(submitted - Q3_DUE).days}天）" in text
        )
    on_time = [u for u in units if u.pk in reports and not reports[u.pk].is_late]
    assert f"按时报送{len(on_time)}个，逾期报送{len(late)}个，逾期未报{len(missing)}个" in text
    for unit in on_time:
        assert unit.name not in missing_part

    # 考核排名: the dashboard's ranking, in its order, with its scores.
    ranking = unit_ranking(plan, submission_grid(plan, TODAY, kind="quarter"))
    ranking_part = text[text.index("四、考核排名") :]
    positions = [ranking_part.index(r.unit.name) for r in ranking]
    assert positions == sorted(positions)
    for r, at in zip(ranking, positions, strict=True):
        # The first figure after a unit's name (alone or among units tied on every figure).
        score = re.search(r"\d+\.\d", ranking_part[at + len(r.unit.name) :])
        assert score and score.group() == f"{r.score:.1f}", r.unit.name
    assert ranking_part.startswith("四、考核排名名次单位综合得分")

    # The fonts are embedded (the leaders' printers and phones need not have Noto CJK).
    fonts = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            described = descendants[0].get_object() if descendants else font
            descriptor = described["/FontDescriptor"].get_object()
            fonts.append((str(font["/BaseFont"]), any(k in descriptor for k in FONT_FILES)))
    assert fonts and all(embedded for _, embedded in fonts), fonts
    assert any("CJK-SC" in name for name, _ in fonts)


FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")


def test_daily_job_requests_each_quarters_briefing_once_after_its_due_date(world, settings):
    settings.UNIONPLAN_TODAY = Q3_DUE  # on the due date itself: Q3 is not closed yet
    request_closed_period_briefings()

    def briefings() -> list[int]:
        jobs = ReportJob.objects.filter(kind=JobKind.BRIEFING)
        return sorted(j.period.number for j in jobs.select_related("period"))

    assert briefings() == [1, 2]

    settings.UNIONPLAN_TODAY = Q3_DUE + dt.timedelta(days=1)
    assert request_closed_period_briefings() == 1
    assert request_closed_period_briefings() == 0  # the next day's run: nothing new
    assert briefings() == [1, 2, 3]
    job = ReportJob.objects.get(kind=JobKind.BRIEFING, period=world.period(3))
    assert job.requested_by is None and job.department is None

    job = report_job_run(job.pk)
    assert job.status == JobStatus.DONE and job.file.name.endswith(".pdf")
    assert job.file_name == "2024年第三季度重点工作推进情况通报.pdf"
    response = world.client("leader").get(f"/reports/jobs/{job.pk}/download/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert "filename*=utf-8''2024%E5%B9%B4" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    assert request_closed_period_briefings() == 0  # a finished one is not asked for again

    # The exports page offers it: the latest quarter past its due date, one click to download.
    page = world.client("leader").get("/reports/jobs/").content.decode()
    card = page[page.index('data-testid="briefing-card"') :]
    assert f'href="/reports/jobs/{job.pk}/download/"' in card[: card.index("</section>")]
    assert "下载 2024年第三季度通报（PDF）" in card
    selected = re.search(r'<option value="(\d+)" selected>2024年第三季度', card)
    assert selected and int(selected.group(1)) == world.period(3).pk


@pytest.mark.parametrize(
    ("role", "status"),
    [("leader", 302), ("admin", 302), ("staff_other", 302), ("reporter", 403)],
)
def test_briefing_is_requested_by_readers_on_the_page(world, role, status):
    client = world.client(role)
    response = client.post("/reports/jobs/", {"kind": "briefing", "period": world.period(3).pk})
    assert response.status_code == status
    jobs = ReportJob.objects.filter(kind=JobKind.BRIEFING)
    if status == 302:
        job = jobs.get()
        assert job.requested_by == world.user(role) and job.status == JobStatus.QUEUED
    else:
        assert not jobs.exists()
        page = client.get("/reports/jobs/").content.decode()
        assert 'data-testid="briefing-card"' not in page and "季度通报" not in page


@pytest.mark.parametrize(
    ("role", "status"),
    [("leader", 202), ("staff_lead", 202), ("reporter", 403), ("anonymous", 401)],
)
def test_briefing_is_requested_by_readers_through_the_api(world, role, status):
    response = world.client(role).post(
        "/api/v1/report-jobs/",
        {"kind": "briefing", "period": world.period(3).pk},
        content_type="application/json",
    )
    assert response.status_code == status
    if status == 202:
        assert response.json()["kind"] == "briefing"
        assert response.json()["department"] is None


def test_briefing_of_a_month_is_refused(world):
    from tasks.models import PeriodKind, ReportingPeriod

    month = ReportingPeriod.objects.create(
        plan=world.plan,
        kind=PeriodKind.MONTH,
        number=9,
        name="9月",
        start_date=dt.date(2024, 9, 1),
        end_date=Q3_END,
        opens_on=Q3_END,
        due_date=dt.date(2024, 10, 5),
    )
    response = world.client("leader").post(
        "/reports/jobs/", {"kind": "briefing", "period": month.pk}
    )
    assert response.status_code == 400
    assert "季度通报按季度生成" in response.content.decode()


def test_demo_offers_the_latest_closed_quarters_briefing_once(world):
    from unionplan.demo import demo_briefing

    demo_briefing()
    demo_briefing()  # seed_demo run again
    job = ReportJob.objects.get(kind=JobKind.BRIEFING)
    assert job.period == world.period(3) and job.requested_by is None


def test_a_long_ranking_shows_its_top_and_bottom_and_merges_a_long_tie():
    from dashboard.selectors import RankRow
    from departments.models import Unit
    from exports.briefing import RANKING_ENDS, RANKING_WHOLE, _ranking_entries

    def row(n: int, score: float, rank: int, tied: bool = False) -> RankRow:
        unit = Unit(name=f"单位{n}")
        return RankRow(unit, score, score, score, score, "", rank=rank, tied=tied)

    rows = [row(n, 100 - n, n) for n in range(1, 25)]
    rows += [row(n, 0, 25, tied=True) for n in range(25, 31)]  # six units at 0: one line
    rows.insert(3, row(99, 97, 3, tied=True))  # two at 97: a line each
    entries = _ranking_entries(rows)
    assert len(entries) == 2 * RANKING_ENDS < RANKING_WHOLE
    assert [e.names for e in entries[2:4]] == [["单位3"], ["单位99"]]
    assert entries[-1].names == [f"单位{n}" for n in range(25, 31)] and entries[-1].tied
    assert [e.after_gap for e in entries].index(True) == RANKING_ENDS
    # 25 single lines and the tie's: the last RANKING_ENDS start at the 21st, 单位20.
    assert [e.names[0] for e in entries[RANKING_ENDS:]] == [f"单位{n}" for n in range(20, 26)]
