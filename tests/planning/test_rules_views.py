"""指标校验规则 pages: an administrator lists, adds, changes and removes rules; nobody else."""

from __future__ import annotations

from tasks.models import IndicatorRule, RuleKind


def test_admin_adds_a_rule_and_sees_it_beside_its_indicator(world, django_assert_max_num_queries):
    admin = world.client("admin")
    trained, team = list(world.task.indicators.order_by("order"))[:2]
    response = admin.post(
        f"/plans/edit/indicators/{trained.pk}/rules/new/",
        {"kind": RuleKind.NOT_ABOVE, "bound": "", "other": team.pk, "note": "不应超过"},
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/plans/2024/rules/#indicator-{trained.pk}")
    rule = IndicatorRule.objects.get()
    assert (rule.indicator, rule.other, rule.note) == (trained, team, "不应超过")
    with django_assert_max_num_queries(12):
        page = admin.get("/plans/2024/rules/")
    text = page.content.decode()
    assert f"累计不高于“{team.name}”" in text and "（不应超过）" in text
    assert 'data-testid="rule-count">1<' in text


def test_a_missing_bound_is_named_and_nothing_is_saved(world):
    admin = world.client("admin")
    indicator = world.task.indicators.order_by("order").first()
    response = admin.post(
        f"/plans/edit/indicators/{indicator.pk}/rules/new/", {"kind": RuleKind.MIN, "bound": ""}
    )
    assert response.status_code == 400
    text = response.content.decode()
    assert "界限值：“不低于”规则须填写界限值。" in text
    assert not IndicatorRule.objects.exists()


def test_admin_edits_and_deletes_after_confirming(world):
    admin = world.client("admin")
    indicator = world.task.indicators.order_by("order").first()
    admin.post(
        f"/plans/edit/indicators/{indicator.pk}/rules/new/", {"kind": RuleKind.MAX, "bound": "50"}
    )
    rule = IndicatorRule.objects.get()
    form = admin.get(f"/plans/edit/rules/{rule.pk}/").content.decode()
    assert 'value="50"' in form
    assert (
        admin.post(
            f"/plans/edit/rules/{rule.pk}/", {"kind": RuleKind.MAX, "bound": "80"}
        ).status_code
        == 302
    )
    rule.refresh_from_db()
    assert rule.bound == 80
    confirm = admin.get(f"/plans/edit/rules/{rule.pk}/delete/").content.decode()
    assert "确认删除" in confirm and "每次填报不高于 80" in confirm
    assert IndicatorRule.objects.exists()  # asking is not deleting
    assert admin.post(f"/plans/edit/rules/{rule.pk}/delete/").status_code == 302
    assert not IndicatorRule.objects.exists()


def test_only_administrators_reach_the_rules_pages(world):
    indicator = world.task.indicators.order_by("order").first()
    for role in ("staff_lead", "leader", "reporter"):
        client = world.client(role)
        assert client.get("/plans/2024/rules/").status_code == 403
        response = client.post(
            f"/plans/edit/indicators/{indicator.pk}/rules/new/",
            {"kind": RuleKind.MAX, "bound": "5"},
        )
        assert response.status_code == 403
    assert not IndicatorRule.objects.exists()


def test_plan_editing_links_to_the_rules(world):
    text = world.client("admin").get("/plans/2024/edit/").content.decode()
    assert "/plans/2024/rules/" in text
    assert "/plans/2024/rules/" in world.client("admin").get("/plans/manage/").content.decode()
