"""Optimistic locking of versioned rows: a write names the version it was based on, or is refused.

Used by the plan's services (progress, instructions) and by reporting's (entries), so it lives in
the plan's layer and imports nothing but Django.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


class ConflictError(Exception):
    """A write based on a stale version: someone else saved in between. Nothing was written."""

    def __init__(self, *, current: Any, message: str) -> None:
        super().__init__(message)
        self.current = current  # the row as stored now (any versioned model), or None when gone
        self.message = message


def lock_for_update(
    rows: QuerySet[M],
    *,
    expected_version: int,
    message: str | Callable[[M], str],
    stale: Callable[[M], bool] | None = None,
    new: Callable[[], M] | None = None,
    gone_message: str = "",
) -> M:
    """Lock the one row of ``rows`` until the transaction ends and bump its version, or refuse.

    Raises ConflictError carrying the current row when ``expected_version`` is not the stored one
    (or ``stale(row)`` says the row moved on otherwise). Without ``new`` a missing row raises the
    model's DoesNotExist; with ``new`` it is created unsaved at version 1 when the caller expected
    none (version 0), and refused with ``gone_message`` when the caller had seen one.
    """
    locked = rows.select_for_update()
    current = locked.get() if new is None else locked.first()
    if current is None:
        if expected_version != 0:
            raise ConflictError(current=None, message=gone_message)
        assert new is not None
        created = new()
        cast(Any, created).version = 1  # every locked model has a ``version`` field
        return created
    row: Any = current
    if row.version != expected_version or (stale is not None and stale(current)):
        text = message if isinstance(message, str) else message(current)
        raise ConflictError(current=current, message=text)
    row.version += 1
    return current
