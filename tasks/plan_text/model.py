"""The parsed plan's types: plan, sections, tasks, suggested indicators, and the parse error.

Also the constants the parsers share (``STREET_COUNT``), and the plan's round trip through plain
JSON data (``parsed_to_data`` / ``parsed_from_data``) that the web import's preview carries between
requests. No parsing happens here.
"""

from dataclasses import asdict, dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

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
    cadence: str = ""  # kind "cadence" (频次): month, bimonth, quarter or year; target per slot


@dataclass(frozen=True)
class ParsedTask:
    """One key task with its leads, participants and suggested indicators.

    ``lead_names`` is empty when the plan names no lead (the "一是…二是…" shape): the task is
    imported with its lead 待定."""

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
    description: str = ""  # the section's lead-in sentence, where the plan has one


@dataclass(frozen=True)
class ParsedPlan:
    """The whole parsed plan.

    ``shape`` names the layout it was read from: "numbered" (numbered tasks each ending in
    （牵头部室：…，参与单位：…）, as in 2024), "inline" (sections whose paragraphs list items as
    一是…二是…) or "template" (the project's .xlsx template). ``warnings`` are what a person
    should check before saving (no lead named, a number not placed)."""

    title: str
    framework: str
    paragraphs: tuple[str, ...]
    sections: tuple[ParsedSection, ...]
    shape: str = "numbered"
    warnings: tuple[str, ...] = ()

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


SHAPE_NAMES = {"numbered": "编号条目式", "inline": "“一是、二是”段落式", "template": "导入模板"}


def parsed_to_data(plan: ParsedPlan) -> dict[str, Any]:
    """The parsed plan as JSON-safe data (decimals as strings)."""
    return _jsonable(asdict(plan))


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    return value


def parsed_from_data(data: dict[str, Any]) -> ParsedPlan:
    """Rebuild a parsed plan from ``parsed_to_data``'s output; ValueError when it is malformed."""
    try:
        return ParsedPlan(
            title=str(data["title"]),
            framework=str(data.get("framework", "")),
            paragraphs=tuple(str(p) for p in data.get("paragraphs", [])),
            shape=str(data.get("shape", "numbered")),
            warnings=tuple(str(w) for w in data.get("warnings", [])),
            sections=tuple(
                ParsedSection(
                    number=int(s["number"]),
                    numeral=str(s["numeral"]),
                    title=str(s["title"]),
                    description=str(s.get("description", "")),
                    line=int(s.get("line", 0)),
                    tasks=tuple(_task_from_data(t) for t in s["tasks"]),
                )
                for s in data["sections"]
            ),
        )
    except (KeyError, TypeError, ValueError, InvalidOperation) as exc:
        raise ValueError(f"malformed parsed plan: {exc!r}") from exc


def _task_from_data(t: dict[str, Any]) -> ParsedTask:
    return ParsedTask(
        number=int(t["number"]),
        title=str(t["title"]),
        description=str(t["description"]),
        lead_names=tuple(str(n) for n in t.get("lead_names", [])),
        participants_text=str(t.get("participants_text", "")),
        participant_names=tuple(str(n) for n in t.get("participant_names", [])),
        line=int(t.get("line", 0)),
        indicators=tuple(
            ParsedIndicator(
                name=str(i["name"]),
                kind=str(i["kind"]),
                unit=str(i.get("unit", "")),
                comparator=str(i.get("comparator", "gte")),
                target=Decimal(str(i["target"])),
                per_unit_target=(
                    None
                    if i.get("per_unit_target") in (None, "")
                    else Decimal(str(i["per_unit_target"]))
                ),
                source=str(i.get("source", "")),
                cadence=str(i.get("cadence", "")),
            )
            for i in t.get("indicators", [])
        ),
    )
