"""Template context shared by every page: the site name and the navigation for the user's role."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse

from dashboard.todo import instruction_badge, waiting_review_count
from notifications.models import Notification
from reports.selectors import reports_due_for_unit
from tasks.selectors import plan_current
from unionplan import clock, policies


def _due_reports(user: Any) -> list[Any]:
    """A reporter's overdue or returned reports, for the red banner on every page."""
    if not policies.is_reporter_of(user, {getattr(user, "unit_id", None)}):
        return []
    plan = plan_current(policies.plans_visible_to(user))
    if plan is None:
        return []
    return reports_due_for_unit(plan=plan, unit=user.unit, today=clock.today())


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Navigation entries the current user may use, in display order."""
    user = request.user
    items: list[dict[str, Any]] = []
    if policies.can(user, "todo.view"):
        items.append({"label": "待办", "url": reverse("dashboard:todo"), "key": "todo"})
    if policies.can(user, "site.use"):
        items.append({"label": "驾驶舱", "url": reverse("dashboard:dashboard"), "key": "dashboard"})
        items.append({"label": "工作要点", "url": reverse("tasks:plan_current"), "key": "plan"})
        items.append({"label": "重点工作", "url": reverse("tasks:task_list"), "key": "tasks"})
        if (
            policies.is_leader(user)
            or policies.is_admin(user)
            or getattr(user, "role", None) == "staff"
        ):
            count, title = instruction_badge(user)  # one query
            items.append(
                {
                    "label": "领导批示",
                    "url": reverse("tasks:instruction_list"),
                    "key": "instructions",
                    "badge": count,
                    "badge_title": title,
                }
            )
        if getattr(user, "role", None) == "reporter":
            items.append(
                {"label": "季度填报", "url": reverse("reports:workspace"), "key": "reports"}
            )
        if policies.can(user, "review.list"):
            count = waiting_review_count(user)  # one query
            items.append(
                {
                    "label": "审核",
                    "url": reverse("reports:review_list"),
                    "key": "reviews",
                    "badge": count,
                    "badge_title": f"{count} 条报送条目待您审核",
                }
            )
        if policies.can(user, "grid.view"):
            items.append({"label": "报送情况", "url": reverse("reports:grid"), "key": "grid"})
            items.append({"label": "推进情况表", "url": reverse("exports:job_list"), "key": "jobs"})
    if policies.can(user, "plan.manage"):
        items.append({"label": "计划管理", "url": reverse("planning:plan_list"), "key": "planning"})
    if policies.can(user, "site.admin"):
        items.append({"label": "系统管理", "url": reverse("admin:index"), "key": "admin"})
    unread = 0
    if policies.is_signed_in(user):  # what "site.use" asks
        unread = Notification.objects.filter(user=user, read_at__isnull=True).count()
    return {
        "due_reports": _due_reports(user),
        "unread_notifications": unread,
        "site_name": settings.UNIONPLAN_SITE_NAME,
        "nav_items": items,
        "pinned_today": settings.UNIONPLAN_TODAY,
        "idle_seconds": settings.UNIONPLAN_IDLE_SECONDS,
        "idle_warning_seconds": settings.UNIONPLAN_IDLE_WARNING_SECONDS,
    }
