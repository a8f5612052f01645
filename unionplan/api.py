"""API plumbing shared by every app: the policy permission, pagination and the error format."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions, status
from rest_framework.authentication import BaseAuthentication
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request
from rest_framework.response import Response

from unionplan import policies


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


ERROR_CODES = {
    status.HTTP_400_BAD_REQUEST: "invalid",
    status.HTTP_401_UNAUTHORIZED: "not_authenticated",
    status.HTTP_403_FORBIDDEN: "permission_denied",
    status.HTTP_404_NOT_FOUND: "not_found",
    status.HTTP_405_METHOD_NOT_ALLOWED: "method_not_allowed",
    status.HTTP_409_CONFLICT: "conflict",
}


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """Render every API error as {status, code, message, errors} with a Chinese message."""
    # Imported here: DRF's views module loads its settings, which name this module.
    from rest_framework.views import exception_handler as drf_exception_handler

    if isinstance(exc, Http404):
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
    response.data = {
        "status": response.status_code,
        "code": code,
        "message": message,
        "errors": errors,
    }
    return response


class TokenAuthenticationScheme(OpenApiAuthenticationExtension):
    """Describes personal tokens in the OpenAPI schema (a bearer token)."""

    target_class = "unionplan.api.TokenAuthentication"
    name = "personalToken"

    def get_security_definition(self, auto_schema: Any) -> dict[str, str]:
        return {"type": "http", "scheme": "bearer", "description": "个人接口令牌（up_…）"}
