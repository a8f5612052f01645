"""A person's notifications."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from notifications.models import Notification
from notifications.services import notification_mark_read, notifications_mark_all_read

if TYPE_CHECKING:
    from departments.http import SignedInHttpRequest


@login_required
@require_GET
def notification_list(request: SignedInHttpRequest) -> HttpResponse:
    """The signed-in person's notifications, newest first, 20 a page."""
    rows = Notification.objects.filter(user=request.user)
    page = Paginator(rows, 20).get_page(request.GET.get("page"))
    return render(
        request, "notifications/notification_list.html", {"page": page, "nav_active": "notices"}
    )


@login_required
@require_POST
def notification_open(request: SignedInHttpRequest, pk: int) -> HttpResponse:
    """Mark a notification read and follow its link."""
    notification = get_object_or_404(Notification, pk=pk, user=request.user)
    notification_mark_read(notification=notification)
    target = notification.url
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def notification_read_all(request: SignedInHttpRequest) -> HttpResponse:
    """Mark all of the person's notifications read."""
    notifications_mark_all_read(user=request.user)
    return redirect("notifications:list")
