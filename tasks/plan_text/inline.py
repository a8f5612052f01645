"""The "inline" shape: sections whose one paragraph lists its items as 一是…二是…三是….

The plan is a title, preamble paragraphs (ending in a line such as 重点抓好以下六方面工作：) and
sections headed 一、…. A heading may wrap onto one short line without sentence punctuation. Each
section is one paragraph: a lead-in sentence (坚持……，着力……。) and then its items, each opened by
an ordinal in sequence at the start of a sentence. Page breaks may cut the paragraph anywhere, so a
section's lines are joined until the next heading. The plan names no numbers, leads or participants:
items are numbered across the plan and their leads are left for a person to choose (``warnings``).
"""

import re
from dataclasses import dataclass, field

from tasks.plan_text.indicators import _extract_indicators
from tasks.plan_text.model import ParsedPlan, ParsedSection, ParsedTask, PlanParseError
from tasks.plan_text.text import (
    _CJK_SPACE_RE,
    _ends_terminal,
    _find_framework,
    _numeral,
    _numeral_value,
    _section_heading,
    _split_lines,
)

# An ordinal opens an item only at the paragraph's start or right after a sentence ends (a closing
# quote may follow the stop), so 这是 / 之一是 never split.
_ORDINAL_RE = re.compile(
    r"(?:^|(?<=[。；！？;!?：:])|(?<=[。！？!?][”’」』）)]))\s*"
    r"(?P<ordinal>[一二三四五六七八九十]{1,3})是"
)
_WRAP_STOPS = "。；！？：;:!?"
_WRAP_MAX_CHARS = 25  # a heading's wrapped tail is short; a section's first line is not
_PREAMBLE_STOPS = "：:"
_AREA_COUNT_RE = re.compile(r"以下(?P<count>[一二三四五六七八九十]+)(?:个)?方面")

_TITLE_STOPS = "，；。：,;:！？!?"
_TITLE_MAX_CHARS = 28
_TITLE_MIN_CHARS = 6
_OPENERS = "“‘「『《（("
_CLOSERS = "”’」』》）)"


@dataclass
class _Section:
    """A section's heading and its joined paragraph, with the line of every joined fragment."""

    number: int
    numeral: str
    title: str
    line_no: int
    line: str
    text: str = ""
    wrapped: bool = False
    # (offset in text, line number) so an item can name the line it starts on.
    spans: list[tuple[int, int]] = field(default_factory=list)

    def append(self, line_no: int, line: str) -> None:
        self.spans.append((len(self.text), line_no))
        self.text += line

    def line_at(self, offset: int) -> int:
        found = self.spans[0][1]
        for start, line_no in self.spans:
            if start <= offset:
                found = line_no
        return found


@dataclass
class _Layout:
    title: str
    title_line_no: int
    title_line: str
    paragraphs: list[str]
    sections: list[_Section]


def _take_heading_wrap(section: _Section, line: str) -> bool:
    """Join a heading's short wrapped tail (no sentence punctuation) onto its title."""
    if (
        section.wrapped
        or section.text
        or _ends_terminal(section.title)
        or any(char in _WRAP_STOPS for char in line)
        or len(_CJK_SPACE_RE.sub("", line)) > _WRAP_MAX_CHARS
        or _ORDINAL_RE.match(line)
    ):
        return False
    section.title += line
    section.wrapped = True
    return True


