"""Pure parser for the published yearly work plan text (no Django imports).

The published plan is a title, preamble paragraphs, sections headed 一、 … and numbered key
tasks that each end in a （牵头部室：…，参与单位：…） parenthetical. The text comes from PDF
exports, so page breaks may split words, sentences and even the lead parenthetical.
"""

import re
from dataclasses import dataclass
from decimal import Decimal

__all__ = [
    "STREET_COUNT",
    "ParsedIndicator",
    "ParsedPlan",
    "ParsedSection",
    "ParsedTask",
    "PlanParseError",
    "parse_plan_text",
]

# Longgang District has 11 streets; "each street" targets are scaled by this for the district.
STREET_COUNT = 11


@dataclass(frozen=True)
class ParsedIndicator:
    """A suggested numeric target found in a task description."""

    name: str
    kind: str
    unit: str
    comparator: str
    target: Decimal
    per_unit_target: Decimal | None = None
    source: str = ""


@dataclass(frozen=True)
class ParsedTask:
    """One numbered key task with its leads, participants and suggested indicators."""

    number: int
    title: str
    description: str
    lead_names: tuple[str, ...]
    participants_text: str
    participant_names: tuple[str, ...]
    indicators: tuple[ParsedIndicator, ...]
    line: int


@dataclass(frozen=True)
class ParsedSection:
    """One 一、 … section with the tasks listed under it."""

    number: int
    numeral: str
    title: str
    tasks: tuple[ParsedTask, ...]
    line: int


@dataclass(frozen=True)
class ParsedPlan:
    """The whole parsed plan."""

    title: str
    framework: str
    paragraphs: tuple[str, ...]
    sections: tuple[ParsedSection, ...]

    @property
    def tasks(self) -> tuple[ParsedTask, ...]:
        """Return all tasks of all sections in document order."""
        return tuple(task for section in self.sections for task in section.tasks)


class PlanParseError(ValueError):
    """Raised with the 1-based line number and text of the first line not understood."""

    def __init__(self, *, line_no: int, line: str, reason: str) -> None:
        self.line_no = line_no
        self.line = line
        self.reason = reason
        super().__init__(f"第 {line_no} 行无法识别：{reason}。原文：“{line[:60]}”")

    def __reduce__(self) -> tuple[object, tuple[int, str, str]]:
        """Support pickling despite the keyword-only constructor (e.g. for task queues)."""
        return (_rebuild_error, (self.line_no, self.line, self.reason))


def _rebuild_error(line_no: int, line: str, reason: str) -> PlanParseError:
    return PlanParseError(line_no=line_no, line=line, reason=reason)


# --------------------------------------------------------------------------- structure

_NUMERAL_DIGITS = "一二三四五六七八九"
_SECTION_RE = re.compile(r"^(?P<numeral>[一二三四五六七八九十]+)\s*、\s*(?P<title>.*)$")
_TASK_RE = re.compile(r"^(?P<number>\d{1,3})\s*[.．、]\s*(?P<rest>.*)$")
_MEANING_RE = re.compile(r"^[“\"]\s*\d+\s*[”\"]\s*是指")
_TERMINAL = "。！？；!?;”’）)】」』"
_LEAD_START_RE = re.compile(r"[（(]\s*牵头(?:部室|部门|单位)")
_LEAD_BODY_RE = re.compile(
    r"^\s*牵头(?:部室|部门|单位)\s*[：:]\s*(?P<leads>.*?)\s*[，,；;]\s*"
    r"参与(?:单位|部室|部门)\s*[：:]\s*(?P<participants>.*?)\s*$",
    re.DOTALL,
)
_NAME_SPLIT_RE = re.compile(r"[、，,]")
_FRAMEWORK_RE = re.compile(r"[“\"「]\s*(?P<code>[^”\"」]{1,20}?)\s*[”\"」]\s*工作思路")
_CJK = r"\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_SPACE_RE = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")

_MISSING_LEAD = "缺少（牵头部室：…，参与单位：…）"


