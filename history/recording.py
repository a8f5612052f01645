"""The recording scope: every write to an audited model happens inside one, or is refused.

Services open a scope naming who acts and through which channel (web, api, admin, import…);
audited models write an ``Event`` for each create, change and delete made inside it. A save
outside any scope raises ``UnrecordedChange``, so no code path of the product can change a task,
an indicator or a progress update without leaving a trace.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any


class UnrecordedChange(RuntimeError):
    """An audited model was written outside a recording scope."""


class Source:
    WEB = "web"
    API = "api"
    ADMIN = "admin"
    IMPORT = "import"
    SYSTEM = "system"


SOURCE_LABELS = {
    Source.WEB: "网页",
    Source.API: "接口",
    Source.ADMIN: "系统管理",
    Source.IMPORT: "导入",
    Source.SYSTEM: "系统",
}


@dataclass(frozen=True)
class Recorder:
    actor: Any  # departments.User or None for system work
    source: str


_current: ContextVar[Recorder | None] = ContextVar("unionplan_recorder", default=None)


@contextmanager
def recording(*, actor: Any, source: str) -> Iterator[Recorder]:
    """Open a scope in which audited writes are allowed and recorded as done by ``actor``."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    recorder = Recorder(actor=actor, source=source)
    token = _current.set(recorder)
    try:
        yield recorder
    finally:
        _current.reset(token)


def current_recorder() -> Recorder:
    """The open scope, or UnrecordedChange when a write was attempted outside any."""
    recorder = _current.get()
    if recorder is None:
        raise UnrecordedChange(
            "audited models may only be written inside history.recording.recording(...)"
        )
    return recorder
