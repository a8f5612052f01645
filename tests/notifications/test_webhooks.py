"""Outgoing webhooks (企业微信 / 钉钉 group robots, plain JSON), posted to a local HTTP server."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import transaction

from departments.models import Unit, User
from notifications.jobs import send_webhook_delivery
from notifications.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from notifications.services import SETTINGS_ENDPOINT_NAME, notify
from tasks.models import ReportingPeriod

OK = (200, {"errcode": 0, "errmsg": "ok"})


@dataclass
class Received:
    path: str
    query: dict[str, list[str]]
    body: dict[str, Any]
    content_type: str


@dataclass
class Hook:
    """The local server: what it received, and the answers to give next (then 200 ok)."""

    url: str
    received: list[Received] = field(default_factory=list)
    answers: list[tuple[int, Any]] = field(default_factory=list)
    delay: float = 0.0


@pytest.fixture
def hook() -> Iterator[Hook]:
    server_hook = Hook(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 (the http.server name)
            raw = self.rfile.read(int(self.headers["Content-Length"]))
            parts = urlsplit(self.path)
            server_hook.received.append(
                Received(
                    parts.path, parse_qs(parts.query), json.loads(raw), self.headers["Content-Type"]
                )
            )
            time.sleep(server_hook.delay)
            status, answer = server_hook.answers.pop(0) if server_hook.answers else OK
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server_hook.url = f"http://127.0.0.1:{server.server_port}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server_hook
    server.shutdown()
    server.server_close()


@pytest.fixture
def fast_retries(settings):  # noqa: ANN001
    settings.UNIONPLAN_WEBHOOK_RETRY_SECONDS = 0
    settings.UNIONPLAN_WEBHOOK_URL = ""


def endpoint(hook: Hook, fmt: str, path: str = "/hook", **fields: Any) -> WebhookEndpoint:
    return WebhookEndpoint.objects.create(
        name=f"{fmt}{path}", url=f"{hook.url}{path}", format=fmt, **fields
    )


def notify_and_send(captured, **kwargs: Any) -> list[WebhookDelivery]:  # noqa: ANN001
    """notify() inside a transaction; then run each queued job as the worker would (in-process,
    retries included)."""
    before = set(WebhookDelivery.objects.values_list("pk", flat=True))
    with captured():
        notify(users=User.objects.none(), **kwargs)
    deliveries = WebhookDelivery.objects.exclude(pk__in=before).order_by("pk")
    for delivery in deliveries:
        send_webhook_delivery.apply(args=[delivery.pk])
    return list(WebhookDelivery.objects.filter(pk__in=[d.pk for d in deliveries]).order_by("pk"))


MESSAGE = {
    "title": "平湖街道总工会：催报",
    "body": "请尽快填报2024年第四季度报表。",
    "url": "/reports/workspace/",
    "event": "reminder",
}


def test_the_three_formats_post_their_documented_json(
    db, hook, fast_retries, settings, django_capture_on_commit_callbacks
):
    settings.UNIONPLAN_BASE_URL = "https://plan.lgzgh.example"
    endpoint(hook, "wecom", "/wecom")
    endpoint(hook, "dingtalk", "/dingtalk")
    endpoint(hook, "json", "/json")
    deliveries = notify_and_send(django_capture_on_commit_callbacks, **MESSAGE)
    assert [d.status for d in deliveries] == ["sent"] * 3
    got = {r.path: r for r in hook.received}
    assert set(got) == {"/wecom", "/dingtalk", "/json"}
    assert all(r.content_type.startswith("application/json") for r in hook.received)
    link = "https://plan.lgzgh.example/reports/workspace/"

    wecom = got["/wecom"].body
    assert wecom["msgtype"] == "markdown" and set(wecom) == {"msgtype", "markdown"}
    content = wecom["markdown"]["content"]
    assert "### 平湖街道总工会：催报" in content and "第四季度" in content
    assert f"[查看详情]({link})" in content

    ding = got["/dingtalk"].body
    assert ding["msgtype"] == "markdown"
    assert ding["markdown"]["title"] == "平湖街道总工会：催报"
    assert f"[查看详情]({link})" in ding["markdown"]["text"]
    assert not got["/dingtalk"].query  # no secret: not signed

    plain = got["/json"].body
    assert set(plain) == {"event", "title", "body", "url", "sent_at"}
    assert plain["event"] == "reminder" and plain["url"] == link
    assert plain["title"] == "平湖街道总工会：催报" and plain["body"] == MESSAGE["body"]
    assert plain["sent_at"].startswith(str(deliveries[2].sent_at.year))
    # The log holds exactly what was sent.
    assert deliveries[2].payload == plain and deliveries[0].payload == wecom


def test_without_a_base_url_the_link_is_the_path(
    db, hook, fast_retries, django_capture_on_commit_callbacks
):
    endpoint(hook, "json")
    endpoint(hook, "wecom", "/w")
    notify_and_send(django_capture_on_commit_callbacks, **MESSAGE)
    by_path = {r.path: r.body for r in hook.received}
    assert by_path["/hook"]["url"] == "/reports/workspace/"
    assert "链接：/reports/workspace/" in by_path["/w"]["markdown"]["content"]


def test_endpoints_receive_only_their_events_and_inactive_ones_nothing(
    db, hook, fast_retries, django_capture_on_commit_callbacks
):
    endpoint(hook, "json", "/reminders", events=["reminder"])
    endpoint(hook, "json", "/jobs", events=["job_done", "entry_returned"])
    endpoint(hook, "json", "/off", is_active=False)
    notify_and_send(django_capture_on_commit_callbacks, **MESSAGE)
    notify_and_send(django_capture_on_commit_callbacks, title="总表已生成", event="job_done")
    notify_and_send(django_capture_on_commit_callbacks, title="没有事件的通知")  # no event
    assert [(r.path, r.body["event"]) for r in hook.received] == [
        ("/reminders", "reminder"),
        ("/jobs", "job_done"),
    ]
    assert WebhookDelivery.objects.count() == 2


def test_one_message_per_notify_call_not_per_recipient(
    world, hook, fast_retries, django_capture_on_commit_callbacks
):
    endpoint(hook, "json")
    with django_capture_on_commit_callbacks():
        count = notify(
            users=User.objects.filter(role="staff"), title="逾期未报单位", event="reminder"
        )
    assert count > 1 and WebhookDelivery.objects.count() == 1


def test_a_rolled_back_notification_leaves_no_delivery(
    db, hook, fast_retries, django_capture_on_commit_callbacks
):
    endpoint(hook, "json")
    with (
        django_capture_on_commit_callbacks() as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        notify(users=User.objects.none(), **MESSAGE)
        raise RuntimeError("rolled back")
    assert not WebhookDelivery.objects.exists() and not callbacks


def test_an_unknown_event_is_a_programming_error(db):
    with pytest.raises(ValueError, match="unknown webhook event"):
        notify(users=User.objects.none(), title="x", event="reminders")


def test_a_500_is_retried_until_the_receiver_accepts(
    db, hook, fast_retries, django_capture_on_commit_callbacks
):
    endpoint(hook, "json")
    hook.answers = [(500, {"error": "busy"}), (502, "bad gateway")]
    [delivery] = notify_and_send(django_capture_on_commit_callbacks, **MESSAGE)
    assert len(hook.received) == 3
    assert delivery.status == DeliveryStatus.SENT and delivery.attempts == 3
    assert delivery.last_status_code == 200 and delivery.last_error == ""
    assert delivery.sent_at is not None


def test_after_the_last_attempt_the_delivery_is_failed_and_logged(
    db, hook, fast_retries, caplog, django_capture_on_commit_callbacks
):
    endpoint(hook, "json")
    hook.answers = [(500, {"error": "down"})] * 10
    with caplog.at_level(logging.WARNING, logger="notifications.services"):
        [delivery] = notify_and_send(django_capture_on_commit_callbacks, **MESSAGE)
    assert len(hook.received) == 5
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 5
    assert delivery.last_status_code == 500 and "HTTP 500" in delivery.last_error
    assert delivery.sent_at is None
    assert any("failed after 5 attempts" in r.getMessage() for r in caplog.records)


def test_a_robot_errcode_is_a_failure_even_with_http_200(
    db, hook, fast_retries, django_capture_on_commit_callbacks
):
    endpoint(hook, "wecom", events=["reminder"])
    endpoint(hook, "json", "/plain", events=["reminder"])
    hook.answers = [(200, {"errcode": 93000, "errmsg": "invalid webhook url"})]
    [robot, plain] = notify_and_send(django_capture_on_commit_callbacks, **MESSAGE)
    assert robot.status == DeliveryStatus.SENT and robot.attempts == 2
    # The failed attempt is what the second one replaced; make every attempt fail to see it.
    hook.answers = [(200, {"errcode": 310000, "errmsg": "sign not match"})] * 5
    endpoint(hook, "dingtalk", "/ding", events=["job_done"])
    [ding] = notify_and_send(django_capture_on_commit_callbacks, title="完成", event="job_done")
    assert ding.status == DeliveryStatus.FAILED and ding.last_status_code == 200
    assert ding.last_error == "errcode 310000: sign not match"
    assert plain.status == DeliveryStatus.SENT


def test_in_process_mode_tries_once_and_does_not_hang(
    db, fast_retries, settings, django_capture_on_commit_callbacks
):
    """The one-command run (no Redis) sends inside the request: one short attempt, no retries."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    WebhookEndpoint.objects.create(name="关闭的", url=f"http://127.0.0.1:{port}/", format="json")
    started = time.monotonic()
    [delivery] = notify_and_send(django_capture_on_commit_callbacks, **MESSAGE)
    assert time.monotonic() - started < 5
    assert delivery.status == DeliveryStatus.FAILED and delivery.attempts == 1
    assert delivery.last_status_code is None and "refused" in delivery.last_error.lower()


