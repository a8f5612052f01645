"""Security headers Django 5.2 does not set itself: Content-Security-Policy, Permissions-Policy.

Django's SecurityMiddleware already sends X-Content-Type-Options (SECURE_CONTENT_TYPE_NOSNIFF),
Referrer-Policy (SECURE_REFERRER_POLICY) and Cross-Origin-Opener-Policy; XFrameOptionsMiddleware
sends X-Frame-Options. A view that needs another policy (the API documentation) sets its own
Content-Security-Policy header, which this middleware leaves alone.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse


def build_policy(directives: dict[str, list[str]]) -> str:
    """The header value of a policy given as directive → sources."""
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


# Scripts only from our own files: no inline <script>, no on*= handlers, no eval (htmx runs with
# allowEval off, see templates/base.html). Styles: <style> elements and stylesheets only from our
# files (style-src-elem), but style="…" attributes are allowed (style-src-attr): templates set
# widths with them (progress bars, table columns) and ECharts' tooltips are HTML with inline
# styles; an attribute cannot run code. Browsers without the CSP3 -elem/-attr directives fall
# back to style-src, which therefore also allows inline styles.
SITE_DIRECTIVES: dict[str, list[str]] = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "style-src-elem": ["'self'"],
    "style-src-attr": ["'unsafe-inline'"],
    # data: for Bootstrap's SVG icons in its CSS; blob: for ECharts' "save as image".
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
SITE_POLICY = build_policy(SITE_DIRECTIVES)

# Swagger UI and ReDoc (drf-spectacular-sidecar) inject <style> elements at run time, ReDoc
# parses the schema in a blob: worker, and DRF's browsable API styles code in a <style>. Scripts
# stay 'self' only: their start-up code is served as a file (unionplan.apidocs).
API_DOCS_POLICY = build_policy(
    {
        **SITE_DIRECTIVES,
        "style-src-elem": ["'self'", "'unsafe-inline'"],
        "worker-src": ["'self'", "blob:"],
    }
)

PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
)


class SecurityHeadersMiddleware:
    """Adds Content-Security-Policy and Permissions-Policy to every response that lacks them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        html = response.get("Content-Type", "").startswith("text/html")
        if settings.DEBUG and response.status_code >= 400 and html:
            # Django's technical error pages (DEBUG only) script and style themselves inline.
            return response
        policy = SITE_POLICY
        if getattr(getattr(response, "accepted_renderer", None), "format", None) == "api":
            # DRF's browsable API: its scripts are files, but it styles code in a <style>.
            policy = API_DOCS_POLICY
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response


def content_security_policy(policy: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """A view decorator: the view's responses carry ``policy`` instead of the site's."""

    def decorator(view: Callable[..., Any]) -> Callable[..., Any]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            response = view(request, *args, **kwargs)
            response.headers["Content-Security-Policy"] = policy
            return response

        return wrapped

    return decorator
