"""Writes to the record itself: actions that change no audited model (催报, 登录, 创建令牌…)."""

from __future__ import annotations

from typing import Any

from history.models import Action, actor_display_name


def action_record(
    *,
    actor: Any,
    source: str,
    verb: str,
    summary: str = "",
    task: Any = None,
    plan: Any = None,
    report: Any = None,
    actor_name: str = "",
    ip_address: str | None = None,
) -> Action:
    """Record one action that leaves no field change behind (a reminder, a login, a token)."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return Action.objects.create(
        verb=verb,
        actor=actor,
        actor_name=(actor_name or actor_display_name(actor))[:100],
        source=source,
        summary=summary[:300],
        ip_address=ip_address,
        task=task,
        plan=plan,
        report=report,
    )