def test_a_receiver_slower_than_the_timeout_is_a_failed_attempt(
    db, hook, fast_retries, settings, django_capture_on_commit_callbacks
):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    settings.UNIONPLAN_WEBHOOK_TIMEOUT = 0.3
    hook.delay = 1.0
    endpoint(hook, "json")
    [delivery] = notify_and_send(django_capture_on_commit_callbacks, **MESSAGE)
    assert delivery.status == DeliveryStatus.FAILED and "timed out" in delivery.last_error


def test_the_endpoint_in_settings_is_signed_for_dingtalk(
    db, hook, fast_retries, settings, django_capture_on_commit_callbacks
):
    secret = "SECtest-secret"
    settings.UNIONPLAN_WEBHOOK_URL = f"{hook.url}/robot/send?access_token=abc"
    settings.UNIONPLAN_WEBHOOK_FORMAT = "dingtalk"
    settings.UNIONPLAN_WEBHOOK_EVENTS = ["reminder", "job_done"]
    settings.UNIONPLAN_WEBHOOK_SECRET = secret
    [delivery] = notify_and_send(django_capture_on_commit_callbacks, **MESSAGE)
    notify_and_send(django_capture_on_commit_callbacks, title="退回", event="entry_returned")
    assert delivery.endpoint is None and delivery.target == SETTINGS_ENDPOINT_NAME
    assert delivery.status == DeliveryStatus.SENT and not WebhookEndpoint.objects.exists()
    [received] = hook.received  # entry_returned is not among the settings' events
    assert received.path == "/robot/send" and received.query["access_token"] == ["abc"]
    timestamp = received.query["timestamp"][0]
    assert abs(int(timestamp) / 1000 - time.time()) < 60
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    assert received.query["sign"] == [expected]
    assert received.body["markdown"]["title"] == "平湖街道总工会：催报"


