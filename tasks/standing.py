"""Where every task of a plan stands, computed once per write and date, read many times.

A task's figures (percent, expected progress, colour, each indicator's actual and pending) depend
on its updates and their indicator figures, the units' contributions and their review, the task's
due date and nodes, the plan's year, the date and two settings. Computing them for a plan reads
every update and aggregates every contribution: about a hundred milliseconds at city scale, on
every page. So they are computed for the whole plan at once and cached under a key made of what
they depend on:

- ``WorkPlan.figures_stamp``, a random value replaced in the same transaction as every write that
  can change a figure of the plan (see ``figures_changed`` and the signals in tasks/apps.py and
  reports/apps.py). A reader that sees the new data sees the new stamp; a rolled-back write leaves
  the old stamp, whose entry still matches the data; a restored backup brings back a stamp whose
  entry matched that data;
- the date and the colour thresholds.

The cache is a speed-up only: when it cannot be reached the figures are computed as before.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import cache
from django.db.models import Model, Q
from django.db.models.signals import post_delete, post_save

from tasks.cadence import SlotState
from tasks.models import WorkPlan
from tasks.status import Colour

logger = logging.getLogger(__name__)
T = TypeVar("T")

# Bump when the cached shape changes, so that old entries are never read as new ones.
_FORMAT = 2
# Entries of a date long gone are not read again; keep them a day at most.
_TIMEOUT = 24 * 3600


@dataclass(frozen=True)
class IndicatorFigures:
    """One indicator's figures (see tasks.selectors.IndicatorState)."""

    actual: Decimal | None
    done_on: dt.date | None
    met: bool
    pending: Decimal | None
    slots: tuple[SlotState, ...] = ()  # a cadence indicator's slots (tasks.cadence)


@dataclass(frozen=True)
class TaskFigures:
    """One task's figures as of a date (see tasks.selectors.TaskState)."""

    latest_id: int | None
    percent: int
    expected: float
    colour: Colour
    indicators: dict[int, IndicatorFigures]


def figures_changed(plans: Q | Iterable[int]) -> None:
    """Give the plans a new stamp: their cached figures are not read again.

    ``plans``: the plans' ids, or a condition on WorkPlan (e.g. ``Q(tasks=task_id)``), so that a
    write needs one UPDATE whatever it is (no query to find the plan first). Called in the
    writer's transaction, it commits or rolls back with the write.
    """
    condition = plans if isinstance(plans, Q) else Q(pk__in=list(plans))
    WorkPlan.objects.filter(condition).update(figures_stamp=uuid.uuid4())


def _cache_get(key: str) -> Any:
    try:
        return cache.get(key)
    except Exception:  # the cache (Redis) is down: compute instead
        logger.warning("figures cache unreachable; computing", exc_info=True)
        return None


def _cache_set(key: str, value: Any) -> None:
    try:
        cache.set(key, value, _TIMEOUT)
    except Exception:
        logger.warning("figures cache unreachable; not stored", exc_info=True)


def _plan_key(plan: WorkPlan, name: str, today: dt.date | None) -> str:
    key = f"plan:{_FORMAT}:{name}:{plan.pk}:{plan.figures_stamp.hex}"
    return key if today is None else f"{key}:{today.isoformat()}"


def plan_cache_get(plan: WorkPlan, name: str, *, today: dt.date | None = None) -> Any:
    """What was stored under ``name`` for the plan as its data stands (and ``today``), or None.
    ``name`` says what it is and every setting it depends on.

    ``plan`` must have been read after the caller's own writes (e.g. with the rows the page
    shows, by select_related): a copy read before a write carries the stamp before it."""
    return _cache_get(_plan_key(plan, name, today))


def plan_cache_set(plan: WorkPlan, name: str, value: Any, *, today: dt.date | None = None) -> None:
    """Store ``value`` for the plan as its data stands (read by plan_cache_get)."""
    _cache_set(_plan_key(plan, name, today), value)


def plan_cached(
    plan: WorkPlan, name: str, compute: Callable[[], T], *, today: dt.date | None = None
) -> T:
    """``compute()``'s result for the plan as its data stands (and for ``today``): from the
    cache, else computed and stored."""
    value = plan_cache_get(plan, name, today=today)
    if value is None:
        value = compute()
        plan_cache_set(plan, name, value, today=today)
    return value


def plan_figures(
    plan: WorkPlan, today: dt.date, compute: Callable[[WorkPlan, dt.date], dict[int, TaskFigures]]
) -> dict[int, TaskFigures]:
    """Every task's figures of ``plan`` as of ``today``, by task id: cached, else ``compute``d
    for the whole plan and stored."""
    thresholds = f"{settings.UNIONPLAN_AMBER_POINTS},{settings.UNIONPLAN_RED_POINTS}"
    return plan_cached(
        plan, f"task-figures:{thresholds}", lambda: compute(plan, today), today=today
    )


# --- what changes figures -------------------------------------------------------------------

# The models whose writes change figures, each with the plans a row of it belongs to.
_watched: dict[type[Model], Callable[[Any], Q]] = {}


def figures_watch(model: type[Model], plans_of: Callable[[Any], Q]) -> None:
    """Give the plans of every saved or deleted ``model`` row a new stamp (``plans_of(row)``:
    a condition on WorkPlan). Registered by each app for its own models when Django starts."""
    _watched[model] = plans_of
    uid = f"figures:{model._meta.label}"
    post_save.connect(_on_save, sender=model, dispatch_uid=f"{uid}:save")
    post_delete.connect(_on_delete, sender=model, dispatch_uid=f"{uid}:delete")


def _on_save(sender: type[Model], instance: Model, raw: bool = False, **kwargs: Any) -> None:
    if not raw:  # loaddata writes rows as they were: no stamp to change
        figures_changed(_watched[sender](instance))


def _on_delete(sender: type[Model], instance: Model, origin: Any = None, **kwargs: Any) -> None:
    # A row deleted because a watched row it belongs to is deleted (a task's updates with the
    # task): the origin's own signal changes the same plan's stamp, once instead of per row.
    origin_model = getattr(origin, "model", type(origin))
    # Rows deleted with their plan need no stamp at all.
    if (
        origin is not None
        and origin is not instance
        and (origin_model in _watched or origin_model is WorkPlan)
    ):
        return
    figures_changed(_watched[sender](instance))
