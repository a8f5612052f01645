"""Numbers as they arrive in query strings, forms, job parameters and file names.

One strict reading for every id, year, period and page: ASCII digits only, in range, or nothing.
``str.isdigit()`` accepts "²" and "１", which ``int()`` or the database then refuse with a 500;
a 20-digit id overflows PostgreSQL's integer. Callers treat ``None`` as "not given" or answer 4xx.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

MAX_ID = 2**31 - 1  # PostgreSQL integer / Django AutoField
_ASCII_DIGITS = frozenset("0123456789")


def parse_int(raw: Any, lo: int, hi: int) -> int | None:
    """``raw`` (surrounding spaces ignored) as an int in ``lo..hi`` if it is only ASCII digits."""
    text = str(raw).strip() if raw is not None else ""
    if not text or len(text) > len(str(hi)) or not set(text) <= _ASCII_DIGITS:
        return None
    value = int(text)
    return value if lo <= value <= hi else None


def parse_id(raw: Any) -> int | None:
    """A primary key: ASCII digits, 1..2^31-1."""
    return parse_int(raw, 1, MAX_ID)


def parse_year(raw: Any) -> int | None:
    """A plan year: four ASCII digits, 1900..2999."""
    text = str(raw).strip() if raw is not None else ""
    return parse_int(text, 1900, 2999) if len(text) == 4 else None


def local_path(request: HttpRequest, raw: Any) -> str | None:
    """A ``next`` address to go back to: a path on this site ("/reviews/?unit=3"), else None.

    ``redirect("abc")`` would try ``abc`` as a route name and fail with a 500; another site's
    address would send the user away.
    """
    target = str(raw or "")
    if not target.startswith("/") or target.startswith("//"):
        return None
    allowed = url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return target if allowed else None