def _numeral_value(numeral: str) -> int | None:
    """Convert 一 … 九十九 to an int; None for anything that is not a plain section numeral."""
    if len(numeral) == 1:
        if numeral == "十":
            return 10
        return _NUMERAL_DIGITS.index(numeral) + 1
    tens, sep, ones = numeral.partition("十")
    if not sep or len(tens) > 1 or len(ones) > 1 or "十" in ones:
        return None
    value = (_NUMERAL_DIGITS.index(tens) + 1 if tens else 1) * 10
    return value + (_NUMERAL_DIGITS.index(ones) + 1 if ones else 0)


def _numeral(value: int) -> str:
    """Convert 1 … 99 to 一 … 九十九."""
    tens, ones = divmod(value, 10)
    if not tens:
        return _NUMERAL_DIGITS[ones - 1]
    prefix = "" if tens == 1 else _NUMERAL_DIGITS[tens - 1]
    return prefix + "十" + (_NUMERAL_DIGITS[ones - 1] if ones else "")


def _ends_terminal(text: str) -> bool:
    return bool(text) and text[-1] in _TERMINAL


def _matching_paren(text: str, start: int) -> int | None:
    """Index of the paren closing the one at ``start``; both widths count, so （…) pairs match."""
    depth = 0
    for index in range(start, len(text)):
        char = text[index]
        if char in "（(":
            depth += 1
        elif char in "）)":
            depth -= 1
            if depth == 0:
                return index
    return None


def _split_names(text: str) -> tuple[str, ...]:
    names = (re.sub(r"\s+", "", part) for part in _NAME_SPLIT_RE.split(text))
    return tuple(name for name in names if name)


def _split_lines(text: str) -> list[str]:
    text = text.removeprefix("\ufeff")
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


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
        match = _SECTION_RE.match(line)
        if not match:
            return None
        value = _numeral_value(match["numeral"])
        if value is None:
            return None
        return value, match["numeral"], match["title"].strip()

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


def _find_framework(paragraphs: list[str]) -> str:
    for paragraph in paragraphs:
        if "工作思路" not in paragraph:
            continue
        match = _FRAMEWORK_RE.search(paragraph)
        if match:
            return "".join(char for char in match["code"] if char.isdigit())
    return ""


def parse_plan_text(text: str) -> ParsedPlan:
    """Parse the published plan text into title, preamble, sections, tasks and indicators."""
    return _PlanParser(_split_lines(text)).parse()


# --------------------------------------------------------------------------- indicators

_UNIT_PATTERN = r"人次|批次|场|个|家|名|人|期|次|%|％"  # longest first: 人次 before 人 etc.
_NUMBER_RE = re.compile(
    r"(?<![\d.．第])(?P<low>\d+(?:\.\d+)?)"
    r"(?:\s*[-－—–~～至到]\s*(?P<high>\d+(?:\.\d+)?))?"
    rf"\s*(?P<unit>{_UNIT_PATTERN})"
)
# Only event-like units: "百人以上" is a size class of enterprises, never a target.
_HUNDRED_RE = re.compile(
    r"(?<![\d一二三四五六七八九十百千万两几数第])(?P<word>[百千])(?P<unit>批次|场|个|家|期|次)"
)
_HUNDRED_VALUES = {"百": Decimal(100), "千": Decimal(1000)}
_SKIP_SPAN_RES = (
    re.compile(r"“[^“”]*”"),
    re.compile(r"\"[^\"]*\""),
    re.compile(r"「[^」]*」"),
    re.compile(
        r"以(?![上下内外来前后])[^，。；、]{0,30}?为(?:节点|主题|重点|载体|抓手|核心|契机|依托|单位)"
    ),
)
_SIZE_CLASS_RE = re.compile(r"\s*(?:及?以上|以下)?\s*的?\s*(?:建会)?(?:企业|单位|公司)")
_PEOPLE_UNITS = ("人次", "人", "名")
_CLAUSE_RE = re.compile(r"[^，。；！？,;!?]+")

# Negated forms come first so that "不超过" is never read as "超过".
_BEFORE_COMPARATOR_RE = re.compile(
    r"(?P<lte>不超过|不高于|控制在|最多|≤|<=)|(?P<gte>不少于|不低于|至少|最少|超过|≥|>=)"
)
_GTE_AFTER = ("及以上", "以上")
_LTE_AFTER = ("及以下", "以下", "以内")
_PERIODS = (("每季度", 4), ("每个季度", 4), ("每半年", 2), ("每个月", 12), ("每月", 12))
_PER_STREET = ("各街道", "各个街道", "每个街道", "每街道")

