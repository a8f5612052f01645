"""Plain-text helpers of the plan parser, with no knowledge of the plan's layout.

Chinese numerals (一 … 九十九), terminal punctuation, matching full- and half-width parens,
splitting name lists (、，,) and lines (BOM, CRLF), removing the spaces PDF exports put between
CJK characters, and the two line patterns every plan shape shares: a section heading (一、…) and
the framework code in the preamble (“123430”工作思路).
"""

import re

_NUMERAL_DIGITS = "一二三四五六七八九"
_TERMINAL = "。！？；!?;”’）)】」』"
_NAME_SPLIT_RE = re.compile(r"[、，,]")
_CJK = r"\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_SPACE_RE = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")
_SECTION_RE = re.compile(r"^(?P<numeral>[一二三四五六七八九十]+)\s*、\s*(?P<title>.*)$")
_FRAMEWORK_RE = re.compile(r"[“\"「]\s*(?P<code>[^”\"」]{1,20}?)\s*[”\"」]\s*工作思路")


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


def _section_heading(line: str) -> tuple[int, str, str] | None:
    """(value, numeral, title) of a 一、… heading line; None for any other line."""
    match = _SECTION_RE.match(line)
    if not match:
        return None
    value = _numeral_value(match["numeral"])
    if value is None:
        return None
    return value, match["numeral"], match["title"].strip()


def _find_framework(paragraphs: list[str]) -> str:
    """The digits of the quoted code before 工作思路 in the preamble ("123430"), or ""."""
    for paragraph in paragraphs:
        if "工作思路" not in paragraph:
            continue
        match = _FRAMEWORK_RE.search(paragraph)
        if match:
            return "".join(char for char in match["code"] if char.isdigit())
    return ""
