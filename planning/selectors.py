"""Reads for plan administration: the plans with their counts; two years side by side."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from enum import StrEnum

from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from tasks.models import Indicator, KeyTask, Section, WorkPlan
from tasks.selectors import IndicatorState, task_queryset_for_display, task_states
from unionplan import clock


def plans_for_management(plans: QuerySet[WorkPlan]) -> QuerySet[WorkPlan]:
    """Plans newest first, with their section, task and lead-less task counts, and whether the
    next year has a plan already (then it cannot be copied into)."""
    return plans.annotate(
        section_count=Count("sections", distinct=True),
        task_count=Count("tasks", distinct=True),
        unled_count=Count("tasks", filter=Q(tasks__leads__isnull=True), distinct=True),
        next_exists=Exists(WorkPlan.objects.filter(year=OuterRef("year") + 1)),
    ).order_by("-year")


# --- 年度对比: two plan years side by side -----------------------------------------------

# Titles and names at least this similar (difflib ratio) are taken for the same task/indicator.
SIMILAR_RATIO = 0.6


class Change(StrEnum):
    """How an indicator's target moved from the base year to the other year."""

    RAISED = "up"
    LOWERED = "down"
    SAME = "same"
    ADJUSTED = "adjusted"  # not comparable as numbers: another kind, unit or comparator
    NEW = "new"
    DROPPED = "dropped"


CHANGE_MARKS: dict[Change, tuple[str, str]] = {
    Change.RAISED: ("↑", "目标提高"),
    Change.LOWERED: ("↓", "目标降低"),
    Change.SAME: ("=", "目标不变"),
    Change.ADJUSTED: ("≠", "口径调整"),
    Change.NEW: ("新增", "本年新增指标"),
    Change.DROPPED: ("不再列入", "本年不再列入"),
}


@dataclass
class IndicatorComparison:
    """One indicator of a matched task: the base year's target and actual beside this year's."""

    base: IndicatorState | None  # the base year's indicator with what was achieved
    other: Indicator | None  # this year's indicator

    @property
    def name(self) -> str:
        if self.other is not None:
            return self.other.name
        assert self.base is not None
        return self.base.indicator.name

    @property
    def renamed_from(self) -> str:
        """The base year's name when it differs from this year's (matched by similarity)."""
        if self.base is None or self.other is None or self.base.indicator.name == self.other.name:
            return ""
        return self.base.indicator.name

    @property
    def change(self) -> Change:
        if self.base is None:
            return Change.NEW
        if self.other is None:
            return Change.DROPPED
        old, new = self.base.indicator, self.other
        if (old.kind, old.measure_unit, old.comparator) != (
            new.kind,
            new.measure_unit,
            new.comparator,
        ):
            return Change.ADJUSTED
        if old.target is None or new.target is None:
            return Change.SAME if old.target == new.target else Change.ADJUSTED
        if new.target > old.target:
            return Change.RAISED
        if new.target < old.target:
            return Change.LOWERED
        return Change.SAME

    @property
    def change_mark(self) -> str:
        return CHANGE_MARKS[self.change][0]

    @property
    def change_label(self) -> str:
        return CHANGE_MARKS[self.change][1]


@dataclass
class TaskComparison:
    """A task of either year, with its counterpart of the other year when one was found."""

    base: KeyTask | None
    other: KeyTask | None
    similarity: float = 0.0  # 1.0: same title
    indicators: list[IndicatorComparison] = field(default_factory=list)

    @property
    def is_matched(self) -> bool:
        return self.base is not None and self.other is not None

    @property
    def is_renamed(self) -> bool:
        return self.is_matched and self.similarity < 1.0

    @property
    def section(self) -> Section:
        task = self.other or self.base
        assert task is not None
        return task.section


@dataclass
class SectionComparison:
    """A section of this year's plan with its matched tasks."""

    section: Section
    rows: list[TaskComparison]