_AFTER_JUNK = ("及以上", "及以下", "以上", "以下", "以内", "左右", "以及", "的", "和", "及", "与")
_BEFORE_JUNK = ("及以上", "及以下", "以上", "以下", "以内", "左右", "、")
_TRAILING_LINKS = (
    "动态保持在",
    "保持在",
    "稳定在",
    "控制在",
    "提高到",
    "提高至",
    "提升到",
    "提升至",
    "增加到",
    "达到",
    "不少于",
    "不低于",
    "不超过",
    "不高于",
    "至少",
    "最少",
    "最多",
    "超过",
    "共计",
    "累计",
    "达",
    "共",
    "≥",
    "≤",
    ">=",
    "<=",
)
# The counted noun follows the last of these inside the phrase before a number
# ("在…区域开展律师驻点", "开展“…”等法律服务活动").
_MID_MARKER_RE = re.compile(r"开展|举办|评选|打造|创建|完成|招录|配备|推动|选择|等(?![级次])")
_LEADING_WORDS = (
    "组织开展",
    "优选优推",
    "开展",
    "举办",
    "组织",
    "创建",
    "评选",
    "打造",
    "培育",
    "完成",
    "招录",
    "配备",
    "推动",
    "保持",
    "选择",
    "参加",
    "参与",
    "实现",
    "建立",
    "新增",
    "建成",
    "推进",
    "确保",
    "力争",
    "将",
    "龙岗区总工会",
    "龙岗区工会",
    "龙岗区",
    "区总工会",
    "各级",
    "各街道总工会",
    "各个街道",
    "各街道",
    "每个街道",
    "每街道",
    "每个季度",
    "每季度",
    "每半年",
    "每个月",
    "每月",
)
_BENEFICIARY_RE = re.compile(r"^(?P<obj>.+?)(?P<verb>配备|配置|提供|设立|建立)(?P<what>.+)$")


@dataclass(frozen=True)
class _Hit:
    start: int
    end: int
    value: Decimal
    is_range: bool
    unit: str


def _strip_prefixes(text: str, prefixes: tuple[str, ...]) -> str:
    changed = True
    while changed and text:
        changed = False
        for prefix in prefixes:
            if text.startswith(prefix):
                text = text[len(prefix) :].strip()
                changed = True
                break
    return text


def _strip_suffixes(text: str, suffixes: tuple[str, ...]) -> str:
    changed = True
    while changed and text:
        changed = False
        for suffix in suffixes:
            if text.endswith(suffix):
                text = text[: -len(suffix)].strip()
                changed = True
                break
    return text


def _clean_noun(text: str) -> str:
    text = _strip_prefixes(text.strip(), _AFTER_JUNK)
    text = _strip_prefixes(text, _LEADING_WORDS)
    text = _strip_suffixes(text, _TRAILING_LINKS)
    return text if len(text) >= 2 else ""


def _before_noun(text: str) -> str:
    text = _strip_prefixes(text.strip(), _BEFORE_JUNK)
    text = _strip_suffixes(text, _TRAILING_LINKS)
    markers = list(_MID_MARKER_RE.finditer(text))
    if markers:
        text = text[markers[-1].end() :]
    return _clean_noun(text)


def _after_noun(before: str, after: str, unit: str) -> str:
    text = _strip_prefixes(after.strip(), _AFTER_JUNK)
    if not text or text[0] in "、，,；;":
        return ""
    before = before.strip()
    if before.endswith("、") and "、" in text:
        # The number is one item of a list ("本级、11个街道总工会、…常态化审计"): the counted
        # noun ends at the next 、 and the action is what follows the shared head noun.
        head, _, rest = text.partition("、")
        noun = _clean_noun(head)
        last_item = rest.split("、")[-1]
        anchor = noun[-2:]
        position = last_item.rfind(anchor) if anchor else -1
        action = last_item[position + len(anchor) :] if position >= 0 else ""
        return f"{action}的{noun}" if noun and len(action) >= 2 else noun
    if before.endswith("为"):
        # "为55家联合会配备法律顾问" counts the federations that get a legal adviser.
        match = _BENEFICIARY_RE.match(text)
        if match:
            return f"{match['verb']}{match['what']}的{match['obj']}"
    if before.endswith("对"):
        text = text.replace("进行", "")
    noun = _clean_noun(text)
    if noun and unit in _PEOPLE_UNITS and text.startswith(("参加", "参与")):
        return f"{noun}参与{'人次' if unit == '人次' else '人数'}"
    return noun


