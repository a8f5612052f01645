"""The plan administration hub: every plan with what an administrator can do with it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from planning import selectors
from unionplan import policies

if TYPE_CHECKING:
    from departments.http import SignedInHttpRequest


@login_required
@require_GET
def plan_list(request: SignedInHttpRequest) -> HttpResponse:
    """计划管理: each year's plan, its status and counts, and the actions on it."""
    policies.require(request.user, "plan.manage")
    plans = selectors.plans_for_management(policies.plans_visible_to(request.user))
    return render(
        request,
        "planning/plan_list.html",
        {"plans": plans, "nav_active": "planning"},
    )
