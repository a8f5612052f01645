"""In-app notifications (站内通知), email when SMTP is configured, and outgoing webhooks to group
chats (企业微信 / 钉钉 robots) or any HTTP endpoint."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models


class Notification(models.Model):
    """One message to one person; unread until they open it."""

    user = models.ForeignKey(
        "departments.User",
        verbose_name="接收人",
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    title = models.CharField("标题", max_length=200)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=300, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)

    class Meta:
        verbose_name = "站内通知"
        verbose_name_plural = "站内通知"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.title


class WebhookEvent(models.TextChoices):
    """What happened: the events an outgoing webhook can receive."""

    REMINDER = "reminder", "催报"
    INSTRUCTION = "instruction", "批示"
    ENTRY_RETURNED = "entry_returned", "条目退回"
    JOB_DONE = "job_done", "文件生成完成"


class WebhookFormat(models.TextChoices):
    """The JSON a webhook receives: a group robot's message, or plain JSON."""

    WECOM = "wecom", "企业微信群机器人"
    DINGTALK = "dingtalk", "钉钉群机器人"
    JSON = "json", "通用 JSON"


def all_webhook_events() -> list[str]:
    """Every event (the default of a new endpoint)."""
    return list(WebhookEvent.values)


def validate_webhook_events(value: object) -> None:
    if not isinstance(value, list) or not value:
        raise ValidationError("请至少选择一个事件。")
    unknown = [v for v in value if v not in WebhookEvent.values]
    if unknown:
        raise ValidationError(f"未知事件：{'、'.join(map(str, unknown))}")


class WebhookEndpoint(models.Model):
    """A group chat (企业微信 / 钉钉 robot) or any HTTP endpoint that receives events as JSON."""

    name = models.CharField("名称", max_length=100, unique=True)
    url = models.URLField(
        "地址",
        max_length=500,
        validators=[URLValidator(schemes=["http", "https"])],
        help_text="机器人的 Webhook 地址，只支持 http:// 或 https://。",
    )
    format = models.CharField(
        "消息格式", max_length=20, choices=WebhookFormat.choices, default=WebhookFormat.WECOM
    )
    events = models.JSONField(
        "接收的事件", default=all_webhook_events, validators=[validate_webhook_events]
    )
    secret = models.CharField(
        "加签密钥",
        max_length=200,
        blank=True,
        help_text="钉钉机器人“加签”安全设置的密钥（SEC 开头）；不加签时留空。",
    )
    is_active = models.BooleanField("启用", default=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)

    class Meta:
        verbose_name = "Webhook 地址"
        verbose_name_plural = "Webhook 地址"
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "待发送"
    SENT = "sent", "已发送"
    FAILED = "failed", "发送失败"


class WebhookDelivery(models.Model):
    """One message to one endpoint, with what was sent and how the last attempt went.

    The target (name, URL, format) is copied in: the log stays readable after an endpoint is
    changed or deleted, and the endpoint defined in settings has no row (``endpoint`` is empty).
    """

    endpoint = models.ForeignKey(
        WebhookEndpoint,
        verbose_name="Webhook 地址",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deliveries",
    )
    target = models.CharField("目标", max_length=100)
    url = models.CharField("地址", max_length=500)
    format = models.CharField("消息格式", max_length=20, choices=WebhookFormat.choices)
    event = models.CharField("事件", max_length=20, choices=WebhookEvent.choices)
    payload = models.JSONField("消息内容")
    status = models.CharField(
        "状态", max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField("尝试次数", default=0)
    last_status_code = models.PositiveSmallIntegerField("最近响应码", null=True, blank=True)
    last_error = models.CharField("最近错误", max_length=500, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    sent_at = models.DateTimeField("发送时间", null=True, blank=True)

    class Meta:
        verbose_name = "Webhook 发送记录"
        verbose_name_plural = "Webhook 发送记录"
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "created_at"], name="webhook_delivery_status")]

    def __str__(self) -> str:
        return f"{self.target} · {self.get_event_display()}"
