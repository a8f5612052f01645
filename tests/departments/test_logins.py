"""Sign-in lockout (django-axes) and idle sign-out, as people and administrators meet them."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.utils import timezone

from departments.services import token_create
from history.models import Action, LoginLockout, LoginRecord
from unionplan.demo import DEMO_PASSWORD
from unionplan.idle import SESSION_KEY

LOCKED = "登录失败次数过多，该账号在本地址已被锁定，请 15 分钟后再试，或联系系统管理员解锁。"


def sign_in(client: Client, username: str, password: str, *, path: str = "/accounts/login/"):  # noqa: ANN201
    return client.post(path, {"username": username, "password": password})


def fail(client: Client, username: str, times: int, *, path: str = "/accounts/login/") -> list[int]:
    return [
        sign_in(client, username, "wrong-password", path=path).status_code for _ in range(times)
    ]


def test_five_failures_lock_the_account_at_this_address_even_for_the_right_password(world):
    client = Client()
    assert fail(client, "bantian", 4) == [200] * 4
    locked = sign_in(client, "bantian", "wrong-password")
    assert locked.status_code == 429
    right = sign_in(client, "bantian", DEMO_PASSWORD)
    html = right.content.decode()
    # The product's sign-in page, not a bare text: the form is there, with the reason and the name.
    assert right.status_code == 429 and "_auth_user_id" not in client.session
    assert 'data-testid="login-error"' in html and LOCKED in html
    assert 'name="password"' in html and 'value="bantian"' in html
    lock = Action.objects.get(verb="锁定")
    assert lock.ip_address == "127.0.0.1" and "bantian" in lock.summary
    assert "连续 5 次登录失败" in lock.summary
    # Every refused try stays visible as a failure; the lockout is recorded once.
    assert Action.objects.filter(verb="登录失败", ip_address="127.0.0.1").count() == 6
    assert set(LoginRecord.objects.values_list("verb", flat=True)) == {"登录失败", "锁定"}


def test_the_same_account_from_another_address_and_another_account_are_not_locked(world):
    fail(Client(), "bantian", 5)
    elsewhere = Client(REMOTE_ADDR="10.20.30.40")
    assert sign_in(elsewhere, "bantian", DEMO_PASSWORD).status_code == 302
    assert sign_in(Client(), "pinghu", DEMO_PASSWORD).status_code == 302
    login = Action.objects.get(verb="登录", actor__username="bantian")
    assert login.ip_address == "10.20.30.40"


def test_the_lockout_says_how_long_is_left_and_ends_by_itself(world):
    client = Client()
    fail(client, "bantian", 5)
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=10, seconds=5))
    html = sign_in(client, "bantian", DEMO_PASSWORD).content.decode()
    assert "请 5 分钟后再试" in html
    AccessAttempt.objects.update(attempt_time=timezone.now() - dt.timedelta(minutes=15, seconds=1))
    assert sign_in(client, "bantian", DEMO_PASSWORD).status_code == 302


def test_limit_and_minutes_come_from_settings(world, settings):
    settings.UNIONPLAN_LOGIN_LOCKOUT_MINUTES = 30
    settings.AXES_FAILURE_LIMIT = settings.UNIONPLAN_LOGIN_FAILURE_LIMIT = 3
    client = Client()
    assert fail(client, "bantian", 3) == [200, 200, 429]
    assert "请 30 分钟后再试" in sign_in(client, "bantian", DEMO_PASSWORD).content.decode()


def test_the_admin_sign_in_page_locks_too_and_shows_the_reason_in_its_own_page(world):
    client = Client()
    assert fail(client, "admin", 5, path="/admin/login/")[-1] == 429
    response = sign_in(client, "admin", DEMO_PASSWORD, path="/admin/login/")
    html = response.content.decode()
    assert response.status_code == 429 and LOCKED in html and 'class="errornote' in html
    assert Action.objects.get(verb="锁定").source == "admin"
    # Locked on one page is locked on both: it is one account at one address.
    assert sign_in(client, "admin", DEMO_PASSWORD).status_code == 429


def test_an_administrator_unlocks_from_the_admin_and_the_unlock_is_recorded(world):
    client = Client()
    fail(client, "bantian", 5)
    admin = world.client("admin")
    listing = admin.get("/admin/history/loginlockout/?locked=yes").content.decode()
    assert "bantian" in listing and "127.0.0.1" in listing and "登录锁定" in listing
    lockout = LoginLockout.objects.get(username="bantian")
    response = admin.post(
        "/admin/history/loginlockout/",
        {"action": "release", "_selected_action": [lockout.pk]},
        follow=True,
    )
    assert "已解除 1 个账号的锁定。" in response.content.decode()
    assert not AccessAttempt.objects.exists()
    unlock = Action.objects.get(verb="解除锁定")
    assert unlock.actor.username == "admin" and "bantian" in unlock.summary
    assert sign_in(client, "bantian", DEMO_PASSWORD).status_code == 302


def test_sign_ins_failures_and_lockouts_are_listed_for_administrators(world):
    fail(Client(REMOTE_ADDR="10.1.1.1"), "pinghu", 5)
    sign_in(Client(), "leader", DEMO_PASSWORD)
    admin = world.client("admin")
    html = admin.get("/admin/history/loginrecord/").content.decode()
    assert "登录记录" in html and "10.1.1.1" in html and "锁定" in html and "用户名：pinghu" in html
    assert admin.get("/admin/").content.decode().count("/admin/history/loginrecord/") >= 1
    assert world.client("leader").get("/admin/history/loginrecord/").status_code == 302


def test_x_forwarded_for_counts_only_behind_a_trusted_proxy(world, settings):
    forged = Client(HTTP_X_FORWARDED_FOR="1.2.3.4")
    sign_in(forged, "bantian", "wrong")
    assert Action.objects.latest("pk").ip_address == "127.0.0.1"
    settings.UNIONPLAN_TRUSTED_PROXY_COUNT = 1
    proxied = Client(HTTP_X_FORWARDED_FOR="6.6.6.6, 10.9.8.7")  # the client's claim, then nginx's
    sign_in(proxied, "bantian", "wrong")
    assert Action.objects.latest("pk").ip_address == "10.9.8.7"
    assert AccessAttempt.objects.filter(ip_address="10.9.8.7").exists()


def test_api_tokens_are_not_passwords_and_never_count(world):
    for _ in range(8):
        response = Client(HTTP_AUTHORIZATION="Bearer up_wrong").get("/api/v1/tasks/")
        assert response.status_code == 401
    _, raw = token_create(user=world.user("reporter"), name="对接")
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/tasks/").status_code == 200
    assert not AccessAttempt.objects.exists()
    assert not Action.objects.filter(verb__in=["登录失败", "锁定"]).exists()


# --- idle sign-out -------------------------------------------------------------------------------


def idle_for(client: Client, seconds: float) -> None:
    session = client.session
    session[SESSION_KEY] = time.time() - seconds
    session.save()


@pytest.fixture
def short_idle(settings):  # noqa: ANN001, ANN201
    settings.UNIONPLAN_IDLE_SECONDS = 60
    return settings


def test_an_idle_session_is_signed_out_with_the_reason(world, short_idle):
    client = world.client("reporter")
    assert client.get("/tasks/").status_code == 200
    idle_for(client, 61)
    response = client.get("/tasks/?q=x")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Ftasks%2F%3Fq%3Dx"
    page = client.get(response["Location"]).content.decode()
    assert "长时间未操作，已自动退出，请重新登录。" in page and 'name="password"' in page
    assert client.get("/tasks/").status_code == 302  # signed out for good


def test_activity_within_the_limit_keeps_the_session(world, short_idle):
    client = world.client("reporter")
    client.get("/tasks/")
    idle_for(client, 59)
    assert client.get("/tasks/").status_code == 200
    assert time.time() - client.session[SESSION_KEY] < 5  # the request counted as activity


def test_keepalive_answers_204_and_counts_as_activity(world, short_idle):
    client = world.client("reporter")
    client.get("/tasks/")
    idle_for(client, 50)
    assert client.post("/accounts/keepalive/").status_code == 204
    assert time.time() - client.session[SESSION_KEY] < 5
    assert Client().post("/accounts/keepalive/").status_code == 401


def test_htmx_and_json_requests_get_401_not_a_page(world, short_idle):
    client = world.client("reporter")
    client.get("/tasks/")
    idle_for(client, 120)
    response = client.get("/tasks/", HTTP_HX_REQUEST="true")
    assert response.status_code == 401 and response["HX-Redirect"].startswith("/accounts/login/")
    client = world.client("reporter")
    client.get("/tasks/")
    idle_for(client, 120)
    response = client.post("/api/v1/reports/open/", {}, content_type="application/json")
    assert response.status_code == 401
    assert response.json()["message"] == "长时间未操作，已自动退出，请重新登录。"


def test_api_token_requests_are_not_affected(world, short_idle):
    _, raw = token_create(user=world.user("reporter"), name="对接")
    assert Client(HTTP_AUTHORIZATION=f"Bearer {raw}").get("/api/v1/tasks/").status_code == 200
    # Even a browser session left idle for an hour: a request with a token is judged by the token.
    client = world.client("reporter")
    client.get("/tasks/")
    idle_for(client, 3600)
    assert client.get("/api/v1/tasks/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 200


def test_every_signed_in_page_carries_the_idle_settings_and_no_inline_script(world):
    html = world.client("reporter").get("/tasks/").content.decode()
    assert 'data-idle-seconds="1800"' in html and 'data-idle-warning-seconds="60"' in html
    assert 'data-keepalive-url="/accounts/keepalive/"' in html and "js/idle.js" in html
    assert "<script>" not in html and "onclick" not in html
    assert "data-idle-seconds" not in Client().get("/accounts/login/").content.decode()


def test_keepalive_works_while_a_password_change_is_required(world):
    """The warning also shows on the password page someone is made to visit first."""
    user = world.user("reporter")
    user.must_change_password = True
    user.save(update_fields=["must_change_password"])
    client = world.client("reporter")
    assert client.get("/tasks/").status_code == 302  # sent to change the password
    assert client.post("/accounts/keepalive/").status_code == 204
