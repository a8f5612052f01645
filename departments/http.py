"""Request types for type checking: what a view may rely on about ``request``.

Django and DRF type ``request.user`` as a user or AnonymousUser. Behind ``@login_required`` (pages)
and the policy permission class (API) it is always a signed-in account, and django-htmx's
middleware adds ``request.htmx`` to every request. The classes only narrow annotations; nothing
creates them at run time.
"""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails
from rest_framework.request import Request

from departments.models import User


class HtmxHttpRequest(HttpRequest):
    """Any page request, with the htmx details the middleware adds."""

    htmx: HtmxDetails


class SignedInHttpRequest(HtmxHttpRequest):
    """A page request behind ``@login_required``."""

    user: User


class SignedInRequest(Request):
    """An API request that passed the policy permission class (never anonymous)."""

    user: User
