"""Every response carries the security headers: pages, API answers and static files."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import override_settings

from unionplan.headers import API_DOCS_POLICY, PERMISSIONS_POLICY, SITE_POLICY


def directives(policy: str) -> dict[str, list[str]]:
    parsed = {}
    for part in policy.split(";"):
        name, *sources = part.split()
        parsed[name] = sources
    return parsed


def assert_security_headers(response, policy: str = SITE_POLICY) -> None:  # noqa: ANN001
    assert response["Content-Security-Policy"] == policy
    assert response["Permissions-Policy"] == PERMISSIONS_POLICY
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_site_policy_allows_scripts_from_our_files_only():
    policy = directives(SITE_POLICY)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]  # no 'unsafe-inline', no 'unsafe-eval'
    assert policy["style-src-elem"] == ["'self'"]  # no injected <style>
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == policy["base-uri"] == ["'self'"]
    docs = directives(API_DOCS_POLICY)
    assert docs["script-src"] == ["'self'"]
    for feature in ("camera", "microphone", "geolocation", "payment"):
        assert f"{feature}=()" in PERMISSIONS_POLICY


def test_a_page_carries_the_security_headers(world):
    response = world.client("reporter").get("/help/")
    assert response.status_code == 200
    assert_security_headers(response)
    assert response["X-Frame-Options"] == "DENY"
    # htmx runs without eval (hx-on, js: values) and injects no <style>.
    assert '"allowEval":false' in response.content.decode()


def test_the_sign_in_page_and_an_error_page_carry_them_too(client):
    assert_security_headers(client.get("/accounts/login/"))
    assert_security_headers(client.get("/no-such-page/"))


def test_an_api_answer_carries_the_security_headers(world):
    response = world.client("leader").get("/api/v1/plans/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert_security_headers(response)
    assert_security_headers(world.client("anonymous").get("/api/v1/plans/"))  # 401


@pytest.mark.parametrize("path", ["/api/docs/", "/api/redoc/"])
def test_api_documentation_has_its_own_policy_and_no_inline_script(world, path):
    response = world.client("staff_lead").get(path)
    assert response.status_code == 200
    assert_security_headers(response, API_DOCS_POLICY)
    html = response.content.decode()
    assert "<script>" not in html
    assert "fonts.googleapis.com" not in html


def test_the_browsable_api_has_the_documentation_policy(world):
    response = world.client("leader").get("/api/v1/plans/", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert_security_headers(response, API_DOCS_POLICY)


def test_swagger_ui_start_up_script_is_served_as_a_file(world):
    response = world.client("staff_lead").get("/api/docs/?script=")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert "SwaggerUIBundle" in response.content.decode()


@pytest.mark.django_db
def test_a_static_file_carries_the_security_headers(client):
    # Production serves static files with WhiteNoise, placed after the headers middleware.
    middleware = list(settings.MIDDLEWARE)
    if "whitenoise.middleware.WhiteNoiseMiddleware" not in middleware:
        index = middleware.index("unionplan.headers.SecurityHeadersMiddleware") + 1
        middleware.insert(index, "whitenoise.middleware.WhiteNoiseMiddleware")
    with override_settings(MIDDLEWARE=middleware):
        response = client.get("/static/js/app.js")
    assert response.status_code == 200
    assert_security_headers(response)


INLINE_CODE = re.compile(
    r"""\son[a-z]+\s*=|<script(?![^>]*\bsrc=)[^>]*>|javascript:|\bhx-on|hx-vals=["']\s*js:""",
    re.IGNORECASE,
)


def test_no_template_carries_inline_script_code():
    """Inline handlers, inline <script> blocks, javascript: links and hx-on would be refused by
    the policy; behaviour lives in static/js/ (data passed by json_script or data- attributes)."""
    found = []
    for template in sorted((settings.BASE_DIR / "templates").rglob("*.html")):
        text = re.sub(
            r"\{#.*?#\}|\{% comment %\}.*?\{% endcomment %\}", "", template.read_text(), flags=re.S
        )
        found += [f"{template.name}: {m.group(0)}" for m in INLINE_CODE.finditer(text)]
    assert found == []
