"""Suggested numeric targets inside a task's sentences (不少于22个, 每季度1次, 各街道…).

``_extract_indicators`` splits a description into clauses, finds each number with its unit, names
what it counts from the words around it, reads its comparator (≥, ≤, =), and scales per-quarter and
per-street targets to the year and the district.
"""

import re
from dataclasses import dataclass, replace
from decimal import Decimal

from tasks.plan_text.model import STREET_COUNT, ParsedIndicator

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
# A level to reach or keep (达到、保持在、力争) is a floor too; a bare 达 counts only right
# before the number, so that 达标 is no comparator.
_BEFORE_COMPARATOR_RE = re.compile(
    r"(?P<lte>不超过|不高于|控制在|最多|≤|<=)"
    r"|(?P<gte>不少于|不低于|至少|最少|超过|力争|达到|保持在|稳定在|提高到|提高至|提升到|提升至"
    r"|增加到|≥|>=|达(?=\s*$))"
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
_MID_MARKER_RE = re.compile(r"开展|举办|评选|打造|创建|完成|招录|配备|设立|推动|选择|等(?![级次])")
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
# "各级各类创新工作室" names a whole class; dropping 各级 would leave the odd "各类创新工作室".
_KEPT_PREFIXES = ("各级各类",)
_BENEFICIARY_RE = re.compile(r"^(?P<obj>.+?)(?P<verb>配备|配置|提供|设立|建立)(?P<what>.+)$")


# A cadence (频次): "每季度开展1次", "每月至少召开一次", "每年举办一届", "双月开展一次". A period
# word, a few words (the action), a count in digits or a Chinese numeral and an event-like unit.
_CADENCE_WORDS = (
    ("每个季度", "quarter"),
    ("每季度", "quarter"),
    ("每个月", "month"),
    ("每两个月", "bimonth"),
    ("每两月", "bimonth"),
    ("双月", "bimonth"),
    ("每月", "month"),
    ("每年度", "year"),
    ("每年", "year"),
)
_CADENCE_RE = re.compile(
    r"(?P<period>每个季度|每季度|每两个月|每两月|每个月|每月|双月|每年度|每年)"
    r"(?P<middle>[^，。；、“”\d]{0,12}?)"
    r"(?P<count>\d+|[一二两三四五六七八九十])\s*(?P<unit>次|场|届|期)"
    r"(?P<after>[^，。；]*)"
)
_CHINESE_DIGITS = {c: i + 1 for i, c in enumerate("一二三四五六七八九十")} | {"两": 2}
_CADENCE_UNITS = {"届": "次"}  # 届 is no measure unit of the product: counted as 次


def cadence_in(text: str) -> str:
    """The cadence (month, bimonth, quarter, year) of the first cadence phrase of ``text``, e.g.
    "quarter" for "每季度开展1次"; "" without one."""
    match = _CADENCE_RE.search(text)
    return dict(_CADENCE_WORDS)[match["period"]] if match else ""


def _cadence_indicator(clause: str, fallback: str) -> tuple[ParsedIndicator, int] | None:
    """A cadence indicator suggested by ``clause``, with where its count ends; None without one
    (or when it is laid on every street: a count per street is kept as such)."""
    match = _CADENCE_RE.search(clause)
    if match is None or any(word in clause[: match.start()] for word in _PER_STREET):
        return None
    cadence = dict(_CADENCE_WORDS)[match["period"]]
    raw = match["count"]
    count = Decimal(raw) if raw.isdigit() else Decimal(_CHINESE_DIGITS[raw])
    unit = _CADENCE_UNITS.get(match["unit"], match["unit"])
    name = _after_noun("", match["after"], unit) or _before_noun(clause[: match.start("count")])
    return (
        ParsedIndicator(
            name=name or fallback,
            kind="cadence",
            unit=unit,
            comparator="gte",
            target=count,
            source=clause,
            cadence=cadence,
        ),
        match.end("unit"),
    )


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
    if not text.startswith(_KEPT_PREFIXES):
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
        found = _cadence_indicator(clause, fallback or title)
        if found is not None:
            cadence, count_end = found
            if cadence.name in used_names:
                cadence = replace(cadence, name=f"{cadence.name}（{len(indicators) + 1}）")
            used_names.add(cadence.name)
            indicators.append(cadence)
            hits = [hit for hit in hits if hit.start >= count_end]  # its count is no other target
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
