"""The quarterly briefing (季度通报): a one-to-two page PDF for the leaders' meeting.

``briefing_read(job)`` reads the plan as it stood at the period's end (the tasks' colours, the
tasks behind with their latest 存在问题) and the period's submissions as they stand on the day
it is made (units late or missing, the ranking), in a fixed number of queries;
``build_briefing_pdf(data)`` renders templates/exports/briefing.html with WeasyPrint, which embeds
the fonts it uses (Noto CJK on the servers).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.template.loader import render_to_string
from django.utils import timezone

from dashboard.selectors import RankRow, unit_ranking
from reports.models import JobKind, JobStatus, ReportJob
from reports.selectors import SubmissionGrid, approved_contributions, submission_grid
from tasks.models import KeyTask, PeriodKind, ProgressUpdate, ReportingPeriod, WorkPlan
from tasks.selectors import task_queryset_for_display, task_state
from tasks.standing import plan_cached
from tasks.status import COLOUR_HEX, COLOUR_LABELS, COLOUR_ORDER, Colour, time_progress
from unionplan import clock

# What fits two A4 pages beside the rest: the worst behind tasks, each problem in a few lines.
BEHIND_SHOWN = 8
PROBLEM_CHARS = 90
# A ranking this long is shown whole; a longer one as its top and bottom.
RANKING_WHOLE = 16
RANKING_ENDS = 6
# Units tied on every figure share one line from this many on.
TIED_MERGED = 4

UNIT_KIND_SHORT = {"street": "街道", "industry": "行业", "community": "社区"}


@dataclass
class ColourCount:
    colour: str
    label: str
    count: int
    hex: str
    share: float  # percent of all tasks, for the bar


@dataclass
class SectionRow:
    """One plan section: its tasks by colour and their average progress."""

    label: str
    tasks: int
    percent: float
    colours: list[ColourCount] = field(default_factory=list)


@dataclass
class BehindTask:
    """A task behind (red or amber) with how far and why."""

    number: int
    title: str
    leads: str
    colour: str
    colour_label: str
    percent: int
    expected: float
    behind: float
    problems: str  # the latest 存在问题 up to the period, shortened to fit
    problems_full: str
    problems_period: str  # the period it was reported for, when not this one


@dataclass
class UnitLate:
    """A unit late (逾期报送) or missing (逾期未报) for the period."""

    name: str
    kind: str
    state: str  # 逾期未报 / 逾期报送
    days: int
    submitted_on: dt.date | None = None


@dataclass
class UnitGroup:
    days: int
    units: list[UnitLate]


@dataclass
class RankEntry:
    """A place of the ranking: one unit, or several tied with the same figures (one line)."""

    rank: int
    tied: bool
    names: list[str]
    score: float
    on_time: float
    contribution: float
    not_returned: float
    after_gap: bool = False  # units of the middle are left out before this one

    @property
    def figures(self) -> tuple[float, float, float, float]:
        return (self.score, self.on_time, self.contribution, self.not_returned)


@dataclass
class Briefing:
    """Everything the briefing shows, as plain values."""

    title: str
    organisation: str
    year: int
    period_name: str
    period_end: dt.date
    due_date: dt.date
    cut_off: dt.date  # the tasks' colours and progress stand as of this day
    as_of: dt.date  # the submissions and ranking stand as of this day
    generated_at: dt.datetime
    time_progress: float
    plan_progress: float
    task_total: int
    colour_counts: list[ColourCount] = field(default_factory=list)
    sections: list[SectionRow] = field(default_factory=list)
    behind: list[BehindTask] = field(default_factory=list)  # worst first, at most BEHIND_SHOWN
    behind_total: int = 0
    units_total: int = 0
    units_on_time: int = 0
    missing: list[UnitLate] = field(default_factory=list)
    late: list[UnitLate] = field(default_factory=list)
    past_due: bool = True  # False: the period's deadline has not passed on ``as_of``
    ranking: list[RankEntry] = field(default_factory=list)
    ranking_total: int = 0
    ranking_gap: bool = False  # True: the list shows the top and the bottom, not the middle
    ranking_weights: dict[str, int] = field(default_factory=dict)

    @property
    def progress_gap(self) -> float:
        """Points the plan's average progress lags time progress (0 when ahead)."""
        return max(0.0, round(self.time_progress - self.plan_progress, 1))

    @property
    def missing_groups(self) -> list[UnitGroup]:
        """The missing units by days overdue (most first): one line each in the briefing."""
        groups: dict[int, list[UnitLate]] = defaultdict(list)
        for unit in self.missing:
            groups[unit.days].append(unit)
        return [UnitGroup(days, units) for days, units in sorted(groups.items(), reverse=True)]

    @property
    def units_submitted(self) -> int:
        return self.units_on_time + len(self.late)

    @property
    def behind_more(self) -> int:
        return self.behind_total - len(self.behind)

    @property
    def file_stem(self) -> str:
        return f"{self.year}年{self.period_name}重点工作推进情况通报"

    def counts_by_colour(self) -> dict[str, int]:
        return {c.colour: c.count for c in self.colour_counts}


