"""Demo data: the reference organisation, the real 2024 plan, its periods and one user per role.

Idempotent: running it again changes nothing (existing users keep their passwords).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import TypeVar

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from departments.models import Role, Unit, UnitKind, User
from departments.services import units_ensure_reference, user_create
from exports.services import briefing_request_closed
from history.models import Action, Event
from history.recording import Source, recording
from reports.models import ReportEntry, UnitReport
from reports.services import (
    EntryInput,
    entry_review,
    entry_save,
    report_open,
    report_submit,
)
from tasks import cadence
from tasks.models import (
    Indicator,
    IndicatorAllocation,
    IndicatorKind,
    Instruction,
    ProgressStatus,
    ProgressUpdate,
    WorkPlan,
)
from tasks.services import (
    ActualInput,
    ProgressInput,
    instruction_answer,
    instruction_create,
    periods_ensure_quarters,
    plan_import,
    progress_save,
    unit_create,
)
from tasks.services.cadence import cadence_occurrence_record
from unionplan import clock, policies

T = TypeVar("T")

REFERENCE_PLAN = Path(settings.BASE_DIR) / "tasks" / "plans" / "longgang-2024-work-plan.txt"
DEMO_YEAR = 2024
DEMO_PASSWORD = "demo-2024"

# Demo industry unions and community federations (the plan names only the groups).
DEMO_INDUSTRY_UNIONS = (
    "龙岗区建筑业工会联合会",
    "龙岗区物流快递业工会联合会",
    "龙岗区电子信息业工会联合会",
)
DEMO_COMMUNITIES = (("坂田街道", "岗头社区工联会"), ("坂田街道", "马安堂社区工联会"))


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: str
    unit_name: str | None


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", "信息管理员（演示）", Role.ADMIN, None),
    DemoUser("leader", "张主席（演示）", Role.LEADER, "龙岗区总工会"),
    DemoUser("bgs", "办公室 工作人员", Role.STAFF, "办公室"),
    DemoUser("xjb", "宣教部 工作人员", Role.STAFF, "宣教部"),
    DemoUser("qyb", "权益部 工作人员", Role.STAFF, "权益部"),
    DemoUser("zjb", "组建部 工作人员", Role.STAFF, "组建部"),
    DemoUser("zzb", "组织部 工作人员", Role.STAFF, "组织部"),
    DemoUser("jsw", "经审委 工作人员", Role.STAFF, "经审委"),
    DemoUser("bantian", "坂田街道 填报员", Role.REPORTER, "坂田街道总工会"),
    DemoUser("pinghu", "平湖街道 填报员", Role.REPORTER, "平湖街道总工会"),
    DemoUser("jianzhu", "建筑业工会 填报员", Role.REPORTER, "龙岗区建筑业工会联合会"),
    DemoUser("gangtou", "岗头社区 填报员", Role.REPORTER, "岗头社区工联会"),
)


def _ensure_demo_units() -> None:
    district = Unit.objects.get(kind=UnitKind.DISTRICT)
    for order, name in enumerate(DEMO_INDUSTRY_UNIONS):
        if not Unit.objects.filter(name=name).exists():
            unit_create(name=name, kind=UnitKind.INDUSTRY, parent=district, sort_order=order)
    for order, (street, name) in enumerate(DEMO_COMMUNITIES):
        if not Unit.objects.filter(name=name).exists():
            parent = Unit.objects.get(name=f"{street}总工会")
            unit_create(name=name, kind=UnitKind.COMMUNITY, parent=parent, sort_order=order)


def demo_seed() -> list[tuple[DemoUser, bool]]:
    """Load all a first-time visitor needs; returns the demo users and whether each is new."""
    with transaction.atomic():
        units_ensure_reference()
        _ensure_demo_units()
        if not WorkPlan.objects.filter(year=DEMO_YEAR).exists():
            # The industry unions must exist first so that "行业工会" expands to them.
            _backdated(
                dt.date(2024, 1, 15),
                partial(
                    plan_import, text=REFERENCE_PLAN.read_text(encoding="utf-8"), year=DEMO_YEAR
                ),
            )
        plan = WorkPlan.objects.get(year=DEMO_YEAR)
        periods_ensure_quarters(plan=plan)
        created = []
        for demo in DEMO_USERS:
            if User.objects.filter(username=demo.username).exists():
                created.append((demo, False))
                continue
            unit = Unit.objects.get(name=demo.unit_name) if demo.unit_name else None
            user_create(
                username=demo.username,
                password=DEMO_PASSWORD,
                role=demo.role,
                unit=unit,
                full_name=demo.full_name,
            )
            created.append((demo, True))
        if not ProgressUpdate.objects.filter(task__plan=plan).exists():
            _seed_progress(plan)
        if not UnitReport.objects.filter(period__plan=plan).exists():
            _seed_unit_reports(plan)
    return created


def demo_briefing() -> None:
    """The latest quarter's briefing (季度通报) past its due date, as the daily job would have
    made it: once (a second run finds it), built where the jobs run. Apart from demo_seed():
    the tests' data has no jobs."""
    plan = WorkPlan.objects.get(year=DEMO_YEAR)
    period = (
        plan.periods.filter(kind="quarter", due_date__lt=clock.today()).order_by("-number").first()
    )
    if period is not None:
        briefing_request_closed(period=period)


