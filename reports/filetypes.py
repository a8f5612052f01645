"""What a file really is: moved to unionplan.filetypes (tasks' cadence evidence uses it too)."""

from unionplan.filetypes import (
    ALLOWED,
    ALLOWED_LABELS,
    OFFICE_OPEN_XML,
    sniff,
    zip_bomb_refusal,
)

__all__ = ["ALLOWED", "ALLOWED_LABELS", "OFFICE_OPEN_XML", "sniff", "zip_bomb_refusal"]
