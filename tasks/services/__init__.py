"""Writes to the work plan, one module per subject; this package re-exports their public names.

- ``plan_import``: importing a published plan's text (re-importing updates it in place);
- ``progress``: the lead department's progress updates and their indicator actuals;
- ``instructions``: leaders' instructions (批示) and the lead department's answers;
- ``periods``: the plan's calendar of reporting periods (quarters now);
- ``participation``: units joining and leaving the tasks that name their group.
"""

from tasks.locking import ConflictError
from tasks.services.instructions import instruction_answer, instruction_create
from tasks.services.participation import UNIT_FIELDS, unit_create, unit_update
from tasks.services.periods import DUE_DAYS_AFTER_END, periods_ensure_quarters, quarter_dates
from tasks.services.plan_import import (
    PlanImportError,
    PlanImportResult,
    parsed_source,
    plan_import,
)
from tasks.services.progress import ActualInput, ProgressInput, progress_save

__all__ = [
    "DUE_DAYS_AFTER_END",
    "UNIT_FIELDS",
    "ActualInput",
    "ConflictError",
    "PlanImportError",
    "PlanImportResult",
    "ProgressInput",
    "instruction_answer",
    "instruction_create",
    "parsed_source",
    "periods_ensure_quarters",
    "plan_import",
    "progress_save",
    "quarter_dates",
    "unit_create",
    "unit_update",
]