def _shorten(text: str, limit: int) -> str:
    """The first ``limit`` characters of a text on one line, cut at a sentence end if near."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit]
    stop = max(cut.rfind(mark) for mark in "。；;！？")
    if stop >= limit * 2 // 3:
        return cut[: stop + 1] + "…"
    return cut.rstrip("，、,： ") + "…"


def _organisation(title: str, year: int) -> str:
    # "龙岗区总工会2024年工作思路及要点" → "龙岗区总工会"
    head = title.split(str(year))[0].strip()
    return head or "区总工会"


def briefing_data(*, period: ReportingPeriod) -> Briefing:
    """Read the briefing of a period: tasks as they stood at its end (or today, if earlier),
    submissions and ranking as of today; a fixed number of queries whatever the plan's size."""
    plan = period.plan
    today = clock.today()
    cut_off = min(period.end_date, today)
    grid = submission_grid(plan, today, kind=period.kind)  # the units reporting quarterly
    periods_to_end = {p.pk for p in grid.periods if p.end_date <= period.end_date}
    approved = plan_cached(
        plan,
        "approved-by-unit-indicator-period",
        lambda: approved_contributions(by=("unit", "indicator", "period"), plan=plan),
    )
    by_indicator: dict[int, Decimal] = defaultdict(Decimal)
    for (_unit_id, indicator_id, period_id), value in approved.items():
        if period_id in periods_to_end:
            by_indicator[indicator_id] += value
    updates = (
        ProgressUpdate.objects.filter(period__end_date__lte=period.end_date)
        .select_related("period")
        .prefetch_related("actuals")
        .order_by("period__end_date")
    )
    tasks = list(
        task_queryset_for_display(KeyTask.objects.filter(plan=plan), with_participants=False)
        .prefetch_related(Prefetch("updates", queryset=updates))
        .order_by("number")
    )
    for task in tasks:
        for ind in task.indicators.all():
            ind.units_approved = by_indicator.get(ind.pk)  # type: ignore[attr-defined]
    states = [task_state(task, cut_off) for task in tasks]

    total = len(states)
    counts = {c: 0 for c in COLOUR_ORDER}
    for state in states:
        counts[state.colour] += 1
    data = Briefing(
        title="",
        organisation=_organisation(plan.title, plan.year),
        year=plan.year,
        period_name=period.name,
        period_end=period.end_date,
        due_date=period.due_date,
        cut_off=cut_off,
        as_of=today,
        generated_at=timezone.localtime(),
        time_progress=time_progress(plan.year, cut_off),
        plan_progress=round(sum(s.percent for s in states) / total, 1) if total else 0.0,
        task_total=total,
        colour_counts=_colour_counts(counts, total),
        ranking_weights=dict(settings.UNIONPLAN_RANKING_WEIGHTS),
    )
    data.title = f"{data.organisation}{plan.year}年{period.name}重点工作推进情况通报"

    sections: dict[int, tuple[str, list[int], dict[Colour, int]]] = {}
    for state in states:
        section = state.task.section
        label = f"{section.numeral}、{_shorten(section.title, 14)}"
        _, percents, by_colour = sections.setdefault(
            section.number, (label, [], {c: 0 for c in COLOUR_ORDER})
        )
        percents.append(state.percent)
        by_colour[state.colour] += 1
    for _number, (label, percents, by_colour) in sorted(sections.items()):
        data.sections.append(
            SectionRow(
                label=label,
                tasks=len(percents),
                percent=round(sum(percents) / len(percents), 1),
                colours=_colour_counts(by_colour, len(percents)),
            )
        )

    lagging = sorted(
        (s for s in states if s.colour in (Colour.RED, Colour.AMBER)),
        key=lambda s: (COLOUR_ORDER.index(s.colour), -s.behind, s.task.number),
    )
    data.behind_total = len(lagging)
    for state in lagging[:BEHIND_SHOWN]:
        task = state.task
        with_problems = [u for u in task.updates.all() if u.problems.strip()]
        last = with_problems[-1] if with_problems else None
        data.behind.append(
            BehindTask(
                number=task.number,
                title=task.title,
                leads="、".join(lead.unit.name for lead in task.leads.all()),
                colour=state.colour.value,
                colour_label=state.colour_label,
                percent=state.percent,
                expected=state.expected,
                behind=state.behind,
                problems=_shorten(last.problems, PROBLEM_CHARS) if last else "",
                problems_full=last.problems.strip() if last else "",
                problems_period=last.period.name if last and last.period_id != period.pk else "",
            )
        )

    _submissions(data, period, grid)
    rows = unit_ranking(plan, grid)
    data.ranking_total = len(rows)
    data.ranking = _ranking_entries(rows)
    data.ranking_gap = any(e.after_gap for e in data.ranking)
    return data