def _skip_spans(clause: str) -> list[tuple[int, int]]:
    return [match.span() for regex in _SKIP_SPAN_RES for match in regex.finditer(clause)]


def _find_hits(clause: str) -> list[_Hit]:
    skipped = _skip_spans(clause)
    hits: list[_Hit] = []
    for match in _NUMBER_RE.finditer(clause):
        if any(start <= match.start() < end for start, end in skipped):
            continue
        unit = "%" if match["unit"] in "%％" else match["unit"]
        if unit in ("人", "名") and _SIZE_CLASS_RE.match(clause, match.end()):
            continue
        hits.append(
            _Hit(match.start(), match.end(), Decimal(match["low"]), bool(match["high"]), unit)
        )
    for match in _HUNDRED_RE.finditer(clause):
        if any(start <= match.start() < end for start, end in skipped):
            continue
        value = _HUNDRED_VALUES[match["word"]]
        hits.append(_Hit(match.start(), match.end(), value, False, match["unit"]))
    return sorted(hits, key=lambda hit: hit.start)


def _comparator(hit: _Hit, before: str, after: str, periodic: bool) -> str:
    before = before.rstrip()
    after = after.lstrip()
    if hit.is_range or periodic or after.startswith(_GTE_AFTER):
        return "gte"
    if after.startswith(_LTE_AFTER):
        return "lte"
    # The word may sit before the verb ("至少开展5场"), so the last one before the number counts.
    words = list(_BEFORE_COMPARATOR_RE.finditer(before))
    if words:
        return "lte" if words[-1]["lte"] else "gte"
    return "eq"


def _extract_indicators(description: str, title: str) -> tuple[ParsedIndicator, ...]:
    """Find suggested numeric targets in a task description."""
    indicators: list[ParsedIndicator] = []
    used_names: set[str] = set()
    fallback = _before_noun(title)
    for clause_match in _CLAUSE_RE.finditer(description):
        clause = clause_match.group().strip()
        hits = _find_hits(clause)
        for index, hit in enumerate(hits):
            segment_start = hits[index - 1].end if index else 0
            segment_end = hits[index + 1].start if index + 1 < len(hits) else len(clause)
            own_before = clause[segment_start : hit.start]
            own_after = clause[hit.end : segment_end]
            prefix = clause[: hit.start]
            kind = "rate" if hit.unit == "%" else "count"

            period = next((times for word, times in _PERIODS if word in prefix), 1)
            periodic = period > 1 and kind == "count"
            per_street = kind == "count" and any(word in prefix for word in _PER_STREET)

            before_name = _before_noun(own_before)
            after_name = _after_noun(own_before, own_after, hit.unit)
            is_last = index + 1 == len(hits)
            if kind == "count" and is_last:
                name = after_name or before_name
            else:
                name = before_name or after_name
            if not name and not is_last:
                # Items of a list like "2批次、100人次参加…活动" share the noun after the next one.
                following = hits[index + 2].start if index + 2 < len(hits) else len(clause)
                name = _clean_noun(clause[hits[index + 1].end : following])
            name = name or fallback or title
            if name in used_names:
                name = f"{name}（{len(indicators) + 1}）"
            used_names.add(name)

            annual = hit.value * (period if periodic else 1)
            indicators.append(
                ParsedIndicator(
                    name=name,
                    kind=kind,
                    unit=hit.unit,
                    comparator=_comparator(hit, own_before, own_after, periodic),
                    target=annual * STREET_COUNT if per_street else annual,
                    per_unit_target=annual if per_street else None,
                    source=clause,
                )
            )
    return tuple(indicators)
