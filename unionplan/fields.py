"""Free text with a length limit, the same on pages and in the API.

PostgreSQL does not limit a TextField, and every save keeps old and new text in the history: a
narrative or progress text holds at most TEXT_MAX characters. The page's box carries
``data-counter`` (static/js/counter.js shows "已输入 n / 5000 字") but no ``maxlength``, so that a
pasted text over the limit stays in the box, whole, with the server's message beside it.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from rest_framework import serializers

TEXT_MAX = 5000
REVIEW_REASON_MAX = 500  # a 退回原因 says what to fix, not a report of its own


def too_long_message(label: str, length: int, limit: int = TEXT_MAX) -> str:
    """'进展情况最多 5000 字，现为 5123 字。'"""
    return f"{label}最多 {limit} 字，现为 {length} 字。"


def text_lengths_check(fields: dict[str, tuple[str, str]], limit: int = TEXT_MAX) -> None:
    """Refuse texts over ``limit`` ({field: (label, text)}) for a service that may be called
    without a form or serializer in front of it."""
    errors = {
        name: too_long_message(label, length, limit)
        for name, (label, text) in fields.items()
        if (length := len(text.replace("\r\n", "\n"))) > limit
    }
    if errors:
        raise ValidationError(errors)


class LongTextField(forms.CharField):
    """A textarea of at most ``max_length`` characters (TEXT_MAX unless given), with a counter."""

    def __init__(self, *, label: str, max_length: int = TEXT_MAX, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3}))
        message = f"{label}最多 {max_length} 字，现为 %(show_value)d 字。"  # Django's params
        kwargs["error_messages"] = {"max_length": message, **kwargs.get("error_messages", {})}
        super().__init__(label=label, max_length=max_length, **kwargs)

    def to_python(self, value: Any) -> str:
        # A browser posts a line break as CRLF but counts it as one character, as we do.
        return str(super().to_python(value) or "").replace("\r\n", "\n")

    def widget_attrs(self, widget: forms.Widget) -> dict[str, Any]:
        attrs = super().widget_attrs(widget)
        attrs.pop("maxlength", None)  # the browser would cut a pasted text short, silently
        attrs["data-counter"] = str(self.max_length)
        return attrs


class LongTextInput(serializers.CharField):
    """The API's side of LongTextField: the same limit and message, naming the field."""

    def __init__(self, *, label: str, max_length: int = TEXT_MAX, **kwargs: Any) -> None:
        super().__init__(label=label, **kwargs)
        self.limit = max_length

    def to_internal_value(self, data: Any) -> str:
        value = super().to_internal_value(data).replace("\r\n", "\n")
        if len(value) > self.limit:
            raise serializers.ValidationError(
                too_long_message(str(self.label), len(value), self.limit), code="max_length"
            )
        return value
