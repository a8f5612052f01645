"""The plan's structure: title, preamble, sections, numbered tasks, leads and participants.

The published plan is a title, preamble paragraphs, sections headed 一、 … and numbered key
tasks that each end in a （牵头部室：…，参与单位：…） parenthetical. The text comes from PDF
exports, so page breaks may split words, sentences and even the lead parenthetical. This module
reads that layout line by line (``parse_numbered_text``), finds the framework code in the preamble
(“123430”工作思路), and hands each task's description to ``indicators`` for its targets.
"""

import re

from tasks.plan_text.indicators import _extract_indicators
from tasks.plan_text.model import ParsedPlan, ParsedSection, ParsedTask, PlanParseError
from tasks.plan_text.text import (
    _CJK_SPACE_RE,
    _ends_terminal,
    _find_framework,
    _matching_paren,
    _numeral,
    _section_heading,
    _split_lines,
    _split_names,
)

_TASK_RE = re.compile(r"^(?P<number>\d{1,3})\s*[.．、]\s*(?P<rest>.*)$")
# The first task opens the numbered shape; "1.5万" at a line start is a continuation, not a task.
_FIRST_TASK_RE = re.compile(r"^1\s*[.．、](?!\d)")
_MEANING_RE = re.compile(r"^[“\"]\s*\d+\s*[”\"]\s*是指")
_LEAD_START_RE = re.compile(r"[（(]\s*牵头(?:部室|部门|单位)")
_LEAD_BODY_RE = re.compile(
    r"^\s*牵头(?:部室|部门|单位)\s*[：:]\s*(?P<leads>.*?)\s*[，,；;]\s*"
    r"参与(?:单位|部室|部门)\s*[：:]\s*(?P<participants>.*?)\s*$",
    re.DOTALL,
)

_MISSING_LEAD = "缺少（牵头部室：…，参与单位：…）"


class _OpenTask:
    """A task whose lead parenthetical has not been read yet."""

    def __init__(self, number: int, line_no: int, line: str, rest: str) -> None:
        self.number = number
        self.line_no = line_no
        self.line = line
        self.text = ""
        # (offset in text, line number, line text) so errors can name the line of a position.
        self.spans: list[tuple[int, int, str]] = []
        self.append(line_no, line, rest)

    def append(self, line_no: int, line: str, fragment: str) -> None:
        self.spans.append((len(self.text), line_no, line))
        self.text += fragment

    def line_at(self, offset: int) -> tuple[int, str]:
        found = self.spans[0]
        for span in self.spans:
            if span[0] <= offset:
                found = span
        return found[1], found[2]


class _OpenSection:
    def __init__(self, number: int, numeral: str, title: str, line_no: int, line: str) -> None:
        self.number = number
        self.numeral = numeral
        self.title = title
        self.line_no = line_no
        self.line = line
        self.tasks: list[ParsedTask] = []


