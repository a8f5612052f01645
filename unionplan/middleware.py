"""Request-level glue: Django admin requests run inside a recording scope."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from history.recording import Source, recording


class AdminRecordingMiddleware:
    """Every write made through the Django admin is recorded as done by the signed-in admin."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.prefix: str | None = None

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.prefix is None:
            self.prefix = reverse("admin:index")
        if request.path.startswith(self.prefix):
            with recording(actor=request.user, source=Source.ADMIN, verb="系统管理修改"):
                return self.get_response(request)
        return self.get_response(request)
