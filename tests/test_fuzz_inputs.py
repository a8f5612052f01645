"""Property-based: generated values posted to every HTML form and every API write, as each role,
never give a 5xx (hypothesis; alongside the schemathesis run of the API's schema).

The targets come from the permission matrix (tests/test_policies.py: every POST row, pages and API)
and from the forms the pages themselves show (crawled as each role that has forms), so a new form
or endpoint is fuzzed without a list here. Values: text with any Unicode, control characters and
NUL, texts over the limits, numbers as strings in odd digits ("²", "１", "٣"), out-of-range and
negative numbers, and for the API any JSON: nested, wrong types, NaN, deeper than the parser takes.
Bounded: a few examples per target, derandomized, so a run takes the same time (about 2 minutes).
"""

from __future__ import annotations

import json
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import ROLES, World, png
from tests.test_policies import MATRIX, Row

pytestmark = pytest.mark.fuzz

EXAMPLES = 6
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)

ODD_NUMBERS = st.sampled_from(
    ["²", "１", "٣", "-1", "0", "99999999999", "2147483648", "", "abc", "\x00", "1e3", "1.5", "NaN"]
)
CONTROL = st.text(alphabet=st.characters(max_codepoint=0x9F), max_size=20)
UNICODE = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=40)
HUGE = st.sampled_from([5001, 60_000]).map(lambda n: "长" * n)
TEXT = st.one_of(ODD_NUMBERS, CONTROL, UNICODE, HUGE, st.integers(-(2**70), 2**70).map(str))
JSON_SCALAR = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    TEXT,
)
JSON_VALUE = st.recursive(
    JSON_SCALAR,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(UNICODE, inner, max_size=3),
    max_leaves=8,
)


def _form_value(base: Any) -> st.SearchStrategy:
    if hasattr(base, "read"):  # an upload: the file, or text in its place
        return st.one_of(st.just("file"), TEXT)
    return st.one_of(st.just(base), TEXT, st.lists(TEXT, min_size=2, max_size=3))


def form_bodies(base: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """The row's own form with some values replaced, and perhaps a stray field."""
    fields = st.fixed_dictionaries({key: _form_value(value) for key, value in base.items()})
    extra = st.dictionaries(UNICODE, TEXT, max_size=2)
    return st.builds(lambda f, e: {**e, **f}, fields, extra)


def json_bodies(base: Any) -> st.SearchStrategy[str]:
    """The row's JSON with values replaced, any JSON at all, too deep, or not JSON."""
    if isinstance(base, dict) and base:
        shaped: st.SearchStrategy = st.fixed_dictionaries(
            {key: st.one_of(st.just(value), JSON_VALUE) for key, value in base.items()}
        )
    elif isinstance(base, list) and base and isinstance(base[0], dict):
        item = st.fixed_dictionaries(
            {key: st.one_of(st.just(value), JSON_VALUE) for key, value in base[0].items()}
        )
        shaped = st.lists(item, max_size=3)
    else:
        shaped = st.dictionaries(UNICODE, JSON_VALUE, max_size=3)
    deep = st.integers(30, 3000).map(lambda d: "[" * d + "]" * d)
    return st.one_of(shaped.map(json.dumps), JSON_VALUE.map(json.dumps), deep, UNICODE, st.just(""))


class _Clients:
    """One signed-in client per role, made once per test."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.made: dict[str, Client] = {}

    def __call__(self, role: str) -> Client:
        if role not in self.made:
            self.made[role] = self.world.client(role)
        return self.made[role]


def _post(client: Client, path: str, body: Any, *, as_json: bool) -> int:
    if as_json:
        return client.post(path, body, content_type="application/json").status_code
    form = {k: (png() if v == "file" else v) for k, v in body.items()}
    return client.post(path, form).status_code


POST_ROWS = sorted(name for name, row in MATRIX.items() if row.method == "post")


@pytest.mark.parametrize("route", POST_ROWS)
def test_generated_posts_to_every_write_of_the_matrix_are_never_a_server_error(world, route):
    row: Row = MATRIX[route]
    clients = _Clients(world)
    path = row.path(world)
    base = row.data(world)
    bodies = json_bodies(base) if row.json else form_bodies(base)
    answers: list[tuple[str, int]] = []

    @FUZZ
    @given(role=st.sampled_from(ROLES), body=bodies)
    def post(role: str, body: Any) -> None:
        status = _post(clients(role), path, body, as_json=row.json)
        answers.append((role, status))
        assert status < 500, (route, role, body if len(repr(body)) < 500 else repr(body)[:500])

    post()
    assert answers


class _Forms(HTMLParser):
    """The POST forms of a page: their action and the names (and values) of their fields."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.page = page
        self.forms: list[tuple[str, dict[str, str]]] = []
        self.current: dict[str, str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self.current = {}
            self.forms.append((urlsplit(a.get("action") or self.page).path, self.current))
        elif self.current is not None and tag in {"input", "textarea", "select"}:
            name = a.get("name")
            if name and name != "csrfmiddlewaretoken" and a.get("type") != "file":
                self.current.setdefault(name, a.get("value", ""))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self.current = None


# Pages whose forms the crawl reads, as the roles that have forms; sign-out, language and the
# Django admin (its own forms, guarded by Django) are left out.
CRAWL_ROLES = ("admin", "leader", "staff_lead", "reporter")
SKIP_ACTIONS = ("/accounts/logout/", "/admin/", "/accounts/keepalive/")


def _crawled_forms(world: World, clients: _Clients) -> dict[tuple[str, str], dict[str, str]]:
    forms: dict[tuple[str, str], dict[str, str]] = {}
    for name, row in MATRIX.items():
        if row.method != "get" or name.startswith(("admin:", "api-")) or row.json:
            continue
        try:
            with transaction.atomic():
                path = row.path(world)
        except (ValidationError, PermissionDenied):
            continue  # the row's world is set up for a fresh database, not after the others
        if path.startswith("/api/"):
            continue
        for role in CRAWL_ROLES:
            response = clients(role).get(path)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            parser = _Forms(path)
            parser.feed(response.content.decode())
            for action, fields in parser.forms:
                if action.startswith(SKIP_ACTIONS):
                    continue
                forms.setdefault((role, action), {}).update(fields)
    return forms


def test_generated_values_in_every_form_the_pages_show_are_never_a_server_error(world):
    clients = _Clients(world)
    forms = _crawled_forms(world, clients)
    assert len(forms) >= 20, sorted(forms)  # the crawl found the product's forms
    for (role, action), fields in sorted(forms.items()):
        _fuzz_form(clients, role, action, fields)


def _fuzz_form(clients: _Clients, role: str, action: str, fields: dict[str, str]) -> None:
    # Mostly the role the form is for; any other role now and then.
    @FUZZ
    @given(body=form_bodies(fields), who=st.sampled_from((role, role, role, *ROLES)))
    def post(body: dict[str, Any], who: str) -> None:
        status = _post(clients(who), action, body, as_json=False)
        assert status < 500, (action, who, repr(body)[:500])

    post()
