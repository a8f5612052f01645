"""Sign-ins and failed sign-ins are actions too: Django's login is the one place they happen."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from history.recording import Source
from history.services import action_record


def _source(request: HttpRequest | None) -> str:
    path = getattr(request, "path", "") or ""
    return Source.ADMIN if path.startswith(reverse("admin:index")) else Source.WEB


def login_recorded(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Record 登录 for the person who signed in."""
    action_record(actor=user, source=_source(request), verb="登录")


def login_failure_recorded(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    """Record 登录失败 with the username tried; the password is never read."""
    username = str(credentials.get("username", ""))[:150]
    action_record(
        actor=None,
        actor_name="（未登录）",
        source=_source(request),
        verb="登录失败",
        summary=f"用户名：{username}",
    )
