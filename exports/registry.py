"""The kinds of document the export pipeline builds: one line each, a reader and a formatter.

Adding a kind touches its reader (exports/readers.py), its formatter (exports/formatters.py) and
one line here (plus its choice in reports.models.JobKind).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from exports.briefing import briefing_read, build_briefing_pdf
from exports.formatters import build_quarterly_workbook, build_task_list_workbook
from exports.readers import quarterly_read, task_list_read
from exports.unit_readers import unit_read
from exports.unit_workbook import build_unit_workbook
from exports.year_summary import build_year_summary_docx, year_summary_read
from reports.models import JobKind, ReportJob

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


@dataclass(frozen=True)
class Builder:
    """How one kind of document is made: read (queries) → format (bytes)."""

    kind: str
    read: Callable[[ReportJob], Any]
    format: Callable[[Any], bytes]
    extension: str = "xlsx"

    @property
    def content_type(self) -> str:
        """The MIME type its downloads are sent with (by the file's extension)."""
        return CONTENT_TYPES.get(self.extension, "application/octet-stream")

    def build(self, job: ReportJob) -> bytes:
        return self.format(self.read(job))


BUILDERS: dict[str, Builder] = {
    JobKind.QUARTERLY: Builder(JobKind.QUARTERLY, quarterly_read, build_quarterly_workbook),
    JobKind.TASK_LIST: Builder(JobKind.TASK_LIST, task_list_read, build_task_list_workbook),
    JobKind.UNIT: Builder(JobKind.UNIT, unit_read, build_unit_workbook),
    JobKind.BRIEFING: Builder(JobKind.BRIEFING, briefing_read, build_briefing_pdf, extension="pdf"),
    JobKind.YEAR_SUMMARY: Builder(
        JobKind.YEAR_SUMMARY, year_summary_read, build_year_summary_docx, extension="docx"
    ),
}


def builder_for(kind: str) -> Builder:
    """The builder of a kind; a job of an unknown kind fails with its reason recorded."""
    try:
        return BUILDERS[kind]
    except KeyError:
        raise LookupError(f"没有这种导出类型：{kind}") from None