def _ranking_entries(rows: list[RankRow]) -> list[RankEntry]:
    """The ranking's lines: units tied on every figure share one when they are many (the long
    tail of units with nothing reported yet); a list still long shows its top and bottom."""
    entries: list[RankEntry] = []
    for r in rows:
        entry = RankEntry(
            rank=r.rank,
            tied=r.tied,
            names=[r.unit.name],
            score=r.score,
            on_time=r.on_time,
            contribution=r.contribution,
            not_returned=r.not_returned,
        )
        last = entries[-1] if entries else None
        if last is not None and last.rank == entry.rank and last.figures == entry.figures:
            last.names.extend(entry.names)
        else:
            entries.append(entry)
    # Two or three tied units read better on their own lines.
    split: list[RankEntry] = []
    for entry in entries:
        if 1 < len(entry.names) < TIED_MERGED:
            split.extend(
                RankEntry(
                    rank=entry.rank,
                    tied=True,
                    names=[name],
                    score=entry.score,
                    on_time=entry.on_time,
                    contribution=entry.contribution,
                    not_returned=entry.not_returned,
                )
                for name in entry.names
            )
        else:
            split.append(entry)
    if len(split) > RANKING_WHOLE:  # its top and bottom
        split = split[:RANKING_ENDS] + split[-RANKING_ENDS:]
        split[RANKING_ENDS].after_gap = True
    return split


def _colour_counts(counts: dict[Colour, int], total: int) -> list[ColourCount]:
    return [
        ColourCount(
            colour=c.value,
            label=COLOUR_LABELS[c],
            count=counts[c],
            hex=COLOUR_HEX[c],
            share=round(100 * counts[c] / total, 1) if total else 0.0,
        )
        for c in COLOUR_ORDER
    ]


def _submissions(data: Briefing, period: ReportingPeriod, grid: SubmissionGrid) -> None:
    today = data.as_of
    data.past_due = today > period.due_date
    data.units_total = len(grid.units)
    for unit in grid.units:
        cell = grid.cells.get((unit.pk, period.pk))
        report = cell["report"] if cell else None
        kind = UNIT_KIND_SHORT.get(unit.kind, unit.get_kind_display())
        if report is not None and report.submitted_at is not None:
            submitted_on = timezone.localtime(report.submitted_at).date()
            if report.is_late:
                data.late.append(
                    UnitLate(
                        name=unit.name,
                        kind=kind,
                        state="逾期报送",
                        days=max(1, (submitted_on - period.due_date).days),
                        submitted_on=submitted_on,
                    )
                )
            else:
                data.units_on_time += 1
        elif data.past_due:
            data.missing.append(
                UnitLate(
                    name=unit.name,
                    kind=kind,
                    state="逾期未报",
                    days=(today - period.due_date).days,
                )
            )
    data.late.sort(key=lambda u: (-u.days, u.name))


def briefing_read(job: ReportJob) -> Briefing:
    """The briefing of a job's period (always the whole plan)."""
    return briefing_data(period=job.period)


def build_briefing_pdf(data: Briefing) -> bytes:
    """The briefing as an A4 PDF (HTML rendered by WeasyPrint, its fonts embedded)."""
    import weasyprint  # type: ignore[import-untyped]  # loads pango: only where a briefing is made

    html = render_to_string("exports/briefing.html", {"b": data})
    content: bytes = weasyprint.HTML(string=html).write_pdf()
    return content


@dataclass
class BriefingOffer:
    """The briefing card of the exports page: the quarters to choose from, the one chosen (the
    latest past its due date) and, when it is made already, its newest finished job."""

    periods: list[ReportingPeriod]
    chosen: ReportingPeriod | None
    ready: ReportJob | None
    not_due: set[int] = field(default_factory=set)  # quarters whose due date has not passed


def briefing_offer(
    *, plan: WorkPlan | None, jobs: QuerySet[ReportJob], today: dt.date
) -> BriefingOffer:
    """What the briefing card offers on ``today``; ``jobs`` are those the user may see."""
    if plan is None:
        return BriefingOffer(periods=[], chosen=None, ready=None)
    periods = list(plan.periods.filter(kind=PeriodKind.QUARTER).order_by("number"))
    past_due = [p for p in periods if p.due_date < today]
    chosen = past_due[-1] if past_due else (periods[0] if periods else None)
    ready = (
        jobs.filter(kind=JobKind.BRIEFING, period=chosen, status=JobStatus.DONE)
        .select_related("period__plan")
        .order_by("-finished_at", "-pk")
        .first()
        if chosen is not None
        else None
    )
    not_due = {p.pk for p in periods if p.due_date >= today}
    return BriefingOffer(periods=periods, chosen=chosen, ready=ready, not_due=not_due)
