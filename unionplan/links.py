"""Links to one object's page, for pages that show hundreds of them.

``reverse()`` walks the URL resolver on every call (about 50 µs): the dashboard's submission grid
links up to one report per unit and period, the task list a task per row. The URL of a named
route with one ``pk`` is the same text around the number, so it is reversed once per script
prefix and filled in after that.
"""

from __future__ import annotations

from django.urls import get_script_prefix, reverse

_SENTINEL = 987654321987
_templates: dict[tuple[str, str], tuple[str, str]] = {}


def url_with_pk(name: str, pk: int) -> str:
    """``reverse(name, kwargs={"pk": pk})``, at the cost of a string join."""
    key = (get_script_prefix(), name)
    parts = _templates.get(key)
    if parts is None:
        before, _, after = reverse(name, kwargs={"pk": _SENTINEL}).partition(str(_SENTINEL))
        parts = _templates[key] = (before, after)
    return f"{parts[0]}{pk}{parts[1]}"
