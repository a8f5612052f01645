"""Lateness at a glance: 逾期未报 in the grid and on the dashboard, 催报 once a day per unit."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from departments.models import Unit, UnitKind
from notifications.models import Notification
from reports.models import Reminder, ReminderKind
from reports.selectors import GRID_LABELS, submission_grid
from reports.services import reminder_send
from tasks.models import TaskParticipant

TODAY = dt.date(2024, 10, 20)  # Q3 was due on 10 October; Q4 is open until 10 January


@pytest.fixture
def today(settings):  # noqa: ANN001
    settings.UNIONPLAN_TODAY = TODAY
    return TODAY


def cell_of(world, unit_name: str, quarter: int) -> dict:  # noqa: ANN001
    grid = submission_grid(world.plan, TODAY)
    unit = Unit.objects.get(name=unit_name)
    return grid.cells[(unit.pk, world.period(quarter).pk)]


def test_a_past_due_period_without_a_submission_is_overdue_and_the_open_one_is_not(world, today):
    assert cell_of(world, "坂田街道总工会", 3)["state"] == "overdue"
    assert cell_of(world, "坂田街道总工会", 3)["label"] == "逾期未报"
    assert cell_of(world, "坂田街道总工会", 4)["state"] == "open"
    assert cell_of(world, "坂田街道总工会", 4)["label"] == "填报中"
    assert cell_of(world, "平湖街道总工会", 3)["state"] == "returned"
    assert GRID_LABELS["overdue"] != GRID_LABELS["open"]


def test_the_grid_page_and_the_api_say_overdue(world, today):
    html = world.client("leader").get("/reports/grid/").content.decode()
    assert 'data-state="overdue"' in html and 'data-state="open"' in html
    assert 'data-state="missing"' not in html
    assert "逾期未报" in html and 'class="grid-dot grid-overdue"' in html
    data = world.client("leader").get("/api/v1/submission-grid/?year=2024").json()
    bantian = Unit.objects.get(name="坂田街道总工会")
    q3 = next(
        c for c in data["cells"] if c["unit"] == bantian.pk and c["period"] == world.period(3).pk
    )
    assert q3["state"] == "overdue" and q3["label"] == "逾期未报"


def test_a_unit_is_reminded_by_hand_once_a_day(world, today, settings):
    unit = Unit.objects.get(name="坂田街道总工会")
    q3 = world.period(3)
    reminder_send(period=q3, unit=unit, user=world.user("staff_lead"))
    with pytest.raises(ValidationError) as refused:
        reminder_send(period=q3, unit=unit, user=world.user("leader"))
    message = refused.value.message_dict["unit"][0]
    assert re.fullmatch(
        r"今天 \d\d:\d\d 已向坂田街道总工会催报过，每个单位每天只催报一次。", message
    )
    assert Reminder.objects.filter(period=q3, unit=unit, kind=ReminderKind.MANUAL).count() == 1
    assert Notification.objects.filter(user__username="bantian", title="催报").count() == 1
    # Another period, or the next day, may be reminded again.
    reminder_send(period=world.period(4), unit=unit, user=world.user("leader"))
    settings.UNIONPLAN_TODAY = TODAY + dt.timedelta(days=1)
    reminder_send(period=q3, unit=unit, user=world.user("leader"))
    assert Reminder.objects.filter(unit=unit, kind=ReminderKind.MANUAL).count() == 3


def test_a_unit_that_has_submitted_is_not_reminded(world, today):
    unit = Unit.objects.get(name="布吉街道总工会")  # submitted Q3 in the demo
    with pytest.raises(ValidationError) as refused:
        reminder_send(period=world.period(3), unit=unit, user=world.user("leader"))
    assert "已提交第三季度报表" in refused.value.message_dict["unit"][0]


def test_a_second_remind_click_is_refused_with_a_message_not_an_error(world, today):
    client = world.client("leader")
    unit = Unit.objects.get(name="坂田街道总工会")
    form = {"period": world.period(3).pk, "unit": unit.pk, "next": "/dashboard/"}
    first = client.post("/reports/remind/", form)
    assert first.status_code == 302 and first["Location"] == "/dashboard/"
    second = client.post("/reports/remind/", form, follow=True)
    assert second.status_code == 200
    assert "已向坂田街道总工会催报过，每个单位每天只催报一次" in second.content.decode()
    assert Reminder.objects.filter(unit=unit, kind=ReminderKind.MANUAL).count() == 1


@pytest.mark.parametrize(
    ("period", "unit"),
    [("abc", "1"), ("", ""), ("²", "1"), ("99999999999999999999", "1"), ("1", "-1"), ("1", "1.0")],
)
def test_remind_answers_malformed_ids_with_400_never_500(world, today, period, unit):
    response = world.client("leader").post("/reports/remind/", {"period": period, "unit": unit})
    assert response.status_code == 400


def test_remind_answers_unknown_period_or_unit_with_404(world, today):
    q3, bantian = world.period(3).pk, Unit.objects.get(name="坂田街道总工会").pk
    department = Unit.objects.get(name="权益部").pk  # not a unit that reports
    for period, unit in ((999999, bantian), (q3, 999999), (q3, department)):
        response = world.client("leader").post("/reports/remind/", {"period": period, "unit": unit})
        assert response.status_code == 404


def test_remind_goes_back_only_to_this_site(world, today):
    unit = Unit.objects.get(name="坂田街道总工会")
    response = world.client("leader").post(
        "/reports/remind/",
        {"period": world.period(3).pk, "unit": unit.pk, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/reports/grid/?year=2024"


def test_grid_buttons_say_when_the_last_reminder_was_sent_and_wait_a_day(world, today):
    unit = Unit.objects.get(name="坂田街道总工会")
    reminder_send(period=world.period(3), unit=unit, user=world.user("leader"))
    html = world.client("staff_lead").get("/reports/grid/").content.decode()
    cell = html[html.index(f'data-unit="{unit.pk}" data-period="{world.period(3).pk}"') :]
    cell = cell[: cell.index("</td>")]
    assert re.search(r"上次催报：10月20日 \d\d:\d\d", cell)
    assert "disabled" in cell
    assert "data-send-once" in cell and "onclick" not in cell and "onsubmit" not in cell
    other = html[html.index(f'data-unit="{unit.pk}" data-period="{world.period(4).pk}"') :]
    assert "disabled" not in other[: other.index("</td>")]
    assert "js/send-once.js" in html


def test_dashboard_first_row_lists_the_overdue_units_with_one_click_reminders(world, today):
    html = world.client("leader").get("/dashboard/").content.decode()
    card = html[html.index('data-testid="overdue-units"') :]
    card = card[: card.index("</section>")]
    assert html.index('data-testid="overdue-units"') < html.index('data-chart="progress"')
    grid = submission_grid(world.plan, TODAY)
    q3 = world.period(3)
    overdue = [u for u in grid.units if grid.cells[(u.pk, q3.pk)]["state"] == "overdue"]
    assert f"逾期未报单位 ({len(overdue)})" in card and len(overdue) == 11
    assert "坂田" in card and "平湖" not in card  # 平湖 submitted Q3
    assert card.count('data-testid="remind"') == len(overdue)
    assert "第三季度报表 10月10日 截止，已逾期 10 天" in card


def test_after_a_reminder_the_dashboard_says_sent_at_instead_of_the_button(world, today):
    client = world.client("leader")
    unit = Unit.objects.get(name="坂田街道总工会")
    response = client.post(
        "/reports/remind/",
        {"period": world.period(3).pk, "unit": unit.pk, "next": "/dashboard/"},
        follow=True,
    )
    html = response.content.decode()
    item = html[html.index(f'data-unit="{unit.pk}"') :]
    item = item[: item.index("</li>")]
    assert re.search(r"已催报 \d\d:\d\d", item) and 'data-testid="remind"' not in item
    assert "已向坂田街道总工会发送第三季度催报提醒" in html


def test_staff_see_the_overdue_units_and_reporters_do_not(world, today):
    staff = world.client("staff_lead").get("/dashboard/").content.decode()
    assert 'data-testid="overdue-units"' in staff
    reporter = world.client("reporter").get("/dashboard/").content.decode()
    assert 'data-testid="overdue-units"' not in reporter and "催报" not in reporter


def _grow_units_tenfold(world) -> None:  # noqa: ANN001
    """Add nine times as many streets as report today, each in task 10, with reminders."""
    district = Unit.objects.get(kind=UnitKind.DISTRICT)
    existing = Unit.objects.filter(task_participations__task__plan=world.plan).distinct().count()
    units = Unit.objects.bulk_create(
        Unit(name=f"扩容街道{i}总工会", kind=UnitKind.STREET, parent=district, sort_order=100 + i)
        for i in range(9 * existing)
    )
    TaskParticipant.objects.bulk_create(
        TaskParticipant(task=world.task, unit=u, group="各街道总工会") for u in units
    )
    Reminder.objects.bulk_create(
        Reminder(
            period=world.period(3),
            unit=u,
            kind=ReminderKind.MANUAL,
            sent_on=TODAY,
            sent_by=world.user("leader"),
            message="催报",
        )
        for u in units[::2]
    )


@pytest.mark.parametrize("url", ["/reports/grid/", "/dashboard/"])
def test_grid_and_dashboard_queries_stay_the_same_when_units_grow_tenfold(world, today, url):
    client = world.client("leader")
    client.get(url)  # warm caches (sessions, content types)
    with CaptureQueriesContext(connection) as before:
        assert client.get(url).status_code == 200
    _grow_units_tenfold(world)
    with CaptureQueriesContext(connection) as after:
        response = client.get(url)
    assert response.status_code == 200 and "扩容街道9总工会" in response.content.decode()
    assert len(after) == len(before), [q["sql"][:120] for q in after.captured_queries]


@pytest.mark.parametrize("url", ["/reports/grid/", "/dashboard/?all=1"])
def test_every_report_link_in_the_grid_opens_for_whoever_sees_it(world, today, url):
    """A draft report nobody but its unit may read shows its state without a link (was: a link
    ending in a 404 for department staff)."""
    for role in ("staff_other", "staff_lead", "leader"):
        client = world.client(role)
        html = client.get(url).content.decode()
        links = set(re.findall(r'href="(/reports/\d+/)"', html))
        assert links, role
        for link in links:
            assert client.get(link).status_code == 200, (role, link)
