"""The pure parser for the published yearly work plan text (no Django), split by what it parses.

- ``model``: the parsed result types (plan, sections, tasks, indicators), the parse error and the
  shared constants (``STREET_COUNT``);
- ``text``: plain-text helpers (numerals, terminal punctuation, parens, name and line splitting, CJK
  spaces);
- ``structure``: the plan's layout (title, preamble and framework, sections, numbered tasks, leads
  and participants) and the entry point ``parse_plan_text``;
- ``indicators``: the numeric targets inside a task's sentences.

Imports point one way: structure → indicators → model, and structure → text. This package
re-exports the names callers use.
"""

from tasks.plan_text.model import (
    STREET_COUNT,
    ParsedIndicator,
    ParsedPlan,
    ParsedSection,
    ParsedTask,
    PlanParseError,
)
from tasks.plan_text.structure import parse_plan_text

__all__ = [
    "STREET_COUNT",
    "ParsedIndicator",
    "ParsedPlan",
    "ParsedSection",
    "ParsedTask",
    "PlanParseError",
    "parse_plan_text",
]
