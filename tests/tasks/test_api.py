"""The read API of the plan: scoping, filters, error format and the OpenAPI schema."""

from __future__ import annotations

from tasks.models import PlanStatus, WorkPlan


def test_task_list_returns_the_30_tasks_with_leads_participants_and_indicators(world):
    data = world.client("reporter").get("/api/v1/tasks/?plan__year=2024&page_size=100").json()
    assert data["count"] == 30
    task10 = next(t for t in data["results"] if t["number"] == 10)
    assert [lead["name"] for lead in task10["leads"]] == ["权益部"]
    assert task10["participants_text"] == "各街道总工会、行业工会"
    assert {i["target_display"] for i in task10["indicators"]} >= {"≥ 22 个", "≥ 100 场"}


def test_task_list_filters_by_lead_department(world):
    lead = world.task.leads.first().unit_id
    data = world.client("leader").get(f"/api/v1/tasks/?leads__unit={lead}").json()
    assert data["count"] == 9 and all(
        any(lead_["id"] == lead for lead_ in t["leads"]) for t in data["results"]
    )


def test_draft_plans_never_appear_in_lists_of_non_admins(world):
    WorkPlan.objects.create(year=2025, title="草稿", status=PlanStatus.DRAFT)
    years = [p["year"] for p in world.client("leader").get("/api/v1/plans/").json()["results"]]
    assert years == [2024]
    years = [p["year"] for p in world.client("admin").get("/api/v1/plans/").json()["results"]]
    assert years == [2025, 2024]


def test_errors_have_one_format_with_a_chinese_message(world):
    body = world.client("leader").get("/api/v1/tasks/999999/").json()
    assert body["status"] == 404 and body["code"] == "not_found" and "未找到" in body["message"]
    body = world.client("anonymous").get("/api/v1/tasks/").json()
    assert body["status"] == 401 and body["code"] == "not_authenticated"
    assert "身份认证信息未提供" in body["message"]


def test_read_only_endpoints_refuse_writes(world):
    response = world.client("admin").post("/api/v1/tasks/", {"title": "x"})
    assert response.status_code == 405 and response.json()["code"] == "method_not_allowed"


def test_task_list_runs_a_fixed_number_of_queries(world, django_assert_max_num_queries):
    client = world.client("leader")
    with django_assert_max_num_queries(10):
        response = client.get("/api/v1/tasks/?page_size=100")
    assert response.json()["count"] == 30


def test_openapi_schema_lists_the_v1_endpoints(world):
    response = world.client("leader").get("/api/schema/?format=json")
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/v1/tasks/", "/api/v1/plans/", "/api/v1/units/"} <= set(schema["paths"])


# --- progress, timeline and instructions ------------------------------------------------------


def post_json(client, url: str, body: dict):  # noqa: ANN001,ANN201
    return client.post(url, body, content_type="application/json")


def progress_body(world, **overrides) -> dict:
    body = {
        "period": world.period(4).pk,
        "status": "in_progress",
        "percent": 90,
        "progress": "接口填报的进展。",
        "problems": "无",
        "version": 0,
        "actuals": [],
    }
    body.update(overrides)
    return body


def test_api_posts_an_update_with_actuals_and_reads_it_back(world):
    client = world.client("staff_lead")
    lawyers = world.task.indicators.get(name="律师驻点")
    url = f"/api/v1/tasks/{world.task.pk}/progress/"
    before = next(i for i in client.get(url).json()["indicators"] if i["name"] == "律师驻点")
    response = post_json(
        client, url, progress_body(world, actuals=[{"indicator": lawyers.pk, "value": "2"}])
    )
    assert response.status_code == 201 and response.json()["version"] == 1
    state = client.get(url).json()
    after = next(i for i in state["indicators"] if i["name"] == "律师驻点")
    assert float(after["actual"]) == float(before["actual"]) + 2
    assert state["percent"] == 90 and state["latest"]["progress"] == "接口填报的进展。"


def test_api_stale_write_gets_409_with_the_current_state(world):
    client = world.client("staff_lead")
    url = f"/api/v1/tasks/{world.task.pk}/progress/"
    post_json(client, url, progress_body(world, progress="第一次"))
    post_json(client, url, progress_body(world, progress="第二次", version=1))
    response = post_json(client, url, progress_body(world, progress="过期的", version=1))
    body = response.json()
    assert response.status_code == 409 and body["code"] == "conflict"
    assert body["current"]["progress"] == "第二次" and body["current"]["version"] == 2


def test_api_bad_input_names_each_field(world):
    client = world.client("staff_lead")
    url = f"/api/v1/tasks/{world.task.pk}/progress/"
    response = post_json(client, url, progress_body(world, percent=101, progress=""))
    body = response.json()
    assert response.status_code == 400 and body["code"] == "invalid"
    assert set(body["errors"]) == {"percent", "progress"}
    lawyers = world.task.indicators.get(name="律师驻点")
    response = post_json(
        client, url, progress_body(world, actuals=[{"indicator": lawyers.pk, "value": "abc"}])
    )
    assert response.status_code == 400 and "actuals" in response.json()["errors"]


def test_api_service_rules_apply_too(world, settings):
    import datetime as dt

    settings.UNIONPLAN_TODAY = dt.date(2024, 10, 20)
    response = post_json(
        world.client("staff_lead"),
        f"/api/v1/tasks/{world.task.pk}/progress/",
        progress_body(world, percent=30, problems=""),
    )
    assert response.status_code == 400
    assert "请填写存在问题" in response.json()["errors"]["problems"][0]


def test_api_refuses_other_departments_with_403(world):
    response = post_json(
        world.client("staff_other"),
        f"/api/v1/tasks/{world.task.pk}/progress/",
        progress_body(world),
    )
    assert response.status_code == 403 and "牵头部室" in response.json()["message"]


def test_api_timeline_lists_changes_newest_first(world):
    client = world.client("staff_lead")
    post_json(client, f"/api/v1/tasks/{world.task.pk}/progress/", progress_body(world))
    events = client.get(f"/api/v1/tasks/{world.task.pk}/timeline/").json()["results"]
    assert events[0]["source"] == "api" and events[0]["actor_name"] == "权益部 工作人员"
    times = [e["created_at"] for e in events]
    assert times == sorted(times, reverse=True)


def test_api_instruction_is_written_answered_and_a_second_answer_conflicts(world):
    leader, staff = world.client("leader"), world.client("staff_lead")
    created = post_json(
        leader, f"/api/v1/tasks/{world.task.pk}/instructions/", {"text": "请加快。"}
    ).json()
    open_ids = [i["id"] for i in staff.get("/api/v1/instructions/?open=true").json()["results"]]
    assert created["id"] in open_ids
    url = f"/api/v1/instructions/{created['id']}/answer/"
    answered = post_json(staff, url, {"answer": "已加快。", "version": 1})
    assert answered.status_code == 200 and answered.json()["is_open"] is False
    again = post_json(staff, url, {"answer": "再答。", "version": 1})
    assert again.status_code == 409 and again.json()["current"]["answer"] == "已加快。"
    open_ids = [i["id"] for i in staff.get("/api/v1/instructions/?open=true").json()["results"]]
    assert created["id"] not in open_ids
