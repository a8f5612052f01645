"""Responses are gzipped for clients that accept it: pages come back as the same page, downloads
as the same file (streamed ones included), and static files are left to WhiteNoise."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import re

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import override_settings
from openpyxl import load_workbook

GZIP = {"HTTP_ACCEPT_ENCODING": "gzip, deflate, br"}
# The only parts of a page that change from one request to the next: CSRF tokens (masked afresh
# each time).
VOLATILE = re.compile(rb'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+')


@pytest.fixture(autouse=True)
def pinned(settings):  # noqa: ANN001
    settings.UNIONPLAN_TODAY = dt.date(2024, 10, 20)


def stable(page: bytes) -> bytes:
    return VOLATILE.sub(rb"\1-", page)


def test_a_page_comes_back_gzipped_and_decompresses_to_the_same_page(world):
    client = world.client("leader")
    plain = client.get("/dashboard/")
    packed = client.get("/dashboard/", **GZIP)
    assert plain.status_code == packed.status_code == 200
    assert not plain.has_header("Content-Encoding")
    assert packed["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in packed["Vary"]
    page = gzip.decompress(packed.content)
    assert int(packed["Content-Length"]) == len(packed.content) < len(page) / 4
    assert stable(page) == stable(plain.content)
    assert "驾驶舱" in page.decode()


def test_an_api_answer_comes_back_gzipped(world):
    response = world.client("leader").get("/api/v1/tasks/?page_size=100", **GZIP)
    assert response["Content-Encoding"] == "gzip"
    assert b'"participant_count"' in gzip.decompress(response.content)


def test_an_excel_export_still_opens_when_gzipped(world):
    response = world.client("leader").get("/reports/grid/export/?year=2024", **GZIP)
    assert response.status_code == 200 and response["Content-Encoding"] == "gzip"
    assert "attachment" in response["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(gzip.decompress(response.content)))
    assert workbook.worksheets[0]["A1"].value == "2024年各单位报送情况"


def test_a_streamed_workbook_download_still_opens_when_gzipped(world):
    job = world.done_job()
    client = world.client("leader")
    plain = client.get(f"/reports/jobs/{job.pk}/download/")
    packed = client.get(f"/reports/jobs/{job.pk}/download/", **GZIP)
    assert plain.streaming and packed.streaming
    original = b"".join(plain.streaming_content)
    assert int(plain["Content-Length"]) == len(original)
    # Compressed while it streams: the length is unknown beforehand and must not be the file's.
    assert packed["Content-Encoding"] == "gzip" and not packed.has_header("Content-Length")
    assert "attachment" in packed["Content-Disposition"]
    data = gzip.decompress(b"".join(packed.streaming_content))
    assert data == original
    assert "总表" in load_workbook(io.BytesIO(data)).sheetnames


def test_a_client_without_gzip_gets_the_file_as_it_is(world):
    job = world.done_job()
    response = world.client("leader").get(f"/api/v1/report-jobs/{job.pk}/download/")
    assert response.status_code == 200 and not response.has_header("Content-Encoding")
    assert "总表" in load_workbook(io.BytesIO(b"".join(response.streaming_content))).sheetnames


@pytest.mark.django_db
def test_static_files_are_served_by_whitenoise_untouched_by_gzip(client):
    middleware = list(settings.MIDDLEWARE)
    if "whitenoise.middleware.WhiteNoiseMiddleware" not in middleware:
        index = middleware.index("unionplan.headers.SecurityHeadersMiddleware") + 1
        middleware.insert(index, "whitenoise.middleware.WhiteNoiseMiddleware")
    # WhiteNoise answers before the compression middleware sees the response.
    whitenoise = middleware.index("whitenoise.middleware.WhiteNoiseMiddleware")
    assert whitenoise < middleware.index("django.middleware.gzip.GZipMiddleware")
    with open(finders.find("js/app.js"), "rb") as source:
        expected = source.read()
    with override_settings(MIDDLEWARE=middleware):
        response = client.get("/static/js/app.js", **GZIP)
    assert response.status_code == 200
    assert not response.has_header("Content-Encoding")
    body = b"".join(response.streaming_content)
    assert body == expected and int(response["Content-Length"]) == len(expected)