@dataclass
class PlanComparison:
    """Two plan years side by side: matched tasks by this year's sections, then the unmatched."""

    base: WorkPlan
    other: WorkPlan
    sections: list[SectionComparison]
    added: list[TaskComparison]  # 新增: this year's tasks without a counterpart
    dropped: list[TaskComparison]  # 不再列入: the base year's tasks without a counterpart

    @property
    def rows(self) -> list[TaskComparison]:
        """Every row: matched and added in this year's order, then the dropped ones."""
        rows = [row for s in self.sections for row in s.rows] + self.added
        rows.sort(key=lambda row: row.other.number if row.other is not None else 0)
        return rows + self.dropped

    @property
    def matched_count(self) -> int:
        return sum(len(s.rows) for s in self.sections)


def _normalised(name: str) -> str:
    return "".join(name.split())


def match_by_name(base: Sequence[str], other: Sequence[str]) -> dict[int, tuple[int, float]]:
    """Pair names of two lists: the same name first, then the most similar (ratio ≥ 0.6); each
    name is paired at most once. Returns other index → (base index, similarity)."""
    base_names = [_normalised(n) for n in base]
    other_names = [_normalised(n) for n in other]
    pairs: dict[int, tuple[int, float]] = {}
    used: set[int] = set()
    same_name: dict[str, list[int]] = {}
    for i, name in enumerate(base_names):
        same_name.setdefault(name, []).append(i)
    for j, name in enumerate(other_names):
        candidates = same_name.get(name)
        if candidates:
            i = candidates.pop(0)
            pairs[j] = (i, 1.0)
            used.add(i)
    similar: list[tuple[float, int, int]] = []
    for j, other_name in enumerate(other_names):
        if j in pairs:
            continue
        for i, base_name in enumerate(base_names):
            if i in used:
                continue
            matcher = SequenceMatcher(None, base_name, other_name, autojunk=False)
            if matcher.real_quick_ratio() < SIMILAR_RATIO or matcher.quick_ratio() < SIMILAR_RATIO:
                continue
            ratio = matcher.ratio()
            if ratio >= SIMILAR_RATIO:
                similar.append((-ratio, j, i))
    for negative_ratio, j, i in sorted(similar):  # most similar first, then in list order
        if j not in pairs and i not in used:
            pairs[j] = (i, -negative_ratio)
            used.add(i)
    return pairs


def _indicator_comparisons(
    base: list[IndicatorState], other: list[Indicator]
) -> list[IndicatorComparison]:
    pairs = match_by_name([s.indicator.name for s in base], [i.name for i in other])
    rows = [
        IndicatorComparison(base=base[pairs[j][0]] if j in pairs else None, other=indicator)
        for j, indicator in enumerate(other)
    ]
    matched = {i for i, _ in pairs.values()}
    rows += [
        IndicatorComparison(base=s, other=None) for i, s in enumerate(base) if i not in matched
    ]
    return rows


def plan_comparison(*, base: WorkPlan, other: WorkPlan) -> PlanComparison:
    """年度对比: ``other``'s tasks beside ``base``'s, matched by title, their indicators by name,
    with the base year's targets and actuals (as the task pages compute them); fixed queries."""
    base_states = task_states(base.tasks.all(), clock.today())
    other_tasks = list(task_queryset_for_display(other.tasks.all()).order_by("number"))
    pairs = match_by_name([s.task.title for s in base_states], [t.title for t in other_tasks])

    sections: dict[int, SectionComparison] = {}
    added: list[TaskComparison] = []
    for j, task in enumerate(other_tasks):
        if j not in pairs:
            added.append(
                TaskComparison(
                    base=None,
                    other=task,
                    indicators=_indicator_comparisons([], list(task.indicators.all())),
                )
            )
            continue
        i, similarity = pairs[j]
        state = base_states[i]
        row = TaskComparison(
            base=state.task,
            other=task,
            similarity=similarity,
            indicators=_indicator_comparisons(state.indicators, list(task.indicators.all())),
        )
        sections.setdefault(task.section_id, SectionComparison(task.section, [])).rows.append(row)
    matched = {i for i, _ in pairs.values()}
    dropped = [
        TaskComparison(
            base=state.task, other=None, indicators=_indicator_comparisons(state.indicators, [])
        )
        for i, state in enumerate(base_states)
        if i not in matched
    ]
    return PlanComparison(
        base=base,
        other=other,
        sections=sorted(sections.values(), key=lambda s: s.section.number),
        added=added,
        dropped=dropped,
    )
