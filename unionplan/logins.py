"""Sign-in lockout glue for django-axes: how long a lockout lasts and the page that says so."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Max
from django.forms.utils import ErrorDict
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone


def cool_off(request: HttpRequest | None = None) -> dt.timedelta:
    """How long a lockout lasts (AXES_COOLOFF_TIME), read when needed so tests may change it."""
    return dt.timedelta(minutes=settings.UNIONPLAN_LOGIN_LOCKOUT_MINUTES)


def lockout_minutes_left(*, username: str, ip_address: str | None) -> int:
    """Whole minutes (at least 1) until the account is unlocked at this address."""
    last = AccessAttempt.objects.filter(username=username, ip_address=ip_address).aggregate(
        last=Max("attempt_time")
    )["last"]
    total = settings.UNIONPLAN_LOGIN_LOCKOUT_MINUTES
    if last is None:
        return total
    seconds = (last + cool_off() - timezone.now()).total_seconds()
    return max(1, min(total, math.ceil(seconds / 60)))


def lockout_message(minutes: int) -> str:
    """The sentence a locked-out person reads, with how long to wait."""
    return (
        f"登录失败次数过多，该账号在本地址已被锁定，请 {minutes} 分钟后再试，或联系系统管理员解锁。"
    )


def _form_with_error(
    form_class: type[AuthenticationForm], request: HttpRequest, username: str, message: str
) -> AuthenticationForm:
    """A sign-in form showing the username tried and the lockout as its error, without running
    authentication again (that would count one more failure)."""
    form = form_class(request, data={"username": username, "password": ""})
    form.cleaned_data = {}
    form._errors = ErrorDict()  # type: ignore[attr-defined]  # Django's own cache of errors
    form.add_error(None, message)
    return form


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: dict[str, Any] | None
) -> HttpResponse:
    """The sign-in page (the product's, or the admin's on /admin/login/) saying how long the
    account is locked at this address; AXES_LOCKOUT_CALLABLE."""
    username = str((credentials or {}).get("username") or request.POST.get("username", ""))[:150]
    minutes = lockout_minutes_left(
        username=username, ip_address=getattr(request, "axes_ip_address", None)
    )
    message = lockout_message(minutes)
    status = settings.AXES_HTTP_RESPONSE_CODE
    next_url = request.POST.get(REDIRECT_FIELD_NAME, request.GET.get(REDIRECT_FIELD_NAME, ""))
    if request.path.startswith(reverse("admin:index")):
        context = {
            **admin.site.each_context(request),
            "title": "登录",
            "subtitle": None,
            "app_path": request.get_full_path(),
            "username": username,
            "form": _form_with_error(AdminAuthenticationForm, request, username, message),
            REDIRECT_FIELD_NAME: next_url or reverse("admin:index"),
        }
        return render(request, "admin/login.html", context, status=status)
    context = {
        "form": _form_with_error(AuthenticationForm, request, username, message),
        "next": next_url,
        "site_name": settings.UNIONPLAN_SITE_NAME,
        "locked_out": True,
    }
    return render(request, "registration/login.html", context, status=status)
