"""API plumbing shared by every app: the policy permission, pagination and the error format."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, JsonResponse, QueryDict
from django.http.response import HttpResponseBase
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions, status
from rest_framework.authentication import BaseAuthentication
from rest_framework.pagination import PageNumberPagination
from rest_framework.parsers import DataAndFiles, FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.settings import api_settings

from tasks.locking import ConflictError
from unionplan import policies
from unionplan.text import TooDeep, clean_text, clean_value

if TYPE_CHECKING:
    from tasks.models import WorkPlan


class TokenAuthentication(BaseAuthentication):
    """Personal API tokens: ``Authorization: Bearer up_…``; revoked or unknown tokens get 401."""

    keyword = "Bearer"

    def authenticate(self, request: Request) -> tuple[Any, Any] | None:
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header.startswith(f"{self.keyword} "):
            return None
        from departments.models import ApiToken
        from departments.services import token_hash

        raw = header[len(self.keyword) + 1 :].strip()
        token = (
            ApiToken.objects.select_related("user__unit")
            .filter(key_hash=token_hash(raw), revoked_at__isnull=True)
            .first()
        )
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed("令牌无效或已撤销。")
        now = timezone.now()
        if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request: Request) -> str:
        return self.keyword


class PolicyPermission(BasePermission):
    """Asks the one policy: signed in to reach any endpoint, ``<resource>.<action>`` per object.

    A view names its resource (``policy_resource = "task"``); safe methods need ``<resource>.view``
    and other methods the action the view maps them to in ``policy_actions``.
    """

    message = "您无权执行此操作。"

    def has_permission(self, request: Request, view: Any) -> bool:
        return policies.can(request.user, "site.use")

    def has_object_permission(self, request: Request, view: Any, obj: Any) -> bool:
        resource = getattr(view, "policy_resource", None)
        if resource is None:
            return False
        action: str | None
        if request.method in SAFE_METHODS:
            action = f"{resource}.view"
        else:
            action = getattr(view, "policy_actions", {}).get(view.action)
            if action is None:
                return False
        return policies.can(request.user, action, obj)


class StandardPagination(PageNumberPagination):
    """Page-number pagination with a caller-chosen page size up to 200."""

    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


TOO_LARGE_MESSAGE = (
    "提交的数据超过上限（表单和 JSON 最多 {data} MB，每个附件最多 {file} MB），请精简或压缩后重试。"
)
SERVER_ERROR_MESSAGE = "服务器内部错误，请稍后重试或联系管理员。"


def is_api_path(path: str) -> bool:
    """Requests answered in the API's JSON error format."""
    return path.startswith("/api/")


def too_large_message() -> str:
    """The Chinese reason a body over the limits is refused, with the limits in MB."""
    mb = 1024 * 1024
    return TOO_LARGE_MESSAGE.format(
        data=settings.DATA_UPLOAD_MAX_MEMORY_SIZE // mb,
        file=settings.UNIONPLAN_ATTACHMENT_MAX_BYTES // mb,
    )


def error_json(status_code: int, code: str, message: str) -> JsonResponse:
    """An error outside DRF's views (500, 413, unknown address) in the API's format."""
    body = {"status": status_code, "code": code, "message": message, "errors": {}}
    return JsonResponse(body, status=status_code, json_dumps_params={"ensure_ascii": False})


class TooLarge(exceptions.APIException):
    """A body or an upload over the limits: 413 with the limits in the message."""

    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "too_large"

    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail or too_large_message(), self.default_code)


ERROR_CODES = {
    status.HTTP_400_BAD_REQUEST: "invalid",
    status.HTTP_401_UNAUTHORIZED: "not_authenticated",
    status.HTTP_403_FORBIDDEN: "permission_denied",
    status.HTTP_404_NOT_FOUND: "not_found",
    status.HTTP_405_METHOD_NOT_ALLOWED: "method_not_allowed",
    status.HTTP_409_CONFLICT: "conflict",
    status.HTTP_413_REQUEST_ENTITY_TOO_LARGE: "too_large",
}


def exception_handler(exc: Exception, context: dict[str, Any]) -> HttpResponseBase | None:
    """Render every API error as {status, code, message, errors} with a Chinese message.

    A service's refusals need no handling in the views: its ValidationError is a 400 with the
    fields' messages, its PermissionDenied a 403, and a ConflictError (stale version) a 409 that
    also carries the current object, serialized by the view's ``conflict_serializer_class``.
    """
    # Imported here: DRF's views module loads its settings, which name this module.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, ConflictError):
        return _conflict_response(exc, context.get("view"))
    if isinstance(exc, exceptions.NotAuthenticated) and _is_docs_page(context.get("view")):
        return redirect_to_login(context["request"].get_full_path())
    if isinstance(exc, RequestDataTooBig) or _only_too_large(exc):
        exc = TooLarge(_first_message(exc) if isinstance(exc, DjangoValidationError) else None)
    elif isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(_service_errors(exc))
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound("未找到该对象，或您无权查看。")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied(str(exc) or "您无权执行此操作。")
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    errors: dict[str, Any] = {}
    if isinstance(exc, exceptions.ValidationError) and isinstance(response.data, dict):
        errors = {key: value for key, value in response.data.items()}
        message = "提交的数据有误，请检查各字段。"
        code = "invalid"
    else:
        detail = response.data.get("detail", "") if isinstance(response.data, dict) else ""
        message = str(detail) or "请求无法完成。"
        code = getattr(detail, "code", None) or ERROR_CODES.get(response.status_code, "error")
    if _is_schema(context.get("view")):
        # The schema's own renderers (OpenAPI YAML/JSON) would dress the error up as a schema.
        request = context["request"]
        request.accepted_renderer, request.accepted_media_type = JSONRenderer(), "application/json"
    response.data = {
        "status": response.status_code,
        "code": code,
        "message": message,
        "errors": errors,
    }
    return response


