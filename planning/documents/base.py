"""What every reader shares: the refusal, the read document, and the file's name as shown."""

from __future__ import annotations

import re
from dataclasses import dataclass

from tasks.plan_text import ParsedPlan

ACCEPTED_EXTENSIONS = (".docx", ".pdf", ".txt", ".xlsx")

# C0/C1 controls (Word's U+000B manual line break, form feeds) and zero-width characters; a tab
# or a no-break space is kept as an ordinary space.
_CONTROL_RE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200d\u2060\ufeff]")
_SPACE_RE = re.compile("[\t\u00a0]")


class PlanDocumentError(ValueError):
    """A document that cannot be read as a plan; the message is one Chinese sentence naming it."""

    def __init__(self, message: str, *, line_no: int | None = None) -> None:
        super().__init__(message)
        self.line_no = line_no


@dataclass(frozen=True)
class PlanDocument:
    """A plan document as read: its text (txt/docx/pdf) or its parsed template (xlsx)."""

    name: str
    format: str  # "txt" | "docx" | "pdf" | "xlsx"
    text: str | None
    parsed: ParsedPlan | None
    pages: int | None


def display_name(name: str) -> str:
    """The file's own name without any folder, as a person recognises it."""
    return re.split(r"[\\/]", name)[-1] or name


def refusal(name: str, reason: str, *, line_no: int | None = None) -> PlanDocumentError:
    """The one-sentence refusal: “name”reason。"""
    sentence = f"“{display_name(name)}”{reason}"
    if not sentence.endswith(("。", "！", "？")):
        sentence += "。"
    return PlanDocumentError(sentence, line_no=line_no)


def clean_line(text: str) -> str:
    """One line without control or zero-width characters, tabs as spaces, trimmed."""
    return _CONTROL_RE.sub("", _SPACE_RE.sub(" ", text)).strip()
