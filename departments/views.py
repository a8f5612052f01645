"""A person's own pages: changing their password, personal API tokens."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from departments.models import ApiToken
from departments.services import token_create, token_revoke, user_password_change

if TYPE_CHECKING:
    from departments.http import SignedInHttpRequest


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's own password change (old password, new twice, the password validators); the
    new password is set by the service, which lifts a forced reset and records 修改密码.
    The templates are not named registration/password_change_form.html, which would also restyle
    the Django admin's own password page."""

    template_name = "registration/password_change.html"
    extra_context = {"nav_active": "password"}

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        user_password_change(user=form.user, password=form.cleaned_data["new_password1"])
        # Keep this session signed in; every other session of the person ends.
        update_session_auth_hash(self.request, form.user)
        return HttpResponseRedirect(self.get_success_url())


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "registration/password_changed.html"
    extra_context = {"nav_active": "password"}


@login_required
def token_list(request: SignedInHttpRequest) -> HttpResponse:
    """Create, name and revoke one's own API tokens; a new token is shown once."""
    new_token = None
    errors: list[str] = []
    if request.method == "POST":
        try:
            _, new_token = token_create(user=request.user, name=request.POST.get("name", ""))
        except ValidationError as exc:
            errors = [m for ms in exc.message_dict.values() for m in ms]
    tokens = ApiToken.objects.filter(user=request.user)
    context = {"tokens": tokens, "new_token": new_token, "errors": errors, "nav_active": "tokens"}
    return render(request, "departments/token_list.html", context, status=400 if errors else 200)


@login_required
@require_POST
def token_revoke_view(request: SignedInHttpRequest, pk: int) -> HttpResponse:
    """Revoke one of the person's tokens."""
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    token_revoke(token=token, user=request.user)
    messages.success(request, f"令牌“{token.name}”已撤销。")
    return redirect("account:tokens")
