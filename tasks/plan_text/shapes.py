"""The entry point: read which shape a plan's text has and hand it to that shape's parser.

A text with numbered tasks or a （牵头部室：…） parenthetical is the "numbered" shape (as in 2024);
else, when a section's paragraph lists items as 一是…二是…, it is the "inline" shape. Anything else
goes to the numbered parser, whose error says what is missing.
"""

from tasks.plan_text.inline import _has_inline_items, parse_inline_text
from tasks.plan_text.model import ParsedPlan
from tasks.plan_text.structure import _looks_numbered, parse_numbered_text
from tasks.plan_text.text import _split_lines


def parse_plan_text(text: str) -> ParsedPlan:
    """Parse the published plan text, in whichever shape it is, into a ParsedPlan."""
    lines = _split_lines(text)
    if not _looks_numbered(lines) and _has_inline_items(lines):
        return parse_inline_text(text)
    return parse_numbered_text(text)