class _PlanParser:
    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.title: str | None = None
        self.title_line_no = 0
        self.title_line = ""
        self.paragraphs: list[str] = []
        self.paragraph: str | None = None
        self.sections: list[_OpenSection] = []
        self.task: _OpenTask | None = None
        self.next_task = 1

    def parse(self) -> ParsedPlan:
        for line_no, raw in enumerate(self.lines, start=1):
            line = raw.strip()
            if not line:
                continue
            if self.title is None:
                self._take_title(line_no, line)
            elif self.task is not None:
                self._feed_task(line_no, line)
            elif self.sections:
                self._feed_section_area(line_no, line)
            else:
                self._feed_preamble(line_no, line)
        return self._finish()

    # ---------------------------------------------------------------- line handlers

    def _take_title(self, line_no: int, line: str) -> None:
        if self._section_match(line) or _TASK_RE.match(line):
            raise PlanParseError(line_no=line_no, line=line, reason="缺少计划标题")
        self.title = _CJK_SPACE_RE.sub("", line)
        self.title_line_no = line_no
        self.title_line = line

    def _feed_preamble(self, line_no: int, line: str) -> None:
        section = self._section_match(line)
        if section:
            self._close_paragraph()
            self._open_section(line_no, line, *section)
            return
        task = _TASK_RE.match(line)
        if task and int(task["number"]) == 1:
            raise PlanParseError(
                line_no=line_no, line=line, reason="重点工作之前缺少章节标题（如“一、…”）"
            )
        if (
            self.paragraph is not None
            and not _MEANING_RE.match(line)
            and not _ends_terminal(self.paragraph)
        ):
            # A preamble sentence cut by a page break continues on the next non-blank line.
            self.paragraph += line
            return
        self._close_paragraph()
        self.paragraph = line

    def _feed_section_area(self, line_no: int, line: str) -> None:
        current = self.sections[-1]
        task = _TASK_RE.match(line)
        if task:
            number = int(task["number"])
            if number != self.next_task:
                raise PlanParseError(
                    line_no=line_no,
                    line=line,
                    reason=f"任务编号应为 {self.next_task}，实际为 {number}",
                )
            self._open_task(line_no, line, number, task["rest"])
            return
        section = self._section_match(line)
        if section:
            self._open_section(line_no, line, *section)
            return
        if not current.tasks and not _ends_terminal(current.title):
            # Section titles carry no terminal punctuation, so a page break may split them.
            current.title += line
            return
        if current.tasks:
            reason = "上一项重点工作已结束，此行既不是下一项重点工作也不是章节标题"
        else:
            reason = f"章节标题之后应为第 {self.next_task} 项重点工作"
        raise PlanParseError(line_no=line_no, line=line, reason=reason)

    def _feed_task(self, line_no: int, line: str) -> None:
        task = self.task
        assert task is not None
        if (
            self._starts_next_block(line, task.number)
            and _ends_terminal(task.text.rstrip())
            and not _LEAD_START_RE.search(task.text)
        ):
            # A finished sentence followed by the next number means the parenthetical is
            # missing; swallowing the next task would hide the real error.
            raise PlanParseError(line_no=task.line_no, line=task.line, reason=_MISSING_LEAD)
        task.append(line_no, line, line)
        self._try_complete(line_no, line)

    # ---------------------------------------------------------------- helpers

    def _section_match(self, line: str) -> tuple[int, str, str] | None:
        return _section_heading(line)

    def _starts_next_block(self, line: str, number: int) -> bool:
        task = _TASK_RE.match(line)
        if task and int(task["number"]) == number + 1:
            return True
        section = self._section_match(line)
        return section is not None and section[0] == len(self.sections) + 1

    def _close_paragraph(self) -> None:
        if self.paragraph is not None:
            self.paragraphs.append(self.paragraph)
            self.paragraph = None

    def _open_section(self, line_no: int, line: str, value: int, numeral: str, title: str) -> None:
        expected = len(self.sections) + 1
        if value != expected:
            raise PlanParseError(
                line_no=line_no,
                line=line,
                reason=f"章节编号应为 {_numeral(expected)}，实际为 {numeral}",
            )
        self._require_tasks_in_last_section()
        self.sections.append(_OpenSection(value, numeral, title, line_no, line))

    def _require_tasks_in_last_section(self) -> None:
        if self.sections and not self.sections[-1].tasks:
            last = self.sections[-1]
            reason = "未找到任何重点工作" if self.next_task == 1 else "该部分下没有任何重点工作"
            raise PlanParseError(line_no=last.line_no, line=last.line, reason=reason)

    def _open_task(self, line_no: int, line: str, number: int, rest: str) -> None:
        current = self.sections[-1]
        if not current.title:
            raise PlanParseError(line_no=current.line_no, line=current.line, reason="章节标题为空")
        self.task = _OpenTask(number, line_no, line, rest)
        self._try_complete(line_no, line)

    def _try_complete(self, line_no: int, line: str) -> None:
        task = self.task
        assert task is not None
        start = _LEAD_START_RE.search(task.text)
        if not start:
            return
        close = _matching_paren(task.text, start.start())
        if close is None:
            return
        if task.text[close + 1 :].strip():
            raise PlanParseError(
                line_no=line_no, line=line, reason="（牵头部室：…）之后不应再有其他文字"
            )
        lead_line_no, lead_line = task.line_at(start.start())
        body = _LEAD_BODY_RE.match(task.text[start.start() + 1 : close])
        if body is None:
            raise PlanParseError(
                line_no=lead_line_no,
                line=lead_line,
                reason="无法解析（牵头部室：…，参与单位：…），请检查冒号和分隔符",
            )
        leads = _split_names(body["leads"])
        if not leads:
            raise PlanParseError(line_no=lead_line_no, line=lead_line, reason="牵头部室为空")
        description = task.text[: start.start()].strip()
        if not description:
            raise PlanParseError(line_no=task.line_no, line=task.line, reason="重点工作内容为空")
        title = description.split("。", 1)[0].strip()
        participants_text = body["participants"].strip()
        self.sections[-1].tasks.append(
            ParsedTask(
                number=task.number,
                title=title,
                description=description,
                lead_names=leads,
                participants_text=participants_text,
                participant_names=_split_names(participants_text),
                indicators=_extract_indicators(description, title),
                line=task.line_no,
            )
        )
        self.task = None
        self.next_task += 1

    def _finish(self) -> ParsedPlan:
        if self.title is None:
            raise PlanParseError(line_no=1, line="", reason="文本为空")
        if self.task is not None:
            task = self.task
            start = _LEAD_START_RE.search(task.text)
            if start:
                line_no, line = task.line_at(start.start())
                raise PlanParseError(line_no=line_no, line=line, reason="牵头部室括号未闭合")
            raise PlanParseError(line_no=task.line_no, line=task.line, reason=_MISSING_LEAD)
        self._close_paragraph()
        if not self.sections:
            raise PlanParseError(
                line_no=self.title_line_no,
                line=self.title_line,
                reason="未找到任何章节（如“一、…”）",
            )
        self._require_tasks_in_last_section()
        return ParsedPlan(
            title=self.title,
            framework=_find_framework(self.paragraphs),
            paragraphs=tuple(self.paragraphs),
            sections=tuple(
                ParsedSection(
                    number=section.number,
                    numeral=section.numeral,
                    title=section.title,
                    tasks=tuple(section.tasks),
                    line=section.line_no,
                )
                for section in self.sections
            ),
        )


def _looks_numbered(lines: list[str]) -> bool:
    """Whether the text has numbered tasks ("1." line) or a （牵头部室：…） parenthetical."""
    return any(_FIRST_TASK_RE.match(line.strip()) or _LEAD_START_RE.search(line) for line in lines)


def parse_numbered_text(text: str) -> ParsedPlan:
    """Parse the "numbered" shape into title, preamble, sections, tasks and indicators."""
    return _PlanParser(_split_lines(text)).parse()
