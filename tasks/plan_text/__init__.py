"""The pure parser for the published yearly work plan text (no Django), split by what it parses.

- ``model``: the parsed result types (plan, sections, tasks, indicators), the parse error and the
  shared constants (``STREET_COUNT``);
- ``text``: plain-text helpers (numerals, terminal punctuation, parens, name and line splitting, CJK
  spaces) and the patterns all shapes share (section heading, framework code);
- ``indicators``: the numeric targets inside a task's sentences;
- ``structure``: the "numbered" shape (title, preamble and framework, sections, numbered tasks
  each ending in （牵头部室：…，参与单位：…））;
- ``inline``: the "inline" shape (sections whose one paragraph lists items as 一是…二是…, with
  no numbers and no leads);
- ``shapes``: the entry point ``parse_plan_text``, which reads the shape and calls its parser.

Imports point one way: shapes → structure | inline → indicators → text | model. This package
re-exports the names callers use.
"""

from tasks.plan_text.indicators import cadence_in
from tasks.plan_text.model import (
    SHAPE_NAMES,
    STREET_COUNT,
    ParsedIndicator,
    ParsedPlan,
    ParsedSection,
    ParsedTask,
    PlanParseError,
    parsed_from_data,
    parsed_to_data,
)
from tasks.plan_text.shapes import parse_plan_text

__all__ = [
    "SHAPE_NAMES",
    "STREET_COUNT",
    "ParsedIndicator",
    "ParsedPlan",
    "ParsedSection",
    "ParsedTask",
    "PlanParseError",
    "cadence_in",
    "parse_plan_text",
    "parsed_from_data",
    "parsed_to_data",
]
