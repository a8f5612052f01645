"""Odd input is a 4xx or a normal page, never a 500: ids and years are ASCII digits in range
(unionplan.params), and every free text has a length limit with a message naming the field."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from tasks.models import IndicatorKind
from tasks.services import instruction_create
from unionplan.fields import TEXT_MAX
from unionplan.params import MAX_ID, parse_id, parse_int, parse_year

# The kinds of number the review found to give a 500, and their neighbours.
ODD_NUMBERS = ["²", "１", "-1", "99999999999", "", "abc", "\x00", "٣", "1e3", " 7 ", "0x1F", "1.0"]


@pytest.fixture(autouse=True)
def pinned(settings):
    settings.UNIONPLAN_TODAY = dt.date(2024, 10, 20)


def test_only_ascii_digits_in_range_are_numbers():
    assert {v: parse_id(v) for v in ODD_NUMBERS if parse_id(v) is not None} == {" 7 ": 7}
    assert parse_id("0") is None and parse_id(str(MAX_ID)) == MAX_ID
    assert parse_id(str(MAX_ID + 1)) is None and parse_id(None) is None and parse_id(12) == 12
    assert parse_year("2024") == 2024 and parse_year("１９９９") is None
    assert parse_year("1899") is None and parse_year("3000") is None and parse_year("02024") is None
    assert parse_int("100", 0, 100) == 100 and parse_int("101", 0, 100) is None


def _pages(w) -> list[tuple[str, str, dict]]:  # noqa: ANN001
    """(method, path, data with {} for the odd value) of every route the review named."""
    return [
        ("get", f"/plans/{w.plan.year}/", {"lead": "{}", "q": "{}"}),
        ("get", "/tasks/", {"year": "{}", "lead": "{}", "section": "{}", "unit": "{}", "q": "{}"}),
        ("get", "/tasks/", {"page": "{}"}),
        ("get", f"/tasks/{w.task.pk}/", {"period": "{}"}),
        ("get", "/dashboard/", {"year": "{}"}),
        ("get", "/dashboard/", {"lead": "{}"}),
        ("get", "/dashboard/", {"unit": "{}"}),
        ("get", "/reports/grid/", {"year": "{}"}),
        ("get", "/reviews/", {"unit": "{}", "period": "{}", "task": "{}", "report": "{}"}),
        ("get", "/reviews/", {"page": "{}"}),
        ("get", "/instructions/", {"dept": "{}", "page": "{}"}),
        ("get", "/plans/compare/", {"year": "{}", "base": "{}"}),
        ("post", "/reports/remind/", {"period": "{}", "unit": "{}"}),
        ("post", "/reports/jobs/", {"period": "{}", "unit": "{}", "department": "{}"}),
        ("post", "/reports/jobs/", {"kind": "unit", "period": "{}", "unit": "{}"}),
        ("post", "/reviews/batch/", {"entries": "{}:{}"}),
        ("post", "/account/tokens/", {"name": "令牌{}"}),
        ("get", "/api/v1/tasks/", {"year": "{}", "section": "{}"}),
        ("get", "/api/v1/entries/", {"unit": "{}", "period": "{}"}),
        ("get", "/api/v1/submission-grid/", {"year": "{}"}),
        ("get", "/api/v1/dashboard/", {"year": "{}"}),
        ("get", "/api/v1/instructions/", {"task": "{}", "task__plan__year": "{}"}),
    ]


@pytest.mark.parametrize("value", ODD_NUMBERS)
def test_odd_numbers_on_every_named_route_are_never_a_server_error(world, value):
    answers: dict[tuple[str, str], int] = {}
    for role in ("admin", "staff_lead", "reporter"):
        client = world.client(role)
        for method, path, data in _pages(world):
            filled = {k: v.replace("{}", value) for k, v in data.items()}
            response = getattr(client, method)(path, filled)
            answers[(role, f"{method} {path} {sorted(filled)}")] = response.status_code
    assert not {k: v for k, v in answers.items() if v >= 500}


def test_the_page_the_issue_named_answers_odd_digits_with_4xx_or_the_page(world):
    client = world.client("admin")
    assert client.get("/plans/compare/?year=²").status_code == 404
    assert client.get("/tasks/?lead=²").status_code == 200
    assert client.post("/reports/remind/", {"period": "abc", "unit": "²"}).status_code == 400
    response = world.client("reporter").post("/account/tokens/", {"name": "数据\x00中心"})
    assert response.status_code == 200
    assert world.user("reporter").api_tokens.filter(name="数据中心").exists()


def _progress(world, **text: str) -> dict:  # noqa: ANN001
    update = world.task.updates.get(period=world.period(3))
    return {
        "period": world.period(3).pk,
        "status": "in_progress",
        "percent": "90",
        "progress": "推进中",
        "problems": "",
        "next_steps": "",
        "version": str(update.version),
        **text,
    }


def test_a_progress_text_over_5000_characters_is_refused_naming_the_field_and_kept(world):
    long = "很" * 5123
    response = world.client("staff_lead").post(
        f"/tasks/{world.task.pk}/progress/", _progress(world, progress=long), HTTP_HX_REQUEST="true"
    )
    assert response.status_code in (200, 400)
    html = response.content.decode()
    assert "进展情况最多 5000 字，现为 5123 字。" in html
    assert long in html  # the box keeps what was typed
    assert 'data-counter="5000"' in html and 'maxlength="5000"' not in html
    assert world.task.updates.get(period=world.period(3)).progress != long


def test_a_line_break_counts_as_one_character_as_in_the_browser(world):
    text = "甲\r\n" * 2000 + "乙" * 1000  # 5000 characters in the box, 7000 bytes of CRLF
    response = world.client("staff_lead").post(
        f"/tasks/{world.task.pk}/progress/", _progress(world, progress=text), HTTP_HX_REQUEST="true"
    )
    assert "最多 5000 字" not in response.content.decode()
    assert len(world.task.updates.get(period=world.period(3)).progress) == TEXT_MAX


def test_the_api_refuses_long_texts_with_the_same_message(world):
    client = world.client("staff_lead")
    response = client.post(
        f"/api/v1/tasks/{world.task.pk}/progress/",
        {
            "period": world.period(4).pk,
            "status": "in_progress",
            "percent": 90,
            "progress": "好" * 5001,
            "problems": "问" * 6000,
            "version": 0,
            "actuals": [],
        },
        content_type="application/json",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["progress"] == ["进展情况最多 5000 字，现为 5001 字。"]
    assert errors["problems"] == ["存在问题最多 5000 字，现为 6000 字。"]
    response = world.client("leader").post(
        f"/api/v1/tasks/{world.task.pk}/instructions/",
        {"text": "批" * 5001},
        content_type="application/json",
    )
    assert response.json()["errors"]["text"] == ["批示内容最多 5000 字，现为 5001 字。"]


def test_the_report_autosave_refuses_a_long_narrative_with_the_reason(world):
    entry = world.entry(world.report(period=3, fill=False))
    before = entry.narrative
    response = world.client("reporter").post(
        f"/reports/entries/{entry.pk}/",
        {f"e{entry.pk}-narrative": "写" * 5200, f"e{entry.pk}-version": entry.version},
        HTTP_ACCEPT="application/json",
    )
    assert response.status_code == 400
    assert "工作情况最多 5000 字，现为 5200 字。" in response.json()["message"]
    entry.refresh_from_db()
    assert entry.narrative == before
    response = world.client("reporter").post(
        f"/api/v1/entries/{entry.pk}/save/",
        {"narrative": "写" * 5001, "version": entry.version},
        content_type="application/json",
    )
    assert response.json()["errors"]["narrative"] == ["工作情况最多 5000 字，现为 5001 字。"]


def test_a_service_called_without_a_form_refuses_a_long_text(world):
    with pytest.raises(ValidationError) as refused:
        instruction_create(task=world.task, user=world.user("leader"), text="批" * 5001)
    assert refused.value.message_dict == {"text": ["批示内容最多 5000 字，现为 5001 字。"]}


def test_a_next_address_that_is_not_a_path_goes_back_to_the_list(world):
    """Found by tests/test_fuzz_inputs.py: redirect("abc") looked "abc" up as a route (a 500)."""
    entry = world.entry(world.report(submit=True))
    client = world.client("staff_lead")
    for next_value in ("abc", "²", "https://evil.example/", "//evil.example/"):
        response = client.post(
            "/reviews/batch/", {"entries": [f"{entry.pk}:{entry.version}"], "next": next_value}
        )
        assert (response.status_code, response["Location"]) == (302, "/reviews/")
    response = client.post(
        "/reports/remind/",
        {"period": world.period(4).pk, "unit": world.user("reporter").unit_id, "next": "abc"},
    )
    assert response.status_code == 302 and response["Location"].startswith("/reports/grid/")


def test_a_rate_over_100_in_a_form_is_a_message_not_a_500(world):
    """Found by tests/test_fuzz_inputs.py: "比率不能超过 100%。" was %-formatted by Django."""
    report = world.report(period=3, fill=False)
    entry = next(
        e for e in report.entries.all() if e.task.indicators.filter(kind=IndicatorKind.RATE)
    )
    rate = entry.task.indicators.filter(kind=IndicatorKind.RATE).first()
    data = {
        f"e{entry.pk}-narrative": "比率",
        f"e{entry.pk}-version": entry.version,
        f"e{entry.pk}-contribution_{rate.pk}": "101",
    }
    client = world.client("reporter")
    response = client.post(f"/reports/entries/{entry.pk}/", data)
    assert response.status_code == 400 and "比率不能超过 100%。" in response.content.decode()
    response = client.post(f"/reports/entries/{entry.pk}/", data, HTTP_ACCEPT="application/json")
    assert "比率不能超过 100%。" in response.json()["message"]
