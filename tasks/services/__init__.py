"""Writes to the work plan, one module per subject; this package re-exports their public names.

- ``plan_import``: importing a published plan's text (re-importing updates it in place);
- ``progress``: the lead department's progress updates and their indicator actuals;
- ``instructions``: leaders' instructions (批示), answers, follow-ups (追问) and closing (办结);
- ``periods``: the plan's calendar (quarters; months where the plan or a task reports monthly)
  and its reporting rhythm;
- ``participation``: units joining and leaving the tasks that name their group.
"""

from tasks.locking import ConflictError
from tasks.services.instructions import (
    InstructionClosed,
    instruction_answer,
    instruction_close,
    instruction_create,
    instruction_follow_up,
)
from tasks.services.participation import UNIT_FIELDS, unit_create, unit_update
from tasks.services.periods import (
    DUE_DAYS_AFTER_END,
    month_due_date,
    periods_ensure,
    periods_ensure_months,
    periods_ensure_quarters,
    plan_rhythm_set,
    quarter_dates,
    task_rhythm,
    task_rhythm_set,
)
from tasks.services.plan_import import (
    PlanImportError,
    PlanImportResult,
    parsed_source,
    plan_import,
)
from tasks.services.progress import (
    ActualInput,
    ProgressInput,
    progress_save,
    regression_message,
)

__all__ = [
    "DUE_DAYS_AFTER_END",
    "UNIT_FIELDS",
    "ActualInput",
    "ConflictError",
    "InstructionClosed",
    "PlanImportError",
    "PlanImportResult",
    "ProgressInput",
    "instruction_answer",
    "instruction_close",
    "instruction_create",
    "instruction_follow_up",
    "parsed_source",
    "month_due_date",
    "periods_ensure",
    "periods_ensure_months",
    "periods_ensure_quarters",
    "plan_rhythm_set",
    "plan_import",
    "progress_save",
    "quarter_dates",
    "regression_message",
    "task_rhythm",
    "task_rhythm_set",
    "unit_create",
    "unit_update",
]
