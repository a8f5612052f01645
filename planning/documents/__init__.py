"""Reading plan documents (.txt, .docx, .pdf and the project's .xlsx template) into a parsed plan.

Every document passes the guards first (size, zip bombs, XML entity declarations, page count);
then its format's reader gives either text for ``tasks.plan_text.parse_plan_text`` or, for the
template, the parsed plan itself. Every refusal is a ``PlanDocumentError`` whose message is one
Chinese sentence naming the file and the reason.
"""

from __future__ import annotations

from planning.documents.base import (
    ACCEPTED_EXTENSIONS,
    PlanDocument,
    PlanDocumentError,
    display_name,
    refusal,
)
from planning.documents.docx import read_docx
from planning.documents.guards import MAX_BYTES, check_size, check_zip
from planning.documents.pdf import read_pdf
from planning.documents.template import build_plan_template, read_plan_template
from planning.documents.txt import read_txt
from tasks.plan_text import ParsedPlan, PlanParseError, parse_plan_text
from unionplan.text import clean_text

# The largest document accepted, for forms that check an upload before reading it.
MAX_DOCUMENT_BYTES = MAX_BYTES

__all__ = [
    "ACCEPTED_EXTENSIONS",
    "MAX_DOCUMENT_BYTES",
    "PlanDocument",
    "PlanDocumentError",
    "build_plan_template",
    "parse_plan_document",
    "read_plan_document",
]


def read_plan_document(*, name: str, data: bytes) -> PlanDocument:
    """Read a plan document by its extension; refuses unsafe, unreadable or unknown files."""
    shown = display_name(name)
    extension = shown.rpartition(".")[2].lower() if "." in shown else ""
    if f".{extension}" not in ACCEPTED_EXTENSIONS:
        accepted = " ".join(ACCEPTED_EXTENSIONS)
        raise refusal(name, f"不是可导入的文件类型，请上传 {accepted} 文件")
    check_size(name, data)
    if extension == "txt":
        return PlanDocument(
            name=shown, format="txt", text=clean_text(read_txt(name, data)), parsed=None, pages=None
        )
    if extension == "docx":
        check_zip(name, data, kind="Word 文档（.docx）")
        return PlanDocument(
            name=shown,
            format="docx",
            text=clean_text(read_docx(name, data)),
            parsed=None,
            pages=None,
        )
    if extension == "pdf":
        text, pages = read_pdf(name, data)
        return PlanDocument(
            name=shown, format="pdf", text=clean_text(text), parsed=None, pages=pages
        )
    check_zip(name, data, kind="Excel 工作簿（.xlsx）")
    parsed = read_plan_template(name, data)
    return PlanDocument(name=shown, format="xlsx", text=None, parsed=parsed, pages=None)


def parse_plan_document(*, name: str, data: bytes) -> ParsedPlan:
    """Read and parse a plan document; a text the parser cannot follow is refused by line."""
    document = read_plan_document(name=name, data=data)
    if document.parsed is not None:
        return document.parsed
    assert document.text is not None
    try:
        return parse_plan_text(document.text)
    except PlanParseError as exc:
        raise PlanDocumentError(f"“{document.name}”{exc}", line_no=exc.line_no) from exc
