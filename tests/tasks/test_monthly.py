"""The monthly rhythm (月报): a plan or a task reporting by month, its months summing into the
quarter's figures, and a unit's month from report to approved figure to workbook."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from departments.models import Unit
from exports.formatters import build_quarterly_workbook
from exports.readers import workbook_data
from history.models import Event
from reports.selectors import reports_due_for_unit, submission_grid
from reports.services import EntryInput, entry_review, entry_save, report_open, report_submit
from tasks.models import IndicatorKind, KeyTask, PeriodKind, ProgressStatus, TaskParticipant
from tasks.services import (
    ActualInput,
    ProgressInput,
    month_due_date,
    periods_ensure,
    plan_rhythm_set,
    progress_save,
    task_rhythm_set,
)
from tests.factories import IndicatorFactory, KeyTaskFactory, SectionFactory, WorkPlanFactory
from unionplan import clock

YEAR = 2041


def _monthly_plan(world, *, rhythm=PeriodKind.MONTH, units=("坂田街道总工会",)):  # noqa: ANN001,ANN202
    """A published plan with one task led by 权益部 (qyb), a count and a rate indicator, and
    the given street unions taking part; its periods created as publishing does."""
    plan = WorkPlanFactory(year=YEAR, rhythm=rhythm)
    section = SectionFactory(plan=plan, number=1, title="维权服务")
    lead = Unit.objects.get(name="权益部")
    task = KeyTaskFactory(section=section, number=1, title="劳资纠纷调处", leads=[lead])
    count = IndicatorFactory(task=task, name="调处劳资纠纷", target=100, measure_unit="宗")
    rate = IndicatorFactory(
        task=task, name="调处成功率", kind=IndicatorKind.RATE, target=90, measure_unit="%"
    )
    for name in units:
        TaskParticipant.objects.create(task=task, unit=Unit.objects.get(name=name))
    with clock.frozen(dt.date(YEAR, 1, 2)):  # published at the start of its year
        periods_ensure(plan=plan)
    return plan, task, count, rate


def _month(plan, number):  # noqa: ANN001,ANN202
    return plan.periods.get(kind=PeriodKind.MONTH, number=number)


def _quarter(plan, number):  # noqa: ANN001,ANN202
    return plan.periods.get(kind=PeriodKind.QUARTER, number=number)


def _save(world, task, period, actuals, *, text, percent):  # noqa: ANN001,ANN202
    return progress_save(
        task=task,
        period=period,
        user=world.user("staff_lead"),
        data=ProgressInput(
            status=ProgressStatus.IN_PROGRESS,
            percent=percent,
            progress=text,
            problems="个别企业拖欠工资。",
            actuals={pk: ActualInput(value=Decimal(v)) for pk, v in actuals.items()},
        ),
        expected_version=0,
    )


# --- periods ------------------------------------------------------------------------------


def test_a_monthly_plan_gets_twelve_months_due_the_fifth_of_the_next_month(world):
    plan, *_ = _monthly_plan(world)
    months = list(plan.periods.filter(kind=PeriodKind.MONTH).order_by("start_date"))
    assert [m.name for m in months] == [f"{n}月" for n in range(1, 13)]
    march = months[2]
    assert (march.start_date, march.end_date) == (dt.date(YEAR, 3, 1), dt.date(YEAR, 3, 31))
    assert march.opens_on == dt.date(YEAR, 3, 1) and march.due_date == dt.date(YEAR, 4, 5)
    assert months[1].end_date == dt.date(YEAR, 2, 28)
    assert months[11].due_date == dt.date(YEAR + 1, 1, 5)  # December: 5 January next year
    assert month_due_date(YEAR, 12) == dt.date(YEAR + 1, 1, 5)
    # The quarters stay: the workbook and the dashboard remain quarterly.
    assert plan.periods.filter(kind=PeriodKind.QUARTER).count() == 4


def test_creating_the_periods_again_changes_nothing_and_keeps_edited_dates(world):
    plan, *_ = _monthly_plan(world)
    march = _month(plan, 3)
    march.due_date = dt.date(YEAR, 4, 8)  # the office moved March's deadline
    march.save()
    periods_ensure(plan=plan)
    plan_rhythm_set(plan=plan, user=world.user("admin"), rhythm=PeriodKind.MONTH)
    assert plan.periods.count() == 16
    assert _month(plan, 3).due_date == dt.date(YEAR, 4, 8)


def test_a_quarterly_plan_has_no_months_until_a_task_reports_monthly(world):
    plan, task, *_ = _monthly_plan(world, rhythm=PeriodKind.QUARTER)
    assert not plan.periods.filter(kind=PeriodKind.MONTH).exists()
    task_rhythm_set(task=task, user=world.user("admin"), rhythm=PeriodKind.MONTH)
    assert plan.periods.filter(kind=PeriodKind.MONTH).count() == 12
    task.refresh_from_db()
    assert task.rhythm == PeriodKind.MONTH
    # The task's rhythm is an audited field: its timeline says who changed it.
    event = Event.objects.filter(task_id=task.pk).latest("pk")
    assert event.changes == [["填报节奏", "", "月度"]]


def test_a_task_turning_monthly_in_mid_year_owes_no_reports_for_past_months(world, settings):
    plan, task, *_ = _monthly_plan(world, rhythm=PeriodKind.QUARTER)
    settings.UNIONPLAN_TODAY = dt.date(YEAR, 7, 20)
    task_rhythm_set(task=task, user=world.user("admin"), rhythm=PeriodKind.MONTH)
    months = plan.periods.filter(kind=PeriodKind.MONTH).order_by("start_date")
    assert [m.name for m in months] == ["7月", "8月", "9月", "10月", "11月", "12月"]
    unit = world.user("reporter").unit
    owed = reports_due_for_unit(plan=plan, unit=unit, today=dt.date(YEAR, 7, 20))
    assert owed == []  # June was due 5 July, before the task turned monthly
    owed = reports_due_for_unit(plan=plan, unit=unit, today=dt.date(YEAR, 8, 6))
    assert [d.period.name for d in owed] == ["7月"]


def test_only_administrators_set_the_rhythm(world):
    plan, task, *_ = _monthly_plan(world, rhythm=PeriodKind.QUARTER)
    with pytest.raises(PermissionDenied):
        plan_rhythm_set(plan=plan, user=world.user("staff_lead"), rhythm=PeriodKind.MONTH)
    with pytest.raises(PermissionDenied):
        task_rhythm_set(task=task, user=world.user("leader"), rhythm=PeriodKind.MONTH)
    with pytest.raises(ValidationError):
        plan_rhythm_set(plan=plan, user=world.user("admin"), rhythm="week")
    assert not plan.periods.filter(kind=PeriodKind.MONTH).exists()


# --- the lead department's months ---------------------------------------------------------


def test_a_monthly_task_is_updated_by_month_not_by_quarter(world, settings):
    settings.UNIONPLAN_TODAY = dt.date(YEAR, 4, 2)
    plan, task, count, rate = _monthly_plan(world)
    with pytest.raises(ValidationError) as refused:
        _save(world, task, _quarter(plan, 1), {count.pk: 3}, text="一季度", percent=25)
    assert "按月填报" in str(refused.value)


def test_the_lead_departments_months_sum_into_the_quarters_figures(world, settings):
    settings.UNIONPLAN_TODAY = dt.date(YEAR, 4, 20)
    plan, task, count, rate = _monthly_plan(world)
    _save(world, task, _month(plan, 1), {count.pk: 4, rate.pk: 80}, text="一月调处4宗", percent=8)
    _save(world, task, _month(plan, 2), {count.pk: 5, rate.pk: 85}, text="二月调处5宗", percent=16)
    _save(world, task, _month(plan, 3), {count.pk: 6, rate.pk: 92}, text="三月调处6宗", percent=25)
    _save(world, task, _month(plan, 4), {count.pk: 7, rate.pk: 95}, text="四月调处7宗", percent=33)

    data = workbook_data(period=_quarter(plan, 1), tasks=KeyTask.objects.filter(plan=plan))
    rows = {r["name"]: r for r in data.indicators}
    assert rows["调处劳资纠纷"]["quarters"][:2] == [15.0, 7.0]  # Q1 = 4 + 5 + 6
    assert rows["调处成功率"]["quarters"][:2] == [92.0, 95.0]  # a rate: its latest month
    assert rows["调处劳资纠纷"]["cumulative"] == 22.0
    row = data.tasks[0]
    # 本季度进展: each month of the quarter, the latest month's problems.
    assert row["progress"] == "1月：一月调处4宗\n2月：二月调处5宗\n3月：三月调处6宗"
    assert row["problems"] == "个别企业拖欠工资。"


# --- a unit's month, from report to workbook ------------------------------------------------


def test_a_units_month_runs_from_report_to_approved_figure_to_workbook(world, settings):
    settings.UNIONPLAN_TODAY = dt.date(YEAR, 4, 2)
    plan, task, count, rate = _monthly_plan(world, units=("坂田街道总工会", "平湖街道总工会"))
    reporter = world.user("reporter")  # 坂田
    unit = reporter.unit
    march = _month(plan, 3)
    # By month: January and February are past their due dates (5 Feb, 5 Mar), March is not.
    owed = reports_due_for_unit(plan=plan, unit=unit, today=dt.date(YEAR, 4, 2))
    assert [(d.period.name, d.overdue_days) for d in owed] == [("1月", 56), ("2月", 28)]
    report = report_open(unit=unit, period=march, user=reporter)
    assert str(report.period) == f"{YEAR}年3月"
    entry = report.entries.get(task=task)
    entry_save(
        entry=entry,
        user=reporter,
        expected_version=entry.version,
        data=EntryInput(narrative="三月调处劳资纠纷12宗。", contributions={count.pk: Decimal(12)}),
    )
    report_submit(report=report, user=reporter)
    entry.refresh_from_db()
    assert entry.state == "submitted"
    grid = submission_grid(plan, dt.date(YEAR, 4, 2))
    assert grid.kind == PeriodKind.MONTH and [p.name for p in grid.periods][:3] == [
        "1月",
        "2月",
        "3月",
    ]
    assert grid.cells[(unit.pk, march.pk)]["state"] == "on_time"
    pinghu = Unit.objects.get(name="平湖街道总工会")
    assert grid.cells[(pinghu.pk, march.pk)]["state"] == "open"  # due 5 April, not yet late
    assert submission_grid(plan, dt.date(YEAR, 4, 6)).cells[(pinghu.pk, march.pk)]["state"] == (
        "overdue"
    )

    entry_review(
        entry=entry, user=world.user("staff_lead"), approve=True, expected_version=entry.version
    )
    grid = submission_grid(plan, dt.date(YEAR, 4, 2))
    assert grid.cells[(unit.pk, march.pk)]["state"] == "approved"

    data = workbook_data(period=_quarter(plan, 1), tasks=KeyTask.objects.filter(plan=plan))
    wb = load_workbook(io.BytesIO(build_quarterly_workbook(data)))
    indicators = wb["量化指标"]
    row = next(r for r in indicators.iter_rows(min_row=4) if r[1].value == "调处劳资纠纷")
    assert row[3].value == 12  # 第一季度: the unit's approved March figure
    contributions = wb["单位贡献"]
    header = [c.value for c in contributions[4] if c.value]
    assert header == ["重点工作序号. 指标", "坂田街道总工会"]
    figure = next(r for r in contributions.iter_rows(min_row=5) if r[0].value == "1. 调处劳资纠纷")
    assert figure[1].value == 12
    streets = {r[1].value: [c.value for c in r] for r in wb["分街道"].iter_rows(min_row=4)}
    assert streets["坂田街道总工会"][5] == "3月：按时"
    assert streets["平湖街道总工会"][3] == "逾期未报"  # as the quarter's due date passes


def test_a_months_report_holds_only_the_monthly_tasks(world, settings):
    settings.UNIONPLAN_TODAY = dt.date(YEAR, 4, 2)
    plan, monthly, *_ = _monthly_plan(world, rhythm=PeriodKind.QUARTER)
    task_rhythm_set(task=monthly, user=world.user("admin"), rhythm=PeriodKind.MONTH)
    quarterly = KeyTaskFactory(section=monthly.section, number=2, title="职工书屋")
    reporter = world.user("reporter")
    TaskParticipant.objects.create(task=quarterly, unit=reporter.unit)
    by_month = report_open(unit=reporter.unit, period=_month(plan, 3), user=reporter)
    by_quarter = report_open(unit=reporter.unit, period=_quarter(plan, 1), user=reporter)
    assert [e.task_id for e in by_month.entries.all()] == [monthly.pk]
    assert [e.task_id for e in by_quarter.entries.all()] == [quarterly.pk]
    # The grid of a mixed plan shows quarters (the plan's rhythm) and offers the months.
    grid = submission_grid(plan, dt.date(YEAR, 4, 2))
    assert grid.kind == PeriodKind.QUARTER and grid.kinds == ["quarter", "month"]
    # Its months from March on: January and February were past due when the task turned monthly.
    months = submission_grid(plan, dt.date(YEAR, 4, 2), kind="month").periods
    assert [m.name for m in months][:2] == ["3月", "4月"] and len(months) == 10


def test_reminders_go_out_before_a_months_due_date_to_the_units_that_owe_it(world):
    from reports.models import Reminder
    from reports.services import reminders_run

    plan, task, *_ = _monthly_plan(world, rhythm=PeriodKind.QUARTER, units=("坂田街道总工会",))
    task_rhythm_set(task=task, user=world.user("admin"), rhythm=PeriodKind.MONTH)
    quarterly = KeyTaskFactory(section=task.section, number=2, title="职工书屋")
    TaskParticipant.objects.create(task=quarterly, unit=Unit.objects.get(name="平湖街道总工会"))
    reminders_run(today=dt.date(YEAR, 4, 3))  # March is due 5 April; Q1 was due 10 April
    sent = set(
        Reminder.objects.filter(period__plan=plan, kind="auto").values_list(
            "period__name", "unit__name"
        )
    )
    # 坂田 reports task 1 monthly, 平湖 task 2 quarterly: each is reminded of its own period.
    assert sent == {("3月", "坂田街道总工会")}
    reminders_run(today=dt.date(YEAR, 4, 8))
    sent = set(
        Reminder.objects.filter(period__plan=plan, kind="auto").values_list(
            "period__name", "unit__name"
        )
    )
    assert ("第一季度", "平湖街道总工会") in sent and ("第一季度", "坂田街道总工会") not in sent


# --- the grid by month --------------------------------------------------------------------


def test_the_grid_page_shows_months_as_columns(world, settings):
    settings.UNIONPLAN_TODAY = dt.date(YEAR, 4, 2)
    _monthly_plan(world)
    response = world.client("admin").get(f"/reports/grid/?year={YEAR}")
    assert response.status_code == 200
    page = response.content.decode()
    for name in ("1月", "3月", "12月"):
        assert f">{name}<div" in page
    assert "截止 4月5日" in page and "按月" in page
    assert "第一季度" not in page


def test_the_mixed_plans_grid_page_switches_between_quarters_and_months(world, settings):
    settings.UNIONPLAN_TODAY = dt.date(YEAR, 4, 2)
    plan, task, *_ = _monthly_plan(world, rhythm=PeriodKind.QUARTER)
    task_rhythm_set(task=task, user=world.user("admin"), rhythm=PeriodKind.MONTH)
    quarterly = KeyTaskFactory(section=task.section, number=2, title="职工书屋")
    TaskParticipant.objects.create(task=quarterly, unit=Unit.objects.get(name="平湖街道总工会"))
    client = world.client("leader")
    quarters = client.get(f"/reports/grid/?year={YEAR}").content.decode()
    assert 'data-testid="grid-kind"' in quarters and ">第一季度<div" in quarters
    months = client.get(f"/reports/grid/?year={YEAR}&kind=month").content.decode()
    assert ">3月<div" in months and ">第一季度<div" not in months


def test_the_month_grid_takes_the_same_queries_for_a_bigger_plan(db):
    from dashboard.benchdata import build_dataset

    small = build_dataset(first_year=2080, plans=1, tasks_per_plan=4, units=3, report_years=1)
    large = build_dataset(first_year=2090, plans=1, tasks_per_plan=40, units=30, report_years=1)
    counts = []
    for data in (small, large):
        plan = data.plans[0]
        plan_rhythm_set(plan=plan, user=None, rhythm=PeriodKind.MONTH)
        for _ in ("cold", "warm"):
            with CaptureQueriesContext(connection) as ctx:
                grid = submission_grid(plan, dt.date(plan.year, 6, 1))
            counts.append(len(ctx.captured_queries))
        assert grid.kind == "month" and len(grid.periods) == 12 and grid.units
    assert counts[0] == counts[2] and counts[1] == counts[3] and max(counts) <= 5, counts


# --- setting the rhythm in the product ------------------------------------------------------


def test_an_administrator_sets_the_plans_and_a_tasks_rhythm_on_the_editing_pages(world):
    plan, task, *_ = _monthly_plan(world, rhythm=PeriodKind.QUARTER)
    client = world.client("admin")
    page = client.get(f"/plans/{YEAR}/edit/").content.decode()
    assert "填报节奏" in page and "按月" in page
    response = client.post(
        f"/plans/{YEAR}/edit/",
        {"title": plan.title, "framework": "", "paragraphs": "", "rhythm": "month"},
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.rhythm == PeriodKind.MONTH
    assert plan.periods.filter(kind=PeriodKind.MONTH).count() == 12

    page = client.get(f"/plans/edit/tasks/{task.pk}/").content.decode()
    assert "随计划" in page
    response = client.post(
        f"/plans/edit/tasks/{task.pk}/",
        {
            "section": task.section_id,
            "title": task.title,
            "description": task.description,
            "due_date": f"{YEAR}-12-31",
            "participants_text": "",
            "lead_1": Unit.objects.get(name="权益部").pk,
            "participants": [p.unit_id for p in task.participants.all()],
            "rhythm": "quarter",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    task.refresh_from_db()
    assert task.rhythm == PeriodKind.QUARTER
    # Its progress form then offers the quarters only.
    page = world.client("staff_lead").get(task.get_absolute_url()).content.decode()
    assert f">{YEAR}年第一季度</option>" in page and f">{YEAR}年3月</option>" not in page
