"""The year-end summary draft (年度工作总结初稿): one plan year's tasks, figures and problems turned
into the federation's summary, as an editable Word document and as the page that previews it.

Three steps, each testable alone:
- ``year_summary_read(job)`` reads the year in a fixed number of queries (plain dataclasses);
- ``year_summary_blocks(data)`` writes its text once, as a list of blocks (title, headings,
  paragraphs, the appendix table);
- ``build_year_summary_docx(data)`` lays the blocks out as an official document (A4, GB/T 9704
  margins, 小标宋/仿宋/黑体/楷体 where installed, "- N -" page numbers); the preview page renders
  the same blocks as HTML, so the two never differ.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import re
import shutil
import subprocess
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from django.utils import timezone
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from departments.models import Unit, UnitKind
from reports.models import ReportJob
from reports.selectors import approved_contributions
from tasks.models import (
    CadenceOccurrence,
    IndicatorActual,
    IndicatorKind,
    KeyTask,
    PeriodKind,
    ReportingPeriod,
    WorkPlan,
)
from tasks.selectors import IndicatorState, task_queryset_with_progress, task_state
from tasks.status import COLOUR_LABELS, Colour
from unionplan import clock

CHINESE_DIGITS = "零一二三四五六七八九"


def chinese_ordinal(n: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 21 → 二十一 (enough for a summary's lists)."""
    if n < 10:
        return CHINESE_DIGITS[n]
    tens, ones = divmod(n, 10)
    return f"{'' if tens == 1 else CHINESE_DIGITS[tens]}十{CHINESE_DIGITS[ones] if ones else ''}"


def number_text(value: Decimal | int | float) -> str:
    """A figure as a document writes it: 126, 92.5 (no trailing zeros)."""
    text = format(Decimal(str(value)).normalize(), "f")
    return text