def _read_layout(lines: list[str]) -> _Layout:
    """Split the lines into title, preamble paragraphs and sections; raise on a bad heading."""
    title: tuple[int, str] | None = None
    paragraphs: list[str] = []
    sections: list[_Section] = []
    for line_no, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line:
            continue
        heading = _section_heading(line)
        if title is None:
            if heading:
                raise PlanParseError(line_no=line_no, line=line, reason="缺少计划标题")
            title = (line_no, line)
            continue
        if heading:
            value, numeral, heading_title = heading
            expected = len(sections) + 1
            if value != expected:
                raise PlanParseError(
                    line_no=line_no,
                    line=line,
                    reason=f"章节编号应为 {_numeral(expected)}，实际为 {numeral}",
                )
            _require_text(sections)
            sections.append(_Section(value, numeral, heading_title, line_no, line))
            continue
        if sections:
            if not _take_heading_wrap(sections[-1], line):
                sections[-1].append(line_no, line)
        elif paragraphs and not (
            _ends_terminal(paragraphs[-1]) or paragraphs[-1][-1] in _PREAMBLE_STOPS
        ):
            # A preamble sentence cut by a page break continues on the next non-blank line.
            paragraphs[-1] += line
        else:
            paragraphs.append(line)
    if title is None:
        raise PlanParseError(line_no=1, line="", reason="文本为空")
    if not sections:
        raise PlanParseError(line_no=title[0], line=title[1], reason="未找到任何章节（如“一、…”）")
    _require_text(sections)
    return _Layout(_CJK_SPACE_RE.sub("", title[1]), title[0], title[1], paragraphs, sections)


def _require_text(sections: list[_Section]) -> None:
    if not sections:
        return
    last = sections[-1]
    if not last.title:
        raise PlanParseError(line_no=last.line_no, line=last.line, reason="章节标题为空")
    if not last.text.strip():
        raise PlanParseError(line_no=last.line_no, line=last.line, reason="章节标题之后没有正文")


def _has_inline_items(lines: list[str]) -> bool:
    """Whether a line after the first heading opens an item with 一是 (layout not yet checked).

    Lenient on purpose: a plan of this shape with a bad heading should get this shape's error."""
    in_sections = False
    for raw in lines:
        line = raw.strip()
        if _section_heading(line):
            in_sections = True
        elif in_sections and any(
            _numeral_value(match["ordinal"]) == 1 for match in _ORDINAL_RE.finditer(line)
        ):
            return True
    return False


def _splits(text: str) -> tuple[list[re.Match[str]], list[str]]:
    """The ordinals that open items in a paragraph (一是 first, then rising) and what to check.

    The notes lack their section's name (板块三) and final stop; the caller adds both."""
    splits: list[re.Match[str]] = []
    notes: list[str] = []
    before_first: list[str] = []
    for match in _ORDINAL_RE.finditer(text):
        value = _numeral_value(match["ordinal"])
        if value is None:
            continue
        ordinal = f"“{match['ordinal']}是”"
        if not splits:
            if value == 1:
                splits.append(match)
            else:
                before_first.append(ordinal)
            continue
        last = _numeral_value(splits[-1]["ordinal"])
        assert last is not None
        previous = f"“{splits[-1]['ordinal']}是”"
        if value <= last:
            notes.append(f"的{previous}之后又出现{ordinal}，未作拆分，请核对")
            continue
        if value != last + 1:
            notes.append(f"的{previous}之后出现{ordinal}，中间可能漏了一项，请核对")
        splits.append(match)
    if before_first:
        found = "、".join(before_first)
        if splits:
            notes.insert(0, f"的{found}在“一是”之前，未作拆分，请核对")
        else:
            notes.insert(0, f"出现{found}但没有“一是”，整段作为一项重点工作，请核对")
    return splits, notes


def _item_description(text: str) -> str:
    text = text.strip()
    if text.endswith(("；", ";")):
        # Items joined by semicolons (一是…；二是…) each become a sentence of their own.
        text = text[:-1] + "。"
    return text


def _outside_quotes(text: str) -> list[tuple[int, str]]:
    """(index, char) of the characters not inside quotes, 《》 or parens."""
    found: list[tuple[int, str]] = []
    depth = 0
    for index, char in enumerate(text):
        if char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            depth = max(depth - 1, 0)
        elif depth == 0:
            found.append((index, char))
    return found