def test_the_call_sites_name_their_events_and_units(
    world, hook, fast_retries, django_capture_on_commit_callbacks
):
    from reports.services import entry_review, reminder_send

    endpoint(hook, "json")
    staff = world.user("staff_lead")
    with django_capture_on_commit_callbacks():
        reminder_send(
            period=world.period(4), unit=Unit.objects.get(name="平湖街道总工会"), user=staff
        )
        entry = world.entry(world.report(submit=True))
        entry_review(
            entry=entry,
            user=staff,
            approve=False,
            reason="数据不全",
            expected_version=entry.version,
        )
        world.done_job()
    rows = {d.event: d.payload for d in WebhookDelivery.objects.all()}
    assert set(rows) == {"reminder", "entry_returned", "job_done"}
    assert rows["reminder"]["title"] == "平湖街道总工会：催报"
    assert rows["entry_returned"]["title"].startswith("坂田街道总工会：第四季度报表第 10 项被退回")
    assert rows["entry_returned"]["body"] == "退回原因：数据不全"
    assert rows["job_done"]["title"].endswith("已生成")
    # In the app nothing changed: the unit's reporters see the title without their own name.
    notice = world.user("reporter").notifications.get(title__contains="被退回")
    assert not notice.title.startswith("坂田")


def test_admin_keeps_endpoints_to_http_and_shows_the_log(world, hook):
    client = world.client("admin")
    form = {"name": "办公室群", "format": "wecom", "events": ["reminder"], "is_active": "on"}
    refused = client.post(
        "/admin/notifications/webhookendpoint/add/", {**form, "url": "ftp://example.com/x"}
    )
    assert refused.status_code == 200 and WebhookEndpoint.objects.count() == 0
    created = client.post(
        "/admin/notifications/webhookendpoint/add/", {**form, "url": f"{hook.url}/x?key=k"}
    )
    assert created.status_code == 302
    assert WebhookEndpoint.objects.get().events == ["reminder"]
    WebhookDelivery.objects.create(
        target="办公室群", url=f"{hook.url}/x?key=k", format="wecom", event="reminder", payload={}
    )
    page = client.get("/admin/notifications/webhookdelivery/?status__exact=pending")
    assert page.status_code == 200 and "办公室群" in page.content.decode()
    detail = client.get(
        f"/admin/notifications/webhookdelivery/{WebhookDelivery.objects.get().pk}/change/"
    ).content.decode()
    assert "key=k" not in detail


