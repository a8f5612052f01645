"""Idle sessions end on the server: a signed-in browser session that has made no request for
UNIONPLAN_IDLE_SECONDS is signed out at its next one. API token requests carry no session and
are never affected."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.urls import reverse

SESSION_KEY = "unionplan_last_activity"
IDLE_MESSAGE = "长时间未操作，已自动退出，请重新登录。"


def _wants_json(request: HttpRequest) -> bool:
    accept = request.META.get("HTTP_ACCEPT", "")
    return (
        request.path.startswith("/api/")
        or "application/json" in accept
        or request.META.get("CONTENT_TYPE", "").startswith("application/json")
        or request.META.get("HTTP_X_REQUESTED_WITH") == "XMLHttpRequest"
    )


def _signed_out_response(request: HttpRequest) -> HttpResponse:
    login = reverse("login")
    if request.META.get("HTTP_HX_REQUEST") == "true":
        response = HttpResponse(status=401)
        response["HX-Redirect"] = f"{login}?{urlencode({'next': request.get_full_path()})}"
        return response
    if _wants_json(request):
        return JsonResponse(
            {"status": 401, "code": "session_expired", "message": IDLE_MESSAGE, "errors": {}},
            status=401,
        )
    query = {"next": request.get_full_path()} if request.method == "GET" else {}
    return HttpResponseRedirect(f"{login}?{urlencode(query)}" if query else login)


def _write_every() -> float:
    # The session is written at most this often (a 30-minute timeout: every 15 s), so a page's
    # requests do not each cost a session write; the sign-out may come that much early.
    return max(1.0, min(15.0, settings.UNIONPLAN_IDLE_SECONDS / 120))


def activity_started(sender: object, request: HttpRequest | None, **kwargs: object) -> None:
    """Signing in is activity: the first pages after it need no session write of their own."""
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = time.time()


class IdleTimeoutMiddleware:
    """Sign out a browser session idle for longer than UNIONPLAN_IDLE_SECONDS."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and "HTTP_AUTHORIZATION" not in request.META:
            now = time.time()
            last = request.session.get(SESSION_KEY)
            if isinstance(last, (int, float)) and now - last > settings.UNIONPLAN_IDLE_SECONDS:
                logout(request)
                # Kept in the (new, anonymous) session so the sign-in page can say why.
                messages.warning(request, IDLE_MESSAGE)
                return _signed_out_response(request)
            if not isinstance(last, (int, float)) or now - last >= _write_every():
                request.session[SESSION_KEY] = now
        return self.get_response(request)
