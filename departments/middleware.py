"""A person an administrator asked to choose a new password does that before anything else."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect


class PasswordChangeRequiredMiddleware:
    """Send a signed-in person whose ``must_change_password`` is set to the password change page.

    The page itself, signing out, static files and the health check stay open. The API
    (``/api/``) is left alone: tokens and scripts cannot fill in a form, and the person's web
    pages already ask for the new password.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.open_paths: set[str] | None = None
        self.open_prefixes = tuple(
            p for p in (settings.STATIC_URL, "/api/") if p and p.startswith("/")
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.open_paths is None:
            self.open_paths = {
                reverse(name)
                for name in (
                    "password_change",
                    "password_change_done",
                    "logout",
                    "healthz",
                    "keepalive",
                )
            }
        path = request.path
        if path in self.open_paths or path.startswith(self.open_prefixes):
            return self.get_response(request)
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
        ):
            target = reverse("password_change")
            if request.headers.get("HX-Request") == "true":
                return HttpResponseClientRedirect(target)
            return redirect(target)
        return self.get_response(request)
