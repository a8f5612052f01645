from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest

from notifications.models import (
    Notification,
    WebhookDelivery,
    WebhookEndpoint,
    WebhookEvent,
)
from notifications.services import webhook_deliveries_resend


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "title", "read_at"]
    list_filter = ["read_at"]
    search_fields = ["title", "user__username"]
    list_select_related = ["user"]


class WebhookEndpointForm(forms.ModelForm):
    url = forms.URLField(
        label="地址",
        max_length=500,
        assume_scheme="https",
        help_text="机器人的 Webhook 地址，只支持 http:// 或 https://。",
    )
    events = forms.MultipleChoiceField(
        label="接收的事件",
        choices=WebhookEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=list(WebhookEvent.values),
    )

    class Meta:
        model = WebhookEndpoint
        fields = ["name", "url", "format", "events", "secret", "is_active"]
        widgets = {"secret": forms.PasswordInput(render_value=True)}


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    form = WebhookEndpointForm
    list_display = ["name", "format", "event_labels", "is_active", "created_at"]
    list_filter = ["format", "is_active"]
    search_fields = ["name", "url"]

    @admin.display(description="接收的事件")
    def event_labels(self, obj: WebhookEndpoint) -> str:
        labels = dict(WebhookEvent.choices)
        return "、".join(str(labels.get(e, e)) for e in obj.events)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    """The log of what was sent: read-only, failed messages can be sent again."""

    list_display = [
        "created_at",
        "target",
        "event",
        "status",
        "attempts",
        "last_status_code",
        "sent_at",
    ]
    list_filter = ["status", "event", "format"]
    search_fields = ["target", "last_error"]
    fields = readonly_fields = (
        "endpoint",
        "target",
        "masked_url",
        "format",
        "event",
        "payload",
        "status",
        "attempts",
        "last_status_code",
        "last_error",
        "created_at",
        "sent_at",
    )
    actions = ["resend"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    @admin.display(description="地址")
    def masked_url(self, obj: WebhookDelivery) -> str:
        # The robots' URLs carry their key in the query string: shown to nobody.
        base, _, query = obj.url.partition("?")
        return f"{base}?…" if query else base

    @admin.action(description="重新发送所选的失败记录")
    def resend(self, request: HttpRequest, queryset: QuerySet[WebhookDelivery]) -> None:
        count = webhook_deliveries_resend(deliveries=queryset)
        messages.info(request, f"已重新排队发送 {count} 条（只重发失败的记录）。")
