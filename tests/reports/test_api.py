"""The reporting loop through the API, on the same services and policy as the pages."""

from __future__ import annotations

from reports.models import UnitReport
from tests.conftest import png


def post(client, url, body):  # noqa: ANN001,ANN201
    return client.post(url, body, content_type="application/json")


def test_api_reporting_loop_submit_return_fix_approve(world):
    reporter, staff = world.client("reporter"), world.client("staff_lead")
    report = post(reporter, "/api/v1/reports/open/", {"period": world.period(4).pk}).json()
    entries = reporter.get(f"/api/v1/entries/?report={report['id']}&page_size=100").json()
    assert entries["count"] == 29
    lawyers = world.task.indicators.get(name="律师驻点")
    for entry in entries["results"]:
        body = {"narrative": "已开展。", "version": entry["version"]}
        if entry["task"] == world.task.pk:
            body["contributions"] = [{"indicator": lawyers.pk, "value": "3"}]
            task10 = entry["id"]
        assert post(reporter, f"/api/v1/entries/{entry['id']}/save/", body).status_code == 200
    upload = reporter.post(f"/api/v1/entries/{task10}/attachments/", {"file": png()})
    assert upload.status_code == 201
    submitted = post(reporter, f"/api/v1/reports/{report['id']}/submit/", {})
    assert submitted.status_code == 200 and submitted.json()["status"] == "submitted"
    entry = staff.get(f"/api/v1/entries/{task10}/").json()
    returned = post(
        staff,
        f"/api/v1/entries/{task10}/return/",
        {"version": entry["version"], "reason": "请补充驻点名单"},
    )
    assert returned.status_code == 200 and returned.json()["state"] == "returned"
    fixed = post(
        reporter,
        f"/api/v1/entries/{task10}/save/",
        {
            "narrative": "已补充名单。",
            "version": returned.json()["version"],
            "contributions": [{"indicator": lawyers.pk, "value": "3"}],
        },
    )
    assert fixed.status_code == 200
    post(reporter, f"/api/v1/reports/{report['id']}/submit/", {})
    entry = staff.get(f"/api/v1/entries/{task10}/").json()
    before = world.client("leader").get(f"/api/v1/tasks/{world.task.pk}/progress/").json()
    approved = post(staff, f"/api/v1/entries/{task10}/approve/", {"version": entry["version"]})
    assert approved.status_code == 200
    after = world.client("leader").get(f"/api/v1/tasks/{world.task.pk}/progress/").json()

    def actual(state):  # noqa: ANN001,ANN202
        return float(next(i for i in state["indicators"] if i["name"] == "律师驻点")["actual"])

    assert actual(after) == actual(before) + 3
    download = world.client("leader").get(upload.json()["download_url"])
    assert download.status_code == 200


def test_api_bad_contribution_and_empty_submit_say_which_field(world):
    reporter = world.client("reporter")
    report = post(reporter, "/api/v1/reports/open/", {"period": world.period(4).pk}).json()
    entry = reporter.get(f"/api/v1/entries/?report={report['id']}").json()["results"][0]
    bad = post(
        reporter,
        f"/api/v1/entries/{entry['id']}/save/",
        {
            "narrative": "x",
            "version": entry["version"],
            "contributions": [{"indicator": 1, "value": "-1"}],
        },
    )
    assert bad.status_code == 400 and "contributions" in bad.json()["errors"]
    empty = post(reporter, f"/api/v1/reports/{report['id']}/submit/", {})
    assert empty.status_code == 400 and len(empty.json()["errors"]["entries"]) == 29


def test_api_grid_lists_every_unit_and_period_with_rates(world):
    data = world.client("leader").get("/api/v1/submission-grid/?year=2024").json()
    assert data["year"] == 2024 and len(data["rates"]) == 4
    assert len(data["cells"]) == 14 * 4
    assert world.client("reporter").get("/api/v1/submission-grid/").status_code == 403


def test_api_entry_can_be_marked_not_applicable_with_a_reason(world):
    reporter = world.client("reporter")
    report = post(reporter, "/api/v1/reports/open/", {"period": world.period(4).pk}).json()
    entry = world.entry(UnitReport.objects.get(pk=report["id"]))
    body = {"narrative": "", "not_applicable": True, "version": entry.version}
    saved = post(reporter, f"/api/v1/entries/{entry.pk}/save/", body)
    assert saved.status_code == 200 and saved.json()["not_applicable"] is True
    too_long = {**body, "not_applicable_reason": "因" * 201, "version": saved.json()["version"]}
    refused = post(reporter, f"/api/v1/entries/{entry.pk}/save/", too_long)
    assert refused.status_code == 400
    assert "not_applicable_reason" in refused.json()["errors"]
    body = {**body, "not_applicable_reason": "本季度无此项工作", "version": saved.json()["version"]}
    saved = post(reporter, f"/api/v1/entries/{entry.pk}/save/", body).json()
    assert saved["not_applicable_reason"] == "本季度无此项工作" and saved["saved_at"]