def percent_text(value: Decimal) -> str:
    """A share as a document writes it, one decimal at most: 90, 92.9."""
    return number_text(value.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


# --- what the reader returns ---------------------------------------------------------------


@dataclass
class FigureSource:
    """Where one figure comes from: the lead department's updates and the units' approvals."""

    updates: list[str] = field(default_factory=list)  # e.g. "第一、二、三季度进展填报（权益部）"
    units: list[str] = field(default_factory=list)  # e.g. "坂田街道总工会（第一、二季度）"

    @property
    def text(self) -> str:
        parts = list(self.updates)
        if self.units:
            parts.append("审核通过的单位报送：" + "、".join(self.units))
        return "；".join(parts) or "暂无填报"


@dataclass
class IndicatorFigure:
    """One indicator's figure for the year and the sentence that states it."""

    name: str
    kind: str
    target: str
    value: str  # as the appendix shows it, e.g. "126个", "92.5%", "已于9月20日完成"
    sentence: str  # e.g. "律师驻点累计24个（目标≥22个），…较目标超额完成9.1%"
    actual: Decimal | None
    source: FigureSource


@dataclass
class TaskSummary:
    number: int
    title: str
    leads: str
    colour: Colour
    percent: int
    expected: float
    base_text: str  # the last period's 进展情况
    base_period: str
    figures: list[IndicatorFigure] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # the year's 存在问题, oldest first
    next_steps: list[str] = field(default_factory=list)

    @property
    def colour_label(self) -> str:
        return COLOUR_LABELS[self.colour]


@dataclass
class SectionSummary:
    number: int
    title: str
    tasks: list[TaskSummary] = field(default_factory=list)


@dataclass
class YearSummary:
    """Everything the year-end summary draft says, as plain values."""

    year: int
    organisation: str
    framework: str
    framework_parts: list[str]  # e.g. ["一个目标", "两个聚焦", …] from the plan's paragraphs
    cut_off: dt.date
    generated_at: dt.datetime
    sections: list[SectionSummary] = field(default_factory=list)
    colour_counts: dict[Colour, int] = field(default_factory=dict)
    indicators_total: int = 0
    indicators_met: int = 0

    @property
    def title(self) -> str:
        return f"{self.organisation}{self.year}年工作总结（初稿）"

    @property
    def file_name(self) -> str:
        return f"{self.year}年工作总结初稿.docx"

    @property
    def tasks(self) -> list[TaskSummary]:
        return [t for s in self.sections for t in s.tasks]


# --- reading -----------------------------------------------------------------------------------


def year_summary_period(plan: WorkPlan) -> ReportingPeriod | None:
    """The period a year summary job is filed under: the plan's last quarter (else its last)."""
    periods = plan.periods.order_by("-end_date", "-number")
    return periods.filter(kind=PeriodKind.QUARTER).first() or periods.first()


UNIT_GROUPS = {
    UnitKind.STREET: "各街道总工会",
    UnitKind.INDUSTRY: "各行业工会",
    UnitKind.COMMUNITY: "各社区工联会",
}
FRAMEWORK_PART = re.compile(r"^“[^”]+”是指([^：:，。]+)")


def _clean(text: str) -> str:
    """A free text as a sentence of the document: trimmed, one full stop at the end."""
    text = re.sub(r"\s+", "", text or "").strip("；;，,。. ")
    return f"{text}。" if text else ""


def _without_period(text: str, period: ReportingPeriod) -> str:
    """An update's text without the "第三季度，" it may open with: the summary tells the year."""
    text = (text or "").strip()
    for opening in (f"{period.name}，", f"{period.name},", f"{period.name}以来，"):
        if text.startswith(opening):
            return text.removeprefix(opening)
    return text


def quoted(title: str) -> str:
    """A title in quotation marks, its own quotation marks made single: “举办‘中国梦’活动”."""
    return "“" + title.replace("“", "‘").replace("”", "’") + "”"


def _periods_text(chosen: list[ReportingPeriod]) -> str:
    """Periods as the document names them: 第一、二、三季度 (quarters), else 1月、2月…"""
    ordered = sorted(set(chosen), key=lambda p: (p.start_date, p.kind))
    if ordered and all(p.kind == PeriodKind.QUARTER for p in ordered):
        return f"第{_numbers_joined([p.number for p in ordered])}季度"
    return "、".join(p.name for p in ordered)


def _numbers_joined(numbers: list[int]) -> str:
    """Period numbers as the document names them: 第一、二、三季度."""
    return "、".join(chinese_ordinal(n) for n in numbers)


def year_summary_read(job: ReportJob) -> YearSummary:
    """The year of the job's plan, as the summary tells it, in a fixed number of queries: the
    tasks with their updates, actuals and leads, the units' approved contributions by indicator,
    unit and period, the units' names and the cadence occurrences."""
    plan = job.period.plan
    cut_off = min(dt.date(plan.year, 12, 31), clock.today())
    approved = approved_contributions(by=("indicator", "unit", "period"), plan=plan)
    units = Unit.objects.in_bulk({unit_id for _, unit_id, _ in approved})
    periods = {p.pk: p for p in plan.periods.all()}
    occurrences: dict[int, list[CadenceOccurrence]] = defaultdict(list)
    for row in CadenceOccurrence.objects.filter(indicator__task__plan=plan).order_by(
        "slot", "done_on", "pk"
    ):
        occurrences[row.indicator_id].append(row)
    by_indicator: dict[int, Decimal] = defaultdict(Decimal)
    contributions: dict[int, dict[tuple[int, int], Decimal]] = defaultdict(dict)
    for (indicator_id, unit_id, period_id), total in approved.items():
        by_indicator[indicator_id] += total
        contributions[indicator_id][(unit_id, period_id)] = total
    loaded = list(
        task_queryset_with_progress(
            KeyTask.objects.filter(plan=plan), with_participants=False, with_unit_sums=False
        ).order_by("section__number", "number")
    )
    for task in loaded:
        for ind in task.indicators.all():
            ind.units_approved = by_indicator.get(ind.pk)  # type: ignore[attr-defined]
            if ind.kind == IndicatorKind.CADENCE:  # read by task_state, not queried again
                ind.cadence_occurrences = occurrences[ind.pk]  # type: ignore[attr-defined]
    data = YearSummary(
        year=plan.year,
        organisation=_organisation(plan),
        framework=plan.framework,
        framework_parts=[
            m.group(1).strip()
            for p in plan.paragraphs or []
            if (m := FRAMEWORK_PART.match(str(p).strip()))
        ],
        cut_off=cut_off,
        generated_at=timezone.localtime(),
        colour_counts=dict.fromkeys(Colour, 0),
    )
    sections: dict[int, SectionSummary] = {}
    for task in loaded:
        state = task_state(task, cut_off)
        data.colour_counts[state.colour] += 1
        section = sections.get(task.section_id)
        if section is None:
            section = sections[task.section_id] = SectionSummary(
                number=task.section.number, title=task.section.title
            )
            data.sections.append(section)
        updates = list(task.updates.all())  # oldest period first
        latest = updates[-1] if updates else None
        leads = "、".join(lead.unit.display_name for lead in task.leads.all())
        summary = TaskSummary(
            number=task.number,
            title=task.title,
            leads=leads,
            colour=state.colour,
            percent=state.percent,
            expected=state.expected,
            base_text=_clean(_without_period(latest.progress, latest.period)) if latest else "",
            base_period=latest.period.name if latest else "",
            problems=_distinct(_clean(u.problems) for u in updates),
            next_steps=_distinct(_clean(u.next_steps) for u in updates),
        )
        for s in state.indicators:
            ind = s.indicator
            own = [
                (u.period, a)
                for u in updates
                for a in u.actuals.all()
                if a.indicator_id == ind.pk and (a.value is not None or a.done)
            ]
            figure = _figure(s, own, contributions[ind.pk], units, periods, leads)
            if ind.kind == IndicatorKind.CADENCE:
                days = [
                    f"{o.done_on.month}月{o.done_on.day}日"
                    for o in occurrences[ind.pk]
                    if o.done_on <= cut_off
                ]
                if days:
                    figure.source.updates = [f"开展记录：{'、'.join(days)}（{leads}）"]
            summary.figures.append(figure)
            if ind.kind != IndicatorKind.CADENCE:
                data.indicators_total += 1
                data.indicators_met += int(s.met)
        section.tasks.append(summary)
    return data


def _organisation(plan: WorkPlan) -> str:
    """The federation's name as its plan's title gives it (龙岗区总工会), else the district unit."""
    head = plan.title.split(str(plan.year))[0].strip()
    if head:
        return head
    district = Unit.objects.filter(kind=UnitKind.DISTRICT).first()
    return district.name if district else "区总工会"


def _distinct(texts: Iterable[str]) -> list[str]:
    """Texts once each, in their order, the empty ones left out."""
    seen: list[str] = []
    for text in texts:
        if text and text not in seen:
            seen.append(text)
    return seen


def _figure(
    state: IndicatorState,
    own: list[tuple[ReportingPeriod, IndicatorActual]],
    contributions: dict[tuple[int, int], Decimal],
    units: dict[int, Unit],
    periods: dict[int, ReportingPeriod],
    leads: str,
) -> IndicatorFigure:
    ind = state.indicator
    unit_word = "" if ind.measure_unit == "%" else ind.measure_unit
    target = ind.target_display.replace(" ", "")
    source = FigureSource()
    if ind.kind == IndicatorKind.RATE:
        used = [p for p, _ in own[-1:]]  # a rate is its latest value
    elif ind.kind == IndicatorKind.MILESTONE:
        used = [p for p, a in own if a.done][-1:]
    else:
        used = [p for p, _ in own]
    if used:
        source.updates = [f"{_periods_text(used)}进展填报（{leads}）"]
    if ind.kind == IndicatorKind.COUNT:
        by_unit: dict[int, list[ReportingPeriod]] = defaultdict(list)
        for unit_id, period_id in contributions:
            by_unit[unit_id].append(periods[period_id])
        ordered = sorted(by_unit, key=lambda u: (units[u].kind, units[u].sort_order, units[u].name))
        source.units = [f"{units[u].name}（{_periods_text(by_unit[u])}）" for u in ordered]
    actual = state.actual
    name = ind.name
    if ind.kind == IndicatorKind.MILESTONE:
        if state.met and state.done_on:
            value = f"已于{state.done_on.month}月{state.done_on.day}日完成"
        else:
            value = "已完成" if state.met else "尚未完成"
        sentence = f"{name}{value}"
    elif ind.kind == IndicatorKind.CADENCE:
        slots = getattr(state, "slots", ())
        done = int(actual or 0)
        value = f"{done}/{len(slots)}期" if slots else f"{done}期"
        done_text = f"已开展{done}期" if done else "尚未开展"
        sentence = f"{name}按{ind.get_cadence_display()}开展的要求，全年{len(slots)}期中{done_text}"
    elif actual is None:
        value = "—"
        sentence = f"{name}暂无完成数据（目标{target}）"
    elif ind.kind == IndicatorKind.RATE:
        value = f"{number_text(actual)}%"
        sentence = f"{name}达{value}（目标{target}）"
    else:
        value = f"{number_text(actual)}{unit_word}"
        sentence = f"{name}累计{value}（目标{target}）"
        shares = _unit_shares(contributions, units)
        if shares:
            sentence += "，其中" + "、".join(
                f"{group}贡献{number_text(total)}{unit_word}" for group, total in shares
            )
        if ind.target:
            if ind.comparator == "lte":
                sentence += "，控制在目标以内" if state.met else "，超出目标"
            elif actual > ind.target:
                sentence += (
                    f"，较目标超额完成{percent_text((actual - ind.target) * 100 / ind.target)}%"
                )
            else:
                sentence += f"，完成{percent_text(actual * 100 / ind.target)}%"
    return IndicatorFigure(
        name=name,
        kind=ind.kind,
        target=target,
        value=value,
        sentence=sentence,
        actual=actual,
        source=source,
    )


def _unit_shares(
    contributions: dict[tuple[int, int], Decimal], units: dict[int, Unit]
) -> list[tuple[str, Decimal]]:
    """The units' approved contributions by kind of unit: streets, industry unions, communities."""
    totals: dict[str, Decimal] = {}
    for (unit_id, _period), total in contributions.items():
        group = UNIT_GROUPS.get(UnitKind(units[unit_id].kind), "其他单位")
        totals[group] = totals.get(group, Decimal(0)) + total
    order = list(UNIT_GROUPS.values()) + ["其他单位"]
    return [(g, totals[g]) for g in order if totals.get(g)]


# --- the text, once ----------------------------------------------------------------------------

BlockKind = Literal["title", "body", "heading1", "heading2", "item", "note", "table", "page_break"]


@dataclass
class Block:
    """One paragraph of the draft (or its appendix table); ``lead`` is set in bold before text."""

    kind: BlockKind
    text: str = ""
    lead: str = ""
    rows: list[list[str]] = field(default_factory=list)  # table: header row first

    @property
    def full_text(self) -> str:
        return f"{self.lead}{self.text}"


MAX_POINTS = 6  # "一是…六是…": a summary lists a few, not every update's words


def year_summary_blocks(data: YearSummary) -> list[Block]:
    """The draft's paragraphs in order: what both the Word document and the preview show."""
    blocks = [Block("title", data.title), Block("body", _opening(data))]
    blocks.append(Block("heading1", f"一、{data.year}年工作开展情况"))
    blocks.append(Block("body", _lead_in(data)))
    for index, section in enumerate(data.sections, start=1):
        blocks.append(Block("heading2", f"（{chinese_ordinal(index)}）{section.title}"))
        for task in section.tasks:
            sentences = [task.base_text or "本年度尚未填报进展情况。"]
            figures = [f.sentence for f in task.figures]
            if figures:
                sentences.append("；".join(figures) + "。")
            blocks.append(Block("item", "".join(sentences), lead=f"{task.number}.{task.title}。"))
    blocks.append(Block("heading1", "二、存在的问题和下一步计划"))
    blocks.append(Block("body", _problems(data)))
    blocks.append(Block("body", _next_steps(data)))
    blocks.append(Block("page_break"))
    blocks.append(Block("heading1", "附表：数据来源"))
    blocks.append(
        Block(
            "note",
            f"本初稿由系统根据截至{data.cut_off:%Y年%m月%d日}的填报数据生成"
            f"（{data.generated_at:%Y-%m-%d %H:%M}），数值以审核通过的报送为准，请核对后修改定稿。",
        )
    )
    rows = [["序号", "重点工作", "指标", "数值", "来源"]]
    for task in data.tasks:
        for figure in task.figures:
            rows.append(
                [
                    str(len(rows)),
                    f"{task.number}.{task.title}",
                    f"{figure.name}（目标{figure.target}）",
                    figure.value,
                    figure.source.text,
                ]
            )
    blocks.append(Block("table", rows=rows))
    return blocks


def _opening(data: YearSummary) -> str:
    counts = data.colour_counts
    total = sum(counts.values())
    framework = ""
    if data.framework:
        meaning = f"（{'、'.join(data.framework_parts)}）" if data.framework_parts else ""
        framework = f"按照“{data.framework}”工作思路{meaning}，"
    return (
        f"{data.year}年，{data.organisation}在区委和市总工会的正确领导下，{framework}"
        "聚焦主责主业，团结动员广大职工建功立业，各项工作取得了较好成绩。"
        f"全年{total}项重点工作中，已完成{counts[Colour.DONE]}项，"
        f"正常推进{counts[Colour.GREEN]}项，进度滞后{counts[Colour.AMBER]}项，"
        f"严重滞后{counts[Colour.RED]}项；{data.indicators_total}项量化指标中，"
        f"已达到目标{data.indicators_met}项。"
    )


def _lead_in(data: YearSummary) -> str:
    return (
        f"一年来，我们围绕工作要点确定的{len(data.sections)}个方面、{len(data.tasks)}项重点工作，"
        "主要做了以下工作："
    )


def _points(items: list[str]) -> str:
    return "".join(f"{chinese_ordinal(i)}是{text}" for i, text in enumerate(items, start=1))


def _problems(data: YearSummary) -> str:
    behind = [t for t in data.tasks if t.colour in (Colour.RED, Colour.AMBER)]
    behind.sort(key=lambda t: (t.colour != Colour.RED, t.number))
    items: list[str] = []
    if behind:
        named = "、".join(f"{quoted(t.title)}（{t.colour_label}）" for t in behind[:5])
        more = f"等{len(behind)}项" if len(behind) > 5 else ""
        items.append(f"部分重点工作进度落后于时间进度。{named}{more}工作推进慢于计划。")
    # The problems written on the tasks behind first, then the rest; identical texts once.
    ordered = behind + [t for t in data.tasks if t not in behind]
    texts: dict[str, list[int]] = {}
    for task in ordered:
        for text in task.problems:
            texts.setdefault(text, []).append(task.number)
    for text, numbers in texts.items():
        if len(items) >= MAX_POINTS:
            break
        listed = sorted(set(numbers))
        which = "、".join(str(n) for n in listed[:8]) + ("等" if len(listed) > 8 else "")
        items.append(f"{text.rstrip('。')}（涉及第{which}项工作）。")
    if not items:
        return (
            "过去一年，各项重点工作总体按计划推进。在肯定成绩的同时，我们也清醒地认识到，"
            "工会工作与职工群众的期待相比还有差距，需要持续改进。"
        )
    return (
        "过去一年，在全区各级工会的共同努力下，各项工作取得新成效。在肯定成绩的同时，"
        "我们也清醒地认识到工作中还存在一些问题和不足，主要问题为：" + _points(items)
    )


def _next_steps(data: YearSummary) -> str:
    behind = [t for t in data.tasks if t.colour in (Colour.RED, Colour.AMBER)]
    items: list[str] = []
    if behind:
        items.append(
            f"对进度滞后的{len(behind)}项重点工作逐项梳理原因，明确责任人和完成时限，加强跟踪督办。"
        )
    for task in behind + [t for t in data.tasks if t not in behind]:
        for text in task.next_steps[-1:]:  # the latest plan of each task
            if text not in items and len(items) < MAX_POINTS:
                items.append(text)
    if not items:
        return "下一步，我们将对标年度目标，巩固工作成效，谋划好下一年度重点工作。"
    return "下一步，我们将重点抓好以下工作：" + _points(items)


# --- the Word document ----------------------------------------------------------------------

# Preferred fonts of an official document, each with what stands in when it is not installed.
TITLE_FONTS = ("方正小标宋简体", "方正小标宋_GBK", "华文中宋", "Noto Serif CJK SC")
BODY_FONTS = ("仿宋_GB2312", "仿宋", "FangSong", "Noto Serif CJK SC")
HEADING1_FONTS = ("黑体", "SimHei", "Noto Sans CJK SC")
HEADING2_FONTS = ("楷体_GB2312", "楷体", "KaiTi", "Noto Serif CJK SC")
LATIN_FONT = "Times New Roman"


@functools.cache
def installed_fonts() -> frozenset[str]:
    """The font families fontconfig knows on this machine (empty when it cannot be asked)."""
    if shutil.which("fc-list") is None:
        return frozenset()
    try:
        out = subprocess.run(
            ["fc-list", ":", "family"], capture_output=True, text=True, timeout=10, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    return frozenset(name.strip() for line in out.splitlines() for name in line.split(","))


def font_for(preferred: tuple[str, ...]) -> str:
    """The first of ``preferred`` installed here; the first of all when none is (or unknown)."""
    fonts = installed_fonts()
    return next(
        (name for name in preferred if name in fonts), preferred[0] if not fonts else preferred[-1]
    )


def _set_font(run: Run, east_asian: str, size: float, *, bold: bool = False) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = LATIN_FONT if "Noto" not in east_asian else east_asian
    r_pr = run._element.get_or_add_rPr()
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    fonts.set(qn("w:eastAsia"), east_asian)


def _spacing(paragraph: Paragraph, *, indent: bool = True) -> None:
    fmt = paragraph.paragraph_format
    fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
    fmt.line_spacing = Pt(28)  # 22 lines a page, as GB/T 9704 sets
    fmt.space_before = Pt(0)
    fmt.space_after = Pt(0)
    if indent:
        fmt.first_line_indent = Pt(32)  # two characters of 三号


def _page_number_footer(section: object) -> None:
    footer = section.footer  # type: ignore[attr-defined]
    paragraph = footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    body = font_for(BODY_FONTS)

    def text(value: str) -> None:
        _set_font(paragraph.add_run(value), body, 14)

    text("- ")
    for kind in ("begin", "instr", "separate", "1", "end"):
        run = paragraph.add_run()
        _set_font(run, body, 14)
        if kind == "instr":
            code = OxmlElement("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = " PAGE "
            run._element.append(code)
        elif kind == "1":
            run.text = "1"  # shown until the field is updated
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._element.append(char)
    text(" -")


def build_year_summary_docx(data: YearSummary) -> bytes:
    """The draft as an editable Word document in the layout of an official document."""
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin, section.bottom_margin = Mm(37), Mm(35)
    section.left_margin, section.right_margin = Mm(28), Mm(26)
    section.footer_distance = Mm(20)
    _page_number_footer(section)
    document.core_properties.title = data.title
    document.core_properties.author = data.organisation
    title_font, body_font = font_for(TITLE_FONTS), font_for(BODY_FONTS)
    heading1_font, heading2_font = font_for(HEADING1_FONTS), font_for(HEADING2_FONTS)
    normal = document.styles["Normal"]
    normal.font.size = Pt(16)
    normal.font.name = LATIN_FONT
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), body_font)
    for block in year_summary_blocks(data):
        if block.kind == "page_break":
            document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            continue
        if block.kind == "table":
            _table(document, block.rows, body_font)
            continue
        paragraph = document.add_paragraph()
        if block.kind == "title":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            fmt = paragraph.paragraph_format
            fmt.space_after = Pt(28)
            fmt.line_spacing_rule = WD_LINE_SPACING.EXACTLY
            fmt.line_spacing = Pt(36)
            # 小标宋 is a heavy face; the Noto Serif standing in for it is set in bold.
            _set_font(paragraph.add_run(block.text), title_font, 22, bold="Noto" in title_font)
            continue
        if block.kind == "note":  # the appendix's small print, above its table
            paragraph.paragraph_format.space_after = Pt(6)
            _set_font(paragraph.add_run(block.text), body_font, 12)
            continue
        _spacing(paragraph)
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        if block.kind == "heading1":
            _set_font(paragraph.add_run(block.text), heading1_font, 16)
        elif block.kind == "heading2":
            _set_font(
                paragraph.add_run(block.text), heading2_font, 16, bold="Noto" in heading2_font
            )
        else:
            if block.lead:
                _set_font(paragraph.add_run(block.lead), body_font, 16, bold=True)
            _set_font(paragraph.add_run(block.text), body_font, 16)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


TABLE_WIDTHS = (Mm(13), Mm(33), Mm(37), Mm(19), Mm(54))  # 156 mm: the text width


def _table(document: object, rows: list[list[str]], font: str) -> None:
    table = document.add_table(rows=len(rows), cols=len(rows[0]))  # type: ignore[attr-defined]
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for column, width in zip(table.columns, TABLE_WIDTHS, strict=True):
        column.width = width  # the grid LibreOffice lays the table out by
    for r, values in enumerate(rows):
        cells = table.rows[r].cells
        tr_pr = table.rows[r]._tr.get_or_add_trPr()
        keep = OxmlElement("w:cantSplit")  # a row is not cut across two pages
        keep.set(qn("w:val"), "true")
        tr_pr.append(keep)
        if r == 0:  # the header repeats on every page of the table
            header = OxmlElement("w:tblHeader")
            header.set(qn("w:val"), "true")
            tr_pr.append(header)
        for c, value in enumerate(values):
            cell = cells[c]
            cell.width = TABLE_WIDTHS[c]
            paragraph = cell.paragraphs[0]
            paragraph.paragraph_format.space_after = Pt(0)
            if r == 0 or c == 0:
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _set_font(paragraph.add_run(value), font, 10.5, bold=r == 0)
