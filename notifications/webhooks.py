"""Outgoing webhooks without the database: the three message formats, 钉钉 signing and one POST.

The services in ``notifications/services.py`` decide who gets what and keep the log; this module
only turns a message into JSON and sends it with the standard library (no new dependency).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any

from django.conf import settings

BODY_LIMIT = 1000  # characters of the notification body in a chat message (robots cap ~4 KB)
EVENT_LABELS = {
    "reminder": "催报",
    "instruction": "批示",
    "entry_returned": "条目退回",
    "job_done": "文件生成完成",
}


def absolute_link(url: str) -> str:
    """The notification's link for people outside the site: absolute when UNIONPLAN_BASE_URL is
    set, else the path as it is."""
    if not url or url.startswith(("http://", "https://")):
        return url
    base: str = settings.UNIONPLAN_BASE_URL
    return f"{base}{url if url.startswith('/') else '/' + url}" if base else url


def _markdown(*, event: str, title: str, body: str, link: str) -> str:
    parts = [f"### {title}"]
    if body:
        parts.append(body if len(body) <= BODY_LIMIT else body[:BODY_LIMIT] + "…")
    if link.startswith(("http://", "https://")):
        parts.append(f"[查看详情]({link})")
    elif link:
        parts.append(f"链接：{link}")
    # The site name doubles as the keyword a 钉钉 robot's 自定义关键词 security setting can ask for.
    parts.append(f"> {settings.UNIONPLAN_SITE_NAME} · {EVENT_LABELS.get(event, event)}")
    return "\n\n".join(parts)


def build_payload(fmt: str, *, event: str, title: str, body: str, link: str) -> dict[str, Any]:
    """The JSON of one message: 企业微信 or 钉钉 robot markdown, or plain JSON (``sent_at`` is
    filled in when it is sent)."""
    if fmt == "wecom":
        text = _markdown(event=event, title=title, body=body, link=link)
        return {"msgtype": "markdown", "markdown": {"content": text}}
    if fmt == "dingtalk":
        text = _markdown(event=event, title=title, body=body, link=link)
        return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}
    return {"event": event, "title": title, "body": body, "url": link, "sent_at": None}


def dingtalk_signed_url(url: str, secret: str, *, timestamp_ms: int | None = None) -> str:
    """Add 钉钉's 加签 parameters: timestamp (ms) and sign = base64(HMAC-SHA256(secret,
    "timestamp\\nsecret")), URL-encoded."""
    timestamp = str(timestamp_ms if timestamp_ms is not None else round(time.time() * 1000))
    digest = hmac.new(
        secret.encode("utf-8"), f"{timestamp}\n{secret}".encode(), hashlib.sha256
    ).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp}&sign={sign}"


@dataclass(frozen=True)
class PostResult:
    ok: bool
    status_code: int | None = None
    error: str = ""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect would turn the POST into a GET whose 200 looks like a delivered message.
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirect)


def _snippet(raw: bytes) -> str:
    return raw[:200].decode("utf-8", errors="replace").strip()


def post_json(url: str, payload: dict[str, Any], *, check_errcode: bool) -> PostResult:
    """POST the payload; a non-2xx answer, no answer within UNIONPLAN_WEBHOOK_TIMEOUT or (for the
    robots) a non-zero ``errcode`` in the answer is a failure."""
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json; charset=utf-8", "User-Agent": "unionplan"},
        method="POST",
    )
    try:
        with _opener.open(request, timeout=settings.UNIONPLAN_WEBHOOK_TIMEOUT) as response:
            status: int = response.status
            raw: bytes = response.read(64 * 1024)
    except urllib.error.HTTPError as exc:
        return PostResult(False, exc.code, f"HTTP {exc.code}: {_snippet(exc.read())}".strip())
    except (OSError, http.client.HTTPException, ValueError) as exc:
        # Refused, unreachable, timed out, TLS or a malformed answer: the receiver's problem.
        return PostResult(False, None, f"{type(exc).__name__}: {exc}")
    if not 200 <= status < 300:
        return PostResult(False, status, f"HTTP {status}: {_snippet(raw)}")
    if check_errcode:
        try:
            answer = json.loads(raw or b"{}")
        except ValueError:
            answer = None
        if isinstance(answer, dict) and answer.get("errcode", 0) not in (0, "0"):
            return PostResult(
                False, status, f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}"
            )
    return PostResult(True, status)
