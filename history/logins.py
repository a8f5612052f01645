"""Sign-ins, failed sign-ins and lockouts are actions too: Django's login and django-axes' lockout
signal are the one place each happens. Every one is recorded with the address it came from."""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from history.recording import Source
from history.services import action_record


def _source(request: HttpRequest | None) -> str:
    path = getattr(request, "path", "") or ""
    return Source.ADMIN if path.startswith(reverse("admin:index")) else Source.WEB


def _valid(address: str) -> str | None:
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest | None) -> str | None:
    """The client's IP address: REMOTE_ADDR, or the X-Forwarded-For entry added by the n-th
    trusted proxy when UNIONPLAN_TRUSTED_PROXY_COUNT says there are n (entries to its left are
    the client's own claim and could be forged). Also django-axes' AXES_CLIENT_IP_CALLABLE."""
    if request is None:
        return None
    count = settings.UNIONPLAN_TRUSTED_PROXY_COUNT
    if count > 0:
        forwarded = [
            part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()
        ]
        if len(forwarded) >= count:
            address = _valid(forwarded[-count])
            if address:
                return address
    return _valid(str(request.META.get("REMOTE_ADDR", "")))


def login_recorded(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    """Record 登录 for the person who signed in."""
    action_record(
        actor=user, source=_source(request), verb="登录", ip_address=client_address(request)
    )


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
        ip_address=client_address(request),
    )


def lockout_recorded(
    sender: Any, request: HttpRequest, username: str | None, ip_address: str | None, **kwargs: Any
) -> None:
    """Record 锁定 once, when the failure that reaches the limit locks the account at an address
    (axes sends the signal again for each refused attempt during the lockout; those have no
    failure count and stay 登录失败 only)."""
    if getattr(request, "axes_failures_since_start", None) is None:
        return
    minutes = settings.UNIONPLAN_LOGIN_LOCKOUT_MINUTES
    failures = getattr(request, "axes_failures_since_start", None)
    action_record(
        actor=None,
        actor_name="（未登录）",
        source=_source(request),
        verb="锁定",
        summary=(
            f"用户名：{(username or '')[:100]}；连续 {failures} 次登录失败，"
            f"该账号在此地址锁定 {minutes} 分钟"
        ),
        ip_address=ip_address,
    )


def lockouts_release(*, attempts: Any, user: Any, request: HttpRequest | None = None) -> int:
    """Unlock accounts: delete their failed-attempt counters and record 解除锁定 for each."""
    released = 0
    for attempt in attempts:
        action_record(
            actor=user,
            source=Source.ADMIN,
            verb="解除锁定",
            summary=(
                f"用户名：{(attempt.username or '')[:100]}；地址：{attempt.ip_address or '未知'}"
            ),
            ip_address=client_address(request),
        )
        attempt.delete()
        released += 1
    return released