def _short_title(description: str) -> str:
    """The item's first clause, cut before a 、 or 的 (never mid-word) when it is long."""
    stop = next((i for i, char in _outside_quotes(description) if char in _TITLE_STOPS), None)
    clause = description[:stop].strip()
    if len(clause) <= _TITLE_MAX_CHARS:
        return clause
    boundaries = [
        (i, char) for i, char in _outside_quotes(clause) if char in "、的" and i >= _TITLE_MIN_CHARS
    ]
    fitting = [(i, char) for i, char in boundaries if i <= _TITLE_MAX_CHARS]
    enumerations = [i for i, char in fitting if char == "、"]
    if enumerations:
        # Before a list's first 、 the verb still has a whole object ("加强A" of "加强A、B、C").
        cut = enumerations[0]
    elif fitting:
        cut = fitting[-1][0]  # before the last 的 that fits: the longest modifier kept whole
    elif boundaries:
        cut = boundaries[0][0]
    else:
        return clause
    return clause[:cut].strip()


def parse_inline_text(text: str) -> ParsedPlan:
    """Parse the "inline" shape (一是…二是… inside each section's paragraph) into a plan."""
    layout = _read_layout(_split_lines(text))
    sections: list[ParsedSection] = []
    warnings: list[str] = []
    number = 1
    for section in layout.sections:
        body = section.text
        offset = len(body) - len(body.lstrip())
        splits, notes = _splits(body)
        warnings.extend(f"板块{section.numeral}{note}。" for note in notes)
        if splits:
            description = body[: splits[0].start("ordinal")].strip()
            pieces = [
                (match.start("ordinal"), match.end(), following)
                for match, following in zip(
                    splits, [m.start("ordinal") for m in splits[1:]] + [len(body)], strict=True
                )
            ]
        else:
            description = ""
            pieces = [(offset, offset, len(body))]
            if not notes:
                warnings.append(
                    f"板块{section.numeral}未按“一是、二是”分项，整段作为第 {number} 项重点工作，"
                    "请核对标题。"
                )
        tasks: list[ParsedTask] = []
        for start, text_start, end in pieces:
            item = _item_description(body[text_start:end])
            line_no = section.line_at(start)
            if not item or item in "。；;":
                raise PlanParseError(
                    line_no=line_no,
                    line=_line_text(section, line_no),
                    reason=f"“{body[start:text_start].strip()}”之后没有内容",
                )
            title = _short_title(item)
            tasks.append(
                ParsedTask(
                    number=number,
                    title=title,
                    description=item,
                    lead_names=(),
                    participants_text="",
                    participant_names=(),
                    indicators=_extract_indicators(item, title),
                    line=line_no,
                )
            )
            number += 1
        sections.append(
            ParsedSection(
                number=section.number,
                numeral=section.numeral,
                title=section.title,
                tasks=tuple(tasks),
                line=section.line_no,
                description=description,
            )
        )
    task_count = number - 1
    warnings.insert(
        0,
        f"原文未写明牵头部室：{task_count} 项重点工作的牵头部室为“待定”，请在保存前指定。",
    )
    warnings.extend(_area_count_warning(layout.paragraphs, len(sections)))
    return ParsedPlan(
        title=layout.title,
        framework=_find_framework(layout.paragraphs),
        paragraphs=tuple(layout.paragraphs),
        sections=tuple(sections),
        shape="inline",
        warnings=tuple(warnings),
    )


def _line_text(section: _Section, line_no: int) -> str:
    starts = [start for start, number in section.spans if number == line_no]
    if not starts:
        return section.line
    ends = [start for start, _ in section.spans if start > starts[0]]
    return section.text[starts[0] : ends[0] if ends else len(section.text)]


def _area_count_warning(paragraphs: list[str], found: int) -> list[str]:
    """A check when the preamble announces N areas (以下六方面工作) but another count is found."""
    for paragraph in paragraphs:
        match = _AREA_COUNT_RE.search(paragraph)
        if match:
            announced = _numeral_value(match["count"])
            if announced is not None and announced != found:
                return [f"前言写明“以下{match['count']}方面”，实际找到 {found} 个板块，请核对。"]
            return []
    return []
