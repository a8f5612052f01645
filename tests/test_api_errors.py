"""One error format for the API: a bug (500), a body or an upload over the limits (413) and an
unknown address (404) answer {status, code, message, errors} under /api/, like DRF's own errors;
pages keep their pages. The API's documentation is for signed-in users only."""

from __future__ import annotations

import json
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import path
from rest_framework.response import Response
from rest_framework.views import APIView

from departments.services import token_create
from tests.conftest import PNG_BYTES
from unionplan import urls as project_urls


class Broken(APIView):
    """A view with a bug: reached only through this module's URLconf."""

    def get(self, request, *args, **kwargs) -> Response:  # noqa: ANN001, ANN002, ANN003
        raise ZeroDivisionError("a bug")


# The project's routes and error handlers, plus one endpoint with a bug.
def broken_page(request: HttpRequest) -> HttpResponse:
    raise ZeroDivisionError("a bug")


urlpatterns = [
    path("api/v1/broken/", Broken.as_view()),
    path("broken/", broken_page),
    *project_urls.urlpatterns,
]
handler400 = project_urls.handler400
handler404 = project_urls.handler404
handler500 = project_urls.handler500


def _token_client(world, role: str) -> Client:  # noqa: ANN001
    _, raw = token_create(user=world.user(role), name="错误格式")
    return Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {raw}")


@pytest.mark.urls(__name__)
def test_a_bug_under_the_api_is_a_json_500_and_is_still_logged(world, caplog):
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = _token_client(world, "leader").get("/api/v1/broken/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": 500,
        "code": "server_error",
        "message": "服务器内部错误，请稍后重试或联系管理员。",
        "errors": {},
    }
    # Django's own logging (and its mail to ADMINS in production) still sees the exception.
    record = next(r for r in caplog.records if r.name == "django.request")
    assert record.exc_info and record.exc_info[0] is ZeroDivisionError


@pytest.mark.urls(__name__)
def test_a_bug_on_a_page_keeps_the_500_page(world):
    client = Client(raise_request_exception=False)
    client.force_login(world.user("leader"))
    response = client.get("/broken/")
    assert response.status_code == 500
    assert response["Content-Type"].startswith("text/html")
    assert "系统出现错误" in response.content.decode()


def test_a_json_body_over_the_limit_is_a_413_in_the_api_format(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 20_000
    body = json.dumps({"text": "很长" * 20_000}, ensure_ascii=False)
    response = _token_client(world, "leader").post(
        f"/api/v1/tasks/{world.task.pk}/instructions/", body, content_type="application/json"
    )
    assert response.status_code == 413
    data = response.json()
    assert (data["status"], data["code"], data["errors"]) == (413, "too_large", {})
    assert "上限" in data["message"]
    assert world.task.instructions.filter(text__startswith="很长").count() == 0


def test_a_form_over_the_limit_on_a_page_is_the_413_page(world, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 20_000
    response = world.client("leader").post(
        f"/tasks/{world.task.pk}/instructions/", {"text": "很长" * 20_000}
    )
    assert response.status_code == 413
    assert "提交的内容过大" in response.content.decode()


def test_an_upload_over_the_attachment_limit_is_a_413_in_the_api_format(world, settings):
    settings.UNIONPLAN_ATTACHMENT_MAX_BYTES = 50  # the one-pixel PNG has 69 bytes
    entry = world.entry(world.report(period=3))
    upload = SimpleUploadedFile("现场照片.png", PNG_BYTES, content_type="image/png")
    response = _token_client(world, "reporter").post(
        f"/api/v1/entries/{entry.pk}/attachments/", {"file": upload}
    )
    assert response.status_code == 413
    data = response.json()
    assert (data["status"], data["code"]) == (413, "too_large")
    assert "现场照片.png" in data["message"] and "MB" in data["message"]


def test_an_unknown_api_address_is_a_json_404(world):
    response = _token_client(world, "leader").get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert response.json()["message"] == "接口地址不存在。"


def test_the_api_documentation_is_for_signed_in_users_only(world):
    anonymous = Client()
    response = anonymous.get("/api/schema/")
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"
    for page in ("/api/docs/", "/api/redoc/"):
        response = anonymous.get(page)
        assert response.status_code == 302
        assert response["Location"] == f"/accounts/login/?next={page}"
    # A token or a session opens them.
    assert _token_client(world, "reporter").get("/api/schema/?format=json").status_code == 200
    assert world.client("reporter").get("/api/docs/").status_code == 200
