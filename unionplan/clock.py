"""Today's date for every status computation; UNIONPLAN_TODAY pins it for demos and tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.utils import timezone

_frozen: ContextVar[dt.date | None] = ContextVar("unionplan_frozen_today", default=None)


def today() -> dt.date:
    """The date unionplan treats as today (Asia/Shanghai), unless pinned by UNIONPLAN_TODAY."""
    return _frozen.get() or getattr(settings, "UNIONPLAN_TODAY", None) or timezone.localdate()


@contextmanager
def frozen(day: dt.date) -> Iterator[None]:
    """Run a block as if today were ``day`` (the demo data writes its past with it)."""
    token = _frozen.set(day)
    try:
        yield
    finally:
        _frozen.reset(token)
