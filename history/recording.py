"""The recording scope: every write to an audited model happens inside one, or is refused.

Services open a scope naming who acts, through which channel (web, api, admin, import…) and
what the action is called (its verb: 提交报表, 退回, 更新进展…). The scope's first audited write
creates one ``Action`` row; every create, change and delete made inside the scope is an ``Event``
under that action. A save outside any scope raises ``UnrecordedChange``, so no code path of the
product can change a task, an indicator or a progress update without leaving a trace.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
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


@dataclass
class Recorder:
    """An open scope: who acts, through which channel, under which verb; its action once written."""

    actor: Any  # departments.User or None for system work
    source: str
    verb: str
    summary: str = ""
    scope: dict[str, int | None] = field(default_factory=dict)  # task_id, plan_id, report_id
    gathers: bool = False  # services called inside by the same actor join this action
    action: Any = None  # history.models.Action, created by the scope's first audited write


_current: ContextVar[Recorder | None] = ContextVar("unionplan_recorder", default=None)


@contextmanager
def recording(
    *,
    actor: Any,
    source: str,
    verb: str,
    summary: str = "",
    task: Any = None,
    plan: Any = None,
    report: Any = None,
    gathers: bool = False,
) -> Iterator[Recorder]:
    """Open a scope in which audited writes are allowed and recorded as one action ``verb``
    done by ``actor``; the action belongs to the task/plan/report given, else to its first
    event's. With ``gathers``, the scopes of services it calls for the same actor and channel
    (e.g. each approval of a 批量通过) join its action instead of opening their own."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    outer = _current.get()
    if (
        outer is not None
        and outer.gathers
        and outer.source == source
        and getattr(outer.actor, "pk", None) == getattr(actor, "pk", None)
    ):
        had_action = outer.action is not None
        try:
            yield outer
        except BaseException:
            # The nested service's transaction rolls back, and with it an action it created.
            if not had_action:
                outer.action = None
            raise
        return
    scope = {
        f"{name}_id": obj.pk
        for name, obj in (("task", task), ("plan", plan), ("report", report))
        if obj is not None
    }
    recorder = Recorder(
        actor=actor, source=source, verb=verb, summary=summary, scope=scope, gathers=gathers
    )
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
