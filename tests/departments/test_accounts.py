"""Accounts: changing one's own password, Django's validators, a reset forced by an administrator,
the sign-in page under the system's name and the user menu."""

from __future__ import annotations

import datetime as dt
import re

from django.conf import settings
from django.test import Client

from departments.models import User
from history.models import Action
from unionplan.demo import DEMO_PASSWORD

NEW_PASSWORD = "Longgang-plan-2025!"


def change(client: Client, old: str, new: str, again: str | None = None):  # noqa: ANN201
    return client.post(
        "/accounts/password/",
        {"old_password": old, "new_password1": new, "new_password2": again or new},
    )


def test_password_page_is_in_the_products_layout_in_chinese(world):
    html = world.client("reporter").get("/accounts/password/").content.decode()
    assert '<h1 class="h4 mb-3">修改密码</h1>' in html
    assert 'aria-label="主导航"' in html  # base.html
    assert "旧密码" in html and "新密码" in html and "新密码确认" in html
    assert 'type="password"' in html and 'autocomplete="new-password"' in html
    assert "至少" in html  # the validators' help text, from Django's zh-hans locale


def test_django_password_validators_are_on_and_refuse_in_chinese(world):
    names = [v["NAME"].rsplit(".", 1)[-1] for v in settings.AUTH_PASSWORD_VALIDATORS]
    assert names == [  # Django's four (the length rule through departments.passwords)
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]
    client = world.client("reporter")
    response = change(client, DEMO_PASSWORD, "12345678")
    assert response.status_code == 200
    html = response.content.decode()
    assert "这个密码太常见了" in html and "密码只包含数字" in html
    response = change(client, DEMO_PASSWORD, "abc")
    assert "密码长度太短。密码必须包含至少 8 个字符。" in response.content.decode()
    assert "This password" not in response.content.decode()
    response = change(client, "wrong", NEW_PASSWORD)
    assert "你的旧密码不正确" in response.content.decode()
    user = User.objects.get(pk=world.user("reporter").pk)
    assert user.check_password(DEMO_PASSWORD)


def test_a_changed_password_works_the_old_one_does_not_and_the_change_is_recorded(world):
    client = world.client("staff_lead")
    response = change(client, DEMO_PASSWORD, NEW_PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/accounts/password/done/"
    done = client.get("/accounts/password/done/")  # this session stays signed in
    assert done.status_code == 200 and "密码已修改" in done.content.decode()
    username = world.user("staff_lead").username
    # Through the sign-in page, as a person would (django-axes needs the request).
    signed_in = Client().post("/accounts/login/", {"username": username, "password": NEW_PASSWORD})
    assert signed_in.status_code == 302
    refused = Client().post("/accounts/login/", {"username": username, "password": DEMO_PASSWORD})
    assert refused.status_code == 200
    action = Action.objects.filter(verb="修改密码").latest("pk")
    assert action.actor.username == username and action.source == "web"
    assert NEW_PASSWORD not in action.summary


def test_the_demo_password_still_signs_in(world):
    """Validators apply when a password is chosen in a form; seed_demo does not run them."""
    response = Client().post("/accounts/login/", {"username": "leader", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/"


def test_admin_action_forces_a_reset_and_records_who_asked(world):
    target = world.user("reporter")
    response = world.client("admin").post(
        "/admin/departments/user/",
        {"action": "require_password_change", "_selected_action": [target.pk]},
        follow=True,
    )
    assert "已要求 1 位用户下次登录时修改密码" in response.content.decode()
    assert User.objects.get(pk=target.pk).must_change_password
    action = Action.objects.filter(verb="要求修改密码").latest("pk")
    assert action.actor.username == "admin" and action.source == "admin"
    assert target.username in action.summary


def test_admin_offers_the_flag_on_the_user_page(world):
    target = world.user("reporter")
    html = world.client("admin").get(f"/admin/departments/user/{target.pk}/change/").content
    assert "下次登录须修改密码" in html.decode()


def force_reset(world, role: str = "reporter") -> Client:  # noqa: ANN001
    user = world.user(role)
    User.objects.filter(pk=user.pk).update(must_change_password=True)
    client = Client()
    client.force_login(User.objects.get(pk=user.pk))
    return client


def test_a_forced_reset_sends_every_page_to_the_password_page(world, settings):
    settings.UNIONPLAN_TODAY = dt.date(2024, 10, 20)  # 坂田 owes its third-quarter report
    client = force_reset(world)
    for path in ("/", "/dashboard/", "/tasks/", "/reports/", "/account/tokens/", "/admin/"):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == "/accounts/password/", path
    response = client.post("/account/tokens/", {"name": "x"})
    assert response.status_code == 302 and response["Location"] == "/accounts/password/"
    htmx = client.get("/tasks/", headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"] == "/accounts/password/"
    page = client.get("/accounts/password/").content.decode()
    assert 'data-testid="password-required"' in page and "系统管理员要求您修改密码" in page
    assert 'data-testid="due-banner"' not in page  # its 去填报 link would lead back here


def test_a_forced_reset_leaves_sign_out_health_static_files_and_the_api_alone(world):
    client = force_reset(world)
    assert client.get("/healthz").status_code == 200
    assert client.get("/static/css/unionplan.css").status_code != 302
    assert client.get("/api/v1/plans/").status_code == 200  # the API keeps answering
    assert client.get("/api/docs/").status_code == 200
    response = client.post("/accounts/logout/")
    assert response.status_code == 302 and response["Location"] == "/accounts/login/"


def test_changing_the_password_lifts_the_forced_reset(world):
    client = force_reset(world)
    response = change(client, DEMO_PASSWORD, NEW_PASSWORD)
    assert response["Location"] == "/accounts/password/done/"
    assert not User.objects.get(pk=world.user("reporter").pk).must_change_password
    assert client.get("/dashboard/").status_code == 200


def test_login_page_shows_the_systems_name_not_the_host(world):
    html = Client().get("/accounts/login/", HTTP_HOST="127.0.0.1").content.decode()
    brand = re.search(r'class="navbar-brand[^>]*>(.*?)</a>', html, re.S)
    assert brand is not None and settings.UNIONPLAN_SITE_NAME in brand.group(1)
    assert "<title>登录 · 龙岗区总工会</title>" in html
    assert "127.0.0.1" not in html


def test_user_menu_holds_password_tokens_docs_and_sign_out(world):
    html = world.client("leader").get("/instructions/").content.decode()
    menu = html[html.index('data-testid="user-menu"') :]
    menu = menu[: menu.index("</ul>")]
    assert 'data-testid="current-user"' in menu and "区总领导" in menu
    for href, label in (
        ("/accounts/password/", "修改密码"),
        ("/account/tokens/", "接口令牌"),
        ("/api/docs/", "接口文档"),
    ):
        assert f'href="{href}"' in menu and label in menu
    assert 'action="/accounts/logout/"' in menu and "退出登录" in menu
    # The separate key and braces icons are gone; the bell stays.
    navbar = html[: html.index('data-testid="user-menu"')]
    assert "bi-key" not in navbar and "bi-braces" not in navbar
    assert 'data-testid="notifications-link"' in navbar


def test_unknown_page_shows_the_products_404_without_developer_text(world):
    response = world.client("leader").get("/no-such-page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "找不到您要的内容" in html and "链接可能有误" in html
    assert "Resolver404" not in html and "matches the given query" not in html
    # A reason the product gives in Chinese is still shown.
    assert "没有该单位" in world.client("leader").get("/dashboard/?unit=999999").content.decode()
