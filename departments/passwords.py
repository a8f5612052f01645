"""Password validators: Django's own, with their Chinese messages."""

from __future__ import annotations

from django.contrib.auth.password_validation import (
    MinimumLengthValidator as DjangoMinimumLengthValidator,
)
from django.utils.translation import ngettext


class MinimumLengthValidator(DjangoMinimumLengthValidator):
    """Django's minimum length rule. Django 5.2 renamed this message's placeholder and its
    zh-hans catalogue still has only the earlier wording, so users saw English; this asks for
    the earlier wording, which the catalogue translates."""

    def get_error_message(self) -> str:
        return ngettext(
            "This password is too short. It must contain at least %(min_length)d character.",
            "This password is too short. It must contain at least %(min_length)d characters.",
            self.min_length,
        ) % {"min_length": self.min_length}
