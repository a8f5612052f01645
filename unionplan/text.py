"""Text as it enters the product: control characters removed, once, at every door.

Word's Shift+Enter pastes U+000B (vertical tab) and page breaks paste U+000C; both become line
breaks. Every other control character (NUL, the rest of C0, DEL, C1) is dropped: none of them
means anything in a narrative, PostgreSQL refuses NUL, and openpyxl refuses a workbook holding one.
Tabs and line breaks stay.
"""

from __future__ import annotations

import re
from typing import Any

LINE_BREAKS = str.maketrans({"\x0b": "\n", "\x0c": "\n", "\u2028": "\n", "\u2029": "\n"})
CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
MAX_DEPTH = 32


class TooDeep(ValueError):
    """Nested deeper than any input of the product needs."""


def clean_text(value: str) -> str:
    """The text without control characters (U+000B/U+000C become line breaks)."""
    if value.isprintable():
        return value  # the common case: nothing to do
    return CONTROL.sub("", value.translate(LINE_BREAKS))


def clean_value(value: Any, depth: int = 0) -> Any:
    """Every string inside a parsed JSON value cleaned; deeper than MAX_DEPTH is refused."""
    if isinstance(value, str):
        return clean_text(value)
    if depth >= MAX_DEPTH and isinstance(value, dict | list):
        raise TooDeep(f"嵌套超过 {MAX_DEPTH} 层")
    if isinstance(value, dict):
        return {clean_text(str(k)): clean_value(v, depth + 1) for k, v in value.items()}
    if isinstance(value, list):
        return [clean_value(v, depth + 1) for v in value]
    return value