def _is_docs_page(view: Any) -> bool:
    # Swagger UI and ReDoc are pages a person opens; the schema itself answers 401 like the API.
    from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerView

    return isinstance(view, SpectacularSwaggerView | SpectacularRedocView)


def _is_schema(view: Any) -> bool:
    from drf_spectacular.views import SpectacularAPIView

    return isinstance(view, SpectacularAPIView)


def _only_too_large(exc: Exception) -> bool:
    # A service's refusal of an upload over the size limit (code "too_large") is a 413.
    if not isinstance(exc, DjangoValidationError):
        return False
    errors = exc.error_list if not hasattr(exc, "error_dict") else exc.error_dict.values()
    flat = [e for group in errors for e in (group if isinstance(group, list) else [group])]
    return bool(flat) and all(e.code == "too_large" for e in flat)


def _first_message(exc: DjangoValidationError) -> str:
    return next(iter(exc.messages), "")


class CleanJSONParser(JSONParser):
    """JSON bodies without control characters in any string, and no deeper than any input of the
    product needs (a deeply nested body is a 400, not the parser's RecursionError)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        try:
            return clean_value(super().parse(_limited(stream), media_type, parser_context))
        except (RecursionError, TooDeep):
            raise exceptions.ParseError("JSON 数据嵌套层级过深，无法处理。") from None


class CleanFormParser(FormParser):
    """Form bodies without control characters (unionplan.text)."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        data = super().parse(_limited(stream), media_type, parser_context)
        return _clean_query_dict(data)


class CleanMultiPartParser(MultiPartParser):
    """Multipart bodies (uploads) without control characters in their text fields."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Any = None) -> Any:
        result = super().parse(stream, media_type, parser_context)
        return DataAndFiles(_clean_query_dict(result.data), result.files)


def _limited(stream: Any) -> Any:
    # DRF reads JSON and form bodies straight from the request, past Django's
    # DATA_UPLOAD_MAX_MEMORY_SIZE check (the middleware only sees a declared Content-Length).
    if stream is None:
        return None
    body = stream.read(settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    if len(body) > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        raise TooLarge()
    return io.BytesIO(body)


def _clean_query_dict(data: QueryDict) -> QueryDict:
    cleaned = QueryDict(mutable=True)
    for key, values in data.lists():
        cleaned.setlist(key, [clean_text(v) if isinstance(v, str) else v for v in values])
    cleaned._mutable = False
    return cleaned


def plan_for_year_query(request: Request, *, lenient: bool = False) -> WorkPlan:
    """The WorkPlan ``?year=`` names (tasks.selectors.plan_for_year_param) in the API's terms.

    404 "没有该年度的工作要点。" when there is none the caller may read; a value that names no
    year is a 400, unless ``lenient`` (then it is ignored and the current plan answers).
    """
    from tasks.selectors import InvalidYear, plan_for_year_param

    try:
        plan = plan_for_year_param(request.user, request.query_params.get("year"), lenient=lenient)
    except InvalidYear:
        raise exceptions.ValidationError({"year": ["年度应为数字，如 2024。"]}) from None
    except Http404:
        plan = None
    if plan is None:
        raise exceptions.NotFound("没有该年度的工作要点。")
    return plan


def _service_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    """A service's refusal as field → messages (a refusal without fields under the DRF key)."""
    if hasattr(exc, "error_dict"):
        return exc.message_dict
    return {api_settings.NON_FIELD_ERRORS_KEY: exc.messages}


def _conflict_response(conflict: ConflictError, view: Any) -> Response:
    """409 with the current state, so that a client can show what changed meanwhile."""
    serializer_class = getattr(view, "conflict_serializer_class", None)
    current = (
        serializer_class(conflict.current).data
        if serializer_class is not None and conflict.current is not None
        else None
    )
    return Response(
        {
            "status": status.HTTP_409_CONFLICT,
            "code": "conflict",
            "message": conflict.message,
            "errors": {},
            "current": current,
        },
        status=status.HTTP_409_CONFLICT,
    )


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """Describes personal tokens in the OpenAPI schema (a bearer token)."""

    target_class = "unionplan.api.TokenAuthentication"
    name = "personalToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": "个人接口令牌（up_…）"}
