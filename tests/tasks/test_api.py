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
    assert body["status"] == 403 and body["code"] == "not_authenticated"
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
