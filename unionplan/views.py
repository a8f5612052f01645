"""Project-level views: the sign-in page, the 404 page, and the health check used by load
balancers and docker-compose."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.core.exceptions import RequestDataTooBig
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.views import defaults
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from unionplan import api
from unionplan.celery import app as celery_app


class LoginView(auth_views.LoginView):
    """Django's sign-in page under the system's name."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        # Django puts the request's host ("127.0.0.1:8000") in site_name, over the context
        # processor's system name that the page heading and title show.
        context["site_name"] = settings.UNIONPLAN_SITE_NAME
        return context


@never_cache
@require_POST
def keepalive(request: HttpRequest) -> HttpResponse:
    """继续使用 on the idle warning: the request itself is the activity (unionplan.idle)."""
    if not request.user.is_authenticated:
        return JsonResponse(
            {"status": 401, "code": "not_authenticated", "message": "请先登录。", "errors": {}},
            status=401,
        )
    return HttpResponse(status=204)


def too_large(request: HttpRequest) -> HttpResponse:
    """413 for a body over the limits: the API's JSON under /api/, a page elsewhere."""
    message = api.too_large_message()
    if api.is_api_path(request.path):
        return api.error_json(413, "too_large", message)
    # Rendered without the request's context: the refusal comes before the user is known.
    return HttpResponse(render_to_string("413.html", {"message": message}), status=413)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 400 (an unreadable or suspicious request); 413 when the body is over the limits."""
    if isinstance(exception, RequestDataTooBig):
        return too_large(request)
    if api.is_api_path(request.path):
        return api.error_json(400, "invalid", "请求无法解析，请检查提交的数据。")
    return defaults.bad_request(request, exception)


def server_error(request: HttpRequest) -> HttpResponse:
    """A bug: Django has logged it (and mailed ADMINS); the API answers in its own format."""
    if api.is_api_path(request.path):
        return api.error_json(500, "server_error", api.SERVER_ERROR_MESSAGE)
    return defaults.server_error(request)


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The product's 404 page, with the reason when the product gave one in Chinese."""
    reason = exception.args[0] if exception.args and isinstance(exception.args[0], str) else ""
    if api.is_api_path(request.path):
        message = reason if reason and not reason.isascii() else "接口地址不存在。"
        return api.error_json(404, "not_found", message)
    # An unknown address (Resolver404) or Django's own "No Task matches the given query." is
    # developer English; the page then says what every 404 means.
    return render(
        request, "404.html", {"exception": "" if reason.isascii() else reason}, status=404
    )


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Report whether the database and the job broker answer (200 when both do, else 503)."""
    checks: dict[str, str] = {}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # noqa: BLE001 — a health check reports any failure, it does not raise
        checks["database"] = f"error: {exc.__class__.__name__}"
    if settings.CELERY_TASK_ALWAYS_EAGER:
        checks["broker"] = "in-process"
    else:
        try:
            with celery_app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
            checks["broker"] = "ok"
        except Exception as exc:  # noqa: BLE001
            checks["broker"] = f"error: {exc.__class__.__name__}"
    healthy = all(v in {"ok", "in-process"} for v in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "error", **checks}, status=200 if healthy else 503
    )