@pytest.mark.worker
def test_a_real_worker_posts_a_reminder_to_the_group_chat(worker, hook, settings):
    from reports.services import reminder_send
    from unionplan.demo import demo_seed

    demo_seed()
    WebhookEndpoint.objects.create(name="催报群", url=f"{hook.url}/cgi-bin/webhook", format="wecom")
    staff = User.objects.get(username="qyb")
    period = ReportingPeriod.objects.get(plan__year=2024, kind="quarter", number=4)
    reminder_send(period=period, unit=Unit.objects.get(name="平湖街道总工会"), user=staff)
    delivery = WebhookDelivery.objects.get()
    deadline = time.monotonic() + 60
    while delivery.status == DeliveryStatus.PENDING and time.monotonic() < deadline:
        time.sleep(0.1)
        delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT, delivery.last_error
    [received] = hook.received
    assert received.path == "/cgi-bin/webhook"
    assert "### 平湖街道总工会：催报" in received.body["markdown"]["content"]


def test_bad_webhook_settings_stop_start_up_naming_the_variable():
    from tests.test_settings import run_manage

    result = run_manage(
        "check", UNIONPLAN_WEBHOOK_URL="http://x/", UNIONPLAN_WEBHOOK_FORMAT="slack"
    )
    assert result.returncode != 0 and "UNIONPLAN_WEBHOOK_FORMAT" in result.stderr
    result = run_manage("check", UNIONPLAN_WEBHOOK_URL="ftp://x/")
    assert result.returncode != 0 and "UNIONPLAN_WEBHOOK_URL" in result.stderr