# Which units report in which quarter of the demo, and how (坂田 leaves Q3 and Q4 to the visitor).
# (unit, quarter, days after the due date it is submitted (negative: before), reviewed?)
UNIT_REPORTS = (
    ("平湖街道总工会", 1, -3, "approve"),
    ("坂田街道总工会", 1, -2, "approve"),
    ("布吉街道总工会", 1, -1, "approve"),
    ("龙岗区建筑业工会联合会", 1, -4, "approve"),
    ("平湖街道总工会", 2, -2, "approve"),
    ("坂田街道总工会", 2, -1, "approve"),
    ("布吉街道总工会", 2, 4, "approve"),
    ("南湾街道总工会", 2, -2, "approve"),
    ("平湖街道总工会", 3, -3, "return-one"),
    ("布吉街道总工会", 3, 2, "pending"),
    ("龙岗区建筑业工会联合会", 3, -1, "pending"),
)


def _seed_unit_reports(plan: WorkPlan) -> None:
    """Quarterly reports of a few units: on time, late, approved, one entry returned, pending."""
    reporters = {
        policies.unit_of(u).name: u
        for u in User.objects.filter(role=Role.REPORTER).select_related("unit")
    }
    staff_by_unit = {u.unit_id: u for u in User.objects.filter(role=Role.STAFF)}
    periods = {p.number: p for p in plan.periods.filter(kind="quarter")}
    for unit_name, quarter, days, review in UNIT_REPORTS:
        period = periods[quarter]
        unit = Unit.objects.get(name=unit_name)
        if unit_name not in reporters:
            reporters[unit_name] = user_create(
                username=f"demo-{unit.pk}",
                password=DEMO_PASSWORD,
                role=Role.REPORTER,
                unit=unit,
                full_name=f"{unit.display_name} 填报员",
            )
        reporter = reporters[unit_name]
        day = period.due_date + dt.timedelta(days=days)
        with clock.frozen(day):
            report = _backdated(day, partial(report_open, unit=unit, period=period, user=reporter))
            entries = list(
                report.entries.select_related("task").prefetch_related(
                    "task__indicators", "task__leads"
                )
            )
            for entry in entries:
                shares: dict[int, Decimal | None] = {
                    a.indicator_id: a.target
                    for a in IndicatorAllocation.objects.filter(
                        unit=unit, indicator__task=entry.task
                    )
                }
                _backdated(
                    day,
                    partial(
                        entry_save,
                        entry=entry,
                        user=reporter,
                        expected_version=entry.version,
                        data=EntryInput(
                            narrative=f"{unit.display_name}{period.name}围绕“{entry.task.title}”"
                            "组织开展相关工作，按计划推进。",
                            contributions=shares,
                        ),
                    ),
                )
            _backdated(day, partial(report_submit, report=report, user=reporter))
        if review == "pending":
            continue
        review_day = day + dt.timedelta(days=3)
        for number, entry in enumerate(
            report.entries.select_related("task")
            .prefetch_related("task__leads")
            .order_by("task__number")
        ):
            staff = staff_by_unit[entry.task.leads.all()[0].unit_id]
            send_back = review == "return-one" and number == 0
            _backdated(
                review_day,
                partial(
                    entry_review,
                    entry=entry,
                    user=staff,
                    approve=not send_back,
                    reason="请补充活动现场照片等佐证材料。" if send_back else "",
                    expected_version=entry.version,
                ),
            )


