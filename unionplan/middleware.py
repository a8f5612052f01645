"""Request-level glue: Django admin requests run inside a recording scope; text input arrives
without control characters."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import reverse

from history.recording import Source, recording
from unionplan.params import parse_int
from unionplan.text import clean_text
from unionplan.views import too_large


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


def _cleaned(data: QueryDict) -> QueryDict:
    copy = QueryDict(mutable=True)
    for key, values in data.lists():
        copy.setlist(clean_text(key), [clean_text(v) if isinstance(v, str) else v for v in values])
    copy._mutable = False
    return copy


def _has_control(data: QueryDict) -> bool:
    return any(
        not value.isprintable()
        for key, values in data.lists()
        for value in [key, *values]
        if isinstance(value, str)
    )


class RequestSizeLimitMiddleware:
    """A body over the limits is a 413 before anything reads it: form and JSON bodies up to
    DATA_UPLOAD_MAX_MEMORY_SIZE, multipart bodies that much more than one attachment may be.
    The API answers in its JSON format, pages with the 413 page (unionplan.views.too_large)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        length = parse_int(request.META.get("CONTENT_LENGTH"), 0, 10**15) or 0
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if request.META.get("CONTENT_TYPE", "").startswith("multipart/"):
            limit += settings.UNIONPLAN_ATTACHMENT_MAX_BYTES
        if length > limit:
            return too_large(request)
        return self.get_response(request)


class CleanTextInputMiddleware:
    """Query strings and posted forms reach views without control characters (unionplan.text):
    a pasted U+000B becomes a line break, a NUL in ``?q=`` is dropped instead of failing the query.
    JSON bodies are cleaned by the API's parsers (unionplan.api)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.META.get("QUERY_STRING") and _has_control(request.GET):
            request.GET = _cleaned(request.GET)  # type: ignore[assignment]
        content_type = request.META.get("CONTENT_TYPE", "")
        if request.method == "POST" and content_type.startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")
        ):
            try:
                posted = request.POST
            except RequestDataTooBig:  # form fields over DATA_UPLOAD_MAX_MEMORY_SIZE
                return too_large(request)
            except Exception:  # noqa: BLE001 - an unreadable body is the view's (and CSRF's) 400
                return self.get_response(request)
            if _has_control(posted):
                request.POST = _cleaned(posted)  # type: ignore[assignment]
        return self.get_response(request)
