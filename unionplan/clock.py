"""Today's date for every status computation; UNIONPLAN_TODAY pins it for demos and tests."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone


def today() -> dt.date:
    """The date unionplan treats as today (Asia/Shanghai), unless pinned by UNIONPLAN_TODAY."""
    pinned = getattr(settings, "UNIONPLAN_TODAY", None)
    return pinned or timezone.localdate()