# Percent complete after Q1, Q2 and Q3 by task number % 5: as of 20 October 2024 (time progress
# about 80 %) this gives green, green, amber, red and done tasks.
PROGRESS_PATTERNS = ((25, 55, 85), (20, 50, 75), (15, 40, 62), (10, 30, 50), (30, 70, 100))
NODE_TARGETS = {8: [10, 80, 90, 100], 15: [10, 50, 90, 100], 16: [25, 50, 75, 100]}
PROBLEMS = (
    "部分街道活动场地和经费协调需时，个别项目推进慢于计划。",
    "基层工会人手紧张，部分台账资料更新不及时。",
    "受汛期和高温天气影响，部分线下活动延后举办。",
)
NEXT_STEPS = (
    "加强与各街道总工会的统筹调度，按月通报进度。",
    "下季度集中开展督导，确保年底前完成全年目标。",
    "梳理薄弱环节，逐一明确责任人和完成时限。",
)


def _seed_progress(plan: WorkPlan) -> None:
    """Plausible Q1–Q3 progress for every task, by the lead department's demo user."""
    staff_by_unit = {u.unit_id: u for u in User.objects.filter(role=Role.STAFF)}
    periods = list(plan.periods.filter(kind="quarter").order_by("number"))[:3]
    leader = User.objects.get(username="leader")
    tasks = plan.tasks.prefetch_related("leads", "indicators").order_by("number")

    def set_nodes() -> None:
        with recording(actor=None, source=Source.SYSTEM, verb="设置节点目标"):
            for task in tasks:
                if task.number in NODE_TARGETS:
                    task.node_targets = NODE_TARGETS[task.number]
                    task.save()

    _backdated(dt.date(2024, 1, 20), set_nodes)
    for task in tasks:
        staff = staff_by_unit[task.leads.all()[0].unit_id]
        pattern = PROGRESS_PATTERNS[task.number % 5]
        previous = 0
        for index, (period, percent) in enumerate(zip(periods, pattern, strict=False)):
            done = percent == 100
            share = Decimal(percent - previous) / 100
            previous = percent
            actuals = {}
            for ind in task.indicators.all():
                if ind.kind == IndicatorKind.COUNT and ind.target:
                    actuals[ind.pk] = ActualInput(value=(ind.target * share).quantize(Decimal(1)))
                elif ind.kind == IndicatorKind.RATE and ind.target:
                    actuals[ind.pk] = ActualInput(
                        value=min(Decimal(100), ind.target - 5 + index * 3)
                    )
            data = ProgressInput(
                status=ProgressStatus.DONE if done else ProgressStatus.IN_PROGRESS,
                percent=percent,
                progress=f"{period.name}，{policies.unit_of(staff).name}牵头推进，"
                f"{_demo_work_done(task.description)}，累计完成约{percent}%。",
                problems="" if done else PROBLEMS[task.number % 3],
                next_steps="" if done else NEXT_STEPS[task.number % 3],
                actuals=actuals,
            )
            _backdated(
                period.due_date - dt.timedelta(days=3),
                partial(
                    progress_save,
                    task=task,
                    period=period,
                    user=staff,
                    data=data,
                    expected_version=0,
                    source=Source.WEB,
                ),
            )
    _seed_occurrences(plan, staff_by_unit)
    red_task = plan.tasks.get(number=13)
    _backdated(
        dt.date(2024, 10, 14),
        lambda: instruction_create(
            task=red_task,
            user=leader,
            text="职工疗休养第二批次进度偏慢，请宣教部本月底前拿出赶进度方案。",
        ),
    )
    answered = _backdated(
        dt.date(2024, 9, 20),
        lambda: instruction_create(
            task=plan.tasks.get(number=14),
            user=leader,
            text="工人文化宫建设要倒排工期，每月报送一次进度。",
        ),
    )
    _backdated(
        dt.date(2024, 9, 25),
        lambda: instruction_answer(
            instruction=answered,
            user=staff_by_unit[answered.task.leads.all()[0].unit_id],
            answer="已制定倒排工期表，9月起每月5日前报送进度。",
            expected_version=1,
        ),
    )


