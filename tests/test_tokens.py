"""Personal API tokens: shown once, stored as a hash, revocable; the whole loop by token."""

from __future__ import annotations

import time

import pytest
from django.test import Client

from departments.models import ApiToken
from departments.services import token_create, token_hash


def bearer(raw: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {raw}")


def test_token_is_shown_once_and_only_its_hash_is_stored(world):
    client = world.client("reporter")
    html = client.post("/account/tokens/", {"name": "数据中心对接"}).content.decode()
    start = html.index('data-testid="new-token"')
    raw = html[start:].split("<code", 1)[1].split(">", 1)[1].split("</code>")[0]
    assert raw.startswith("up_")
    token = ApiToken.objects.get(name="数据中心对接")
    assert token.key_hash == token_hash(raw) and raw not in (token.prefix + token.key_hash)
    assert raw not in client.get("/account/tokens/").content.decode()
    assert bearer(raw).get("/api/v1/tasks/").status_code == 200


def test_revoked_or_unknown_tokens_get_401(world):
    token, raw = token_create(user=world.user("reporter"), name="临时")
    world.client("reporter").post(f"/account/tokens/{token.pk}/revoke/")
    response = bearer(raw).get("/api/v1/tasks/")
    assert response.status_code == 401 and response["WWW-Authenticate"] == "Bearer"
    assert "令牌无效或已撤销" in response.json()["message"]
    assert bearer("up_nonsense").get("/api/v1/tasks/").status_code == 401


def test_a_token_has_exactly_its_owners_rights(world):
    _, raw = token_create(user=world.user("reporter_other"), name="x")
    report = world.report(submit=True)
    assert bearer(raw).get(f"/api/v1/reports/{report.pk}/").status_code == 404
    assert bearer(raw).get("/api/v1/people/").json()["count"] == 1


def test_empty_token_name_is_refused_naming_the_field(world):
    response = world.client("leader").post("/account/tokens/", {"name": " "})
    assert response.status_code == 400 and "名称" in response.content.decode()


def post(client: Client, url: str, body: dict):  # noqa: ANN201
    return client.post(url, body, content_type="application/json")


@pytest.mark.worker
def test_whole_reporting_loop_by_tokens_ending_with_a_workbook(worker):
    from departments.models import User
    from tasks.models import WorkPlan
    from tests.conftest import World, png
    from unionplan.demo import demo_seed

    demo_seed()
    plan = WorkPlan.objects.get(year=2024)
    world = World(plan=plan, task=plan.tasks.get(number=10))
    reporter = bearer(token_create(user=User.objects.get(username="bantian"), name="a")[1])
    staff = bearer(token_create(user=User.objects.get(username="qyb"), name="b")[1])
    leader = bearer(token_create(user=User.objects.get(username="leader"), name="c")[1])

    report = post(reporter, "/api/v1/reports/open/", {"period": world.period(4).pk}).json()
    entries = reporter.get(f"/api/v1/entries/?report={report['id']}&page_size=100").json()
    for entry in entries["results"]:
        saved = post(
            reporter,
            f"/api/v1/entries/{entry['id']}/save/",
            {"narrative": "已开展。", "version": entry["version"]},
        )
        assert saved.status_code == 200
    task10 = next(e["id"] for e in entries["results"] if e["task"] == world.task.pk)
    assert (
        reporter.post(f"/api/v1/entries/{task10}/attachments/", {"file": png()}).status_code == 201
    )
    assert post(reporter, f"/api/v1/reports/{report['id']}/submit/", {}).status_code == 200
    version = staff.get(f"/api/v1/entries/{task10}/").json()["version"]
    returned = post(
        staff, f"/api/v1/entries/{task10}/return/", {"version": version, "reason": "请补充名单"}
    ).json()
    post(
        reporter,
        f"/api/v1/entries/{task10}/save/",
        {"narrative": "已补充。", "version": returned["version"]},
    )
    post(reporter, f"/api/v1/reports/{report['id']}/submit/", {})
    version = staff.get(f"/api/v1/entries/{task10}/").json()["version"]
    assert (
        post(staff, f"/api/v1/entries/{task10}/approve/", {"version": version}).json()["state"]
        == "approved"
    )

    accepted = post(leader, "/api/v1/report-jobs/", {"period": world.period(3).pk})
    assert accepted.status_code == 202
    url = accepted["Location"]
    deadline = time.monotonic() + 120
    while (body := leader.get(url).json())["status"] not in {"done", "failed"}:
        assert time.monotonic() < deadline, body
        time.sleep(0.2)
    assert body["status"] == "done", body["error"]
    download = leader.get(body["download_url"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content)[:2] == b"PK"  # an .xlsx (zip) file
