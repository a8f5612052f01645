"""Figures to verify (tasks.checks) where units report and departments review: beside the
figure, never stopping the save or the submission."""

from __future__ import annotations

from history.recording import Source, recording
from reports.services import report_submit
from tasks.models import IndicatorAllocation, RuleKind
from tasks.services.rules import indicator_rule_create


def _setup(world):  # noqa: ANN001, ANN202
    """Task 10: 坂田 has a share of 2 of the first indicator; the second may not be above 5."""
    shared, capped = list(world.task.indicators.order_by("order"))[:2]
    with recording(actor=None, source=Source.SYSTEM, verb="准备测试数据"):
        IndicatorAllocation.objects.create(indicator=shared, unit=world.task_unit(), target=2)
    indicator_rule_create(indicator=capped, user=world.user("admin"), kind=RuleKind.MAX, bound="5")
    return shared, capped


def _save(client, entry, **figures):  # noqa: ANN001, ANN003, ANN202
    data = {f"e{entry.pk}-narrative": "已开展。", f"e{entry.pk}-version": entry.version}
    data.update({f"e{entry.pk}-contribution_{pk}": v for pk, v in figures.items()})
    return client.post(f"/reports/entries/{entry.pk}/", data, HTTP_ACCEPT="application/json")


def test_autosave_answers_with_the_entrys_warnings_and_the_page_shows_them(world):
    shared, capped = _setup(world)
    report = world.report(period=4, fill=False)
    entry = world.entry(report)
    reporter = world.client("reporter")
    response = _save(reporter, entry, **{str(shared.pk): "3", str(capped.pk): "9"})
    assert response.status_code == 200  # saved all the same
    body = response.json()
    assert body["ok"] is True
    assert body["warnings"] == [
        {
            "indicator": shared.pk,
            "message": f"{shared.name}本单位累计 3 个，超过本单位分解目标 2 个，请核实",
        },
        {"indicator": capped.pk, "message": f"{capped.name}本期填报 9 家，高于上限 5 家，请核实"},
    ]
    page = reporter.get(f"/reports/{report.pk}/").content.decode()
    assert page.count('data-testid="figure-warning"') == 2
    assert "超过本单位分解目标 2 个" in page
    check = reporter.get(f"/reports/{report.pk}/check/").json()
    assert [w["message"] for w in check["warnings"]] == [w["message"] for w in body["warnings"]]
    assert {w["task_number"] for w in check["warnings"]} == {10}


def test_a_figure_within_the_rules_raises_nothing(world):
    shared, capped = _setup(world)
    entry = world.entry(world.report(period=4, fill=False))
    body = _save(world.client("reporter"), entry, **{str(shared.pk): "2", str(capped.pk): "5"})
    assert body.json()["warnings"] == []


def test_the_reviewer_sees_the_warning_beside_the_figure(world, django_assert_max_num_queries):
    shared, capped = _setup(world)
    report = world.report(period=4)
    entry = world.entry(report)
    _save(world.client("reporter"), entry, **{str(capped.pk): "9"})
    report_submit(report=report, user=world.user("reporter"))
    staff = world.client("staff_lead")
    with django_assert_max_num_queries(16):
        page = staff.get(f"/reviews/reports/{report.pk}/").content.decode()
    assert f"{capped.name}本期填报 9 家，高于上限 5 家，请核实" in page
    with django_assert_max_num_queries(18):
        listing = staff.get("/reviews/").content.decode()
    assert f"{capped.name}本期填报 9 家，高于上限 5 家，请核实" in listing
    api = staff.get(f"/api/v1/entries/{entry.pk}/").json()
    assert api["warnings"] == [
        {"indicator": capped.pk, "message": f"{capped.name}本期填报 9 家，高于上限 5 家，请核实"}
    ]