# The demo's "today": cadence slots (频次) that ended before it were carried out on time.
DEMO_TODAY = dt.date(2024, 10, 20)


def _seed_occurrences(plan: WorkPlan, staff_by_unit: dict[int | None, User]) -> None:
    """Each cadence indicator (频次, e.g. 第16项“每季度开展1次”) carried out in every slot that
    ended before the demo's today, about three weeks before the slot's end."""
    for ind in Indicator.objects.filter(task__plan=plan, kind=IndicatorKind.CADENCE).order_by(
        "task__number", "order"
    ):
        staff = staff_by_unit[ind.task.leads.all()[0].unit_id]
        for slot in cadence.year_slots(ind.cadence, plan.year):
            if slot.end >= DEMO_TODAY:
                break
            day = slot.end - dt.timedelta(days=20)
            for _ in range(int(ind.target or 1)):
                with clock.frozen(day):
                    _backdated(
                        day,
                        partial(
                            cadence_occurrence_record,
                            indicator=ind,
                            user=staff,
                            done_on=day,
                            note=f"{slot.label}{ind.name}在{ind.task.leads.all()[0].unit.name}"
                            "组织下如期开展。",
                        ),
                    )


def _demo_work_done(description: str) -> str:
    """What a task's plan text says it will do, as a clause of its progress (the year summary
    draft quotes the last one): the sentence after the task's own title sentence."""
    _title, _, rest = description.partition("。")
    first = rest.strip().partition("。")[0]  # its first sentence: the workbook prints them all
    return first or "会同参与单位落实年度安排"


def _backdated(day: dt.date, write: Callable[[], T]) -> T:
    """Run a demo write, then date it and its history to ``day`` (the demo's past)."""
    first_event = (Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    first_action = (Action.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    result = write()
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(10, 30)))
    Event.objects.filter(pk__gte=first_event).update(created_at=moment)
    Action.objects.filter(pk__gte=first_action).update(created_at=moment)
    if isinstance(result, ProgressUpdate):
        ProgressUpdate.objects.filter(pk=result.pk).update(created_at=moment, updated_at=moment)
    elif isinstance(result, UnitReport) and result.submitted_at:
        UnitReport.objects.filter(pk=result.pk).update(submitted_at=moment)
        ReportEntry.objects.filter(report=result, submitted_at__isnull=False).update(
            submitted_at=moment
        )
    elif isinstance(result, ReportEntry) and result.reviewed_at:
        ReportEntry.objects.filter(pk=result.pk).update(reviewed_at=moment)
    elif isinstance(result, Instruction):
        fields = {"answered_at": moment} if result.answered_at else {"created_at": moment}
        Instruction.objects.filter(pk=result.pk).update(**fields)
    return result
