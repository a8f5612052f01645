"""The parsed plan's types: plan, sections, tasks, suggested indicators, and the parse error.

Also the constants the parsers share (``STREET_COUNT``). No parsing happens here.
"""

from dataclasses import dataclass
from decimal import Decimal

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
