"""The API documentation pages (Swagger UI, ReDoc) under the Content-Security-Policy.

Both run only scripts served as files: Swagger UI's start-up script comes from ``?script``
(drf-spectacular's split view), ReDoc starts from ``<redoc spec-url>``. ReDoc's bundle shows a
logo fetched from cdn.redoc.ly, which the intranet cannot reach and the policy refuses; it is
served here with that one address pointing at our own icon.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import drf_spectacular_sidecar
from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

from unionplan.headers import API_DOCS_POLICY, content_security_policy

REDOC_BUNDLE = (
    Path(drf_spectacular_sidecar.__file__).parent
    / "static/drf_spectacular_sidecar/redoc/bundles/redoc.standalone.js"
)
REDOC_LOGO = "https://cdn.redoc.ly/redoc/logo-mini.svg"


@cache
def _redoc_script() -> bytes:
    return REDOC_BUNDLE.read_bytes().replace(REDOC_LOGO.encode(), static("favicon.svg").encode())


@require_GET
def redoc_script(request: HttpRequest) -> HttpResponse:
    """ReDoc's standalone bundle with its logo served from here."""
    response = HttpResponse(_redoc_script(), content_type="application/javascript")
    response["Cache-Control"] = "max-age=3600, private"
    return response


class RedocView(SpectacularRedocView):
    template_name = "api/redoc.html"

    @staticmethod
    def _redoc_standalone() -> str:
        return reverse("api-redoc-script")


swagger_view = content_security_policy(API_DOCS_POLICY)(
    SpectacularSwaggerSplitView.as_view(url_name="api-schema")
)
redoc_view = content_security_policy(API_DOCS_POLICY)(RedocView.as_view(url_name="api-schema"))
