"""Reopening a locked period for one unit: the service, its notice, the selectors, the admin."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from departments.models import Unit
from notifications.models import Notification
from reports.models import PeriodReopening
from reports.selectors import period_contact_line, period_contacts, period_reopening_for
from reports.services import period_is_open_for, period_reopen

TODAY = dt.date(2024, 10, 20)


@pytest.fixture
def locked_q3(world, settings):  # noqa: ANN001
    settings.UNIONPLAN_TODAY = TODAY
    q3 = world.period(3)
    q3.is_locked = True
    q3.save()
    return q3


def test_reopening_tells_the_units_reporters_and_opens_the_period_for_that_unit(world, locked_q3):
    bantian = Unit.objects.get(name="坂田街道总工会")
    report = world.report(period=3, fill=False)  # opened before the period was locked
    reopening = period_reopen(
        period=locked_q3,
        unit=bantian,
        until=dt.date(2024, 10, 25),
        reason="系统故障补报",
        user=world.user("admin"),
    )
    assert reopening.reopened_by.username == "admin"
    notice = Notification.objects.get(user__username="bantian", title__contains="单独开放")
    assert notice.body == "您单位的第三季度报表已单独开放至10月25日，请尽快补报。"
    assert notice.url == report.get_absolute_url()
    assert not Notification.objects.filter(
        user__username="pinghu", title__contains="单独开放"
    ).exists()
    assert period_is_open_for(locked_q3, bantian, TODAY)
    assert period_reopening_for(period=locked_q3, unit=bantian, today=TODAY) == reopening
    assert period_reopening_for(period=locked_q3, unit=bantian, today=dt.date(2024, 10, 26)) is None
    pinghu = Unit.objects.get(name="平湖街道总工会")
    assert period_reopening_for(period=locked_q3, unit=pinghu, today=TODAY) is None


def test_reopening_again_moves_the_date_instead_of_adding_a_row(world, locked_q3):
    bantian = Unit.objects.get(name="坂田街道总工会")
    admin = world.user("admin")
    period_reopen(
        period=locked_q3, unit=bantian, until=dt.date(2024, 10, 25), reason="", user=admin
    )
    period_reopen(
        period=locked_q3, unit=bantian, until=dt.date(2024, 10, 31), reason="", user=admin
    )
    assert PeriodReopening.objects.get(period=locked_q3, unit=bantian).until == dt.date(
        2024, 10, 31
    )


def test_only_an_administrator_reopens_and_not_into_the_past(world, locked_q3):
    bantian = Unit.objects.get(name="坂田街道总工会")
    with pytest.raises(PermissionDenied):
        period_reopen(
            period=locked_q3,
            unit=bantian,
            until=dt.date(2024, 10, 25),
            reason="",
            user=world.user("leader"),
        )
    with pytest.raises(ValidationError) as refused:
        period_reopen(
            period=locked_q3,
            unit=bantian,
            until=dt.date(2024, 10, 19),
            reason="",
            user=world.user("admin"),
        )
    assert "不能早于今天" in refused.value.message_dict["until"][0]


def test_a_period_that_is_not_locked_needs_no_reopening(world, settings):
    settings.UNIONPLAN_TODAY = TODAY
    bantian = Unit.objects.get(name="坂田街道总工会")
    assert period_reopening_for(period=world.period(4), unit=bantian, today=TODAY) is None


def test_a_locked_report_says_whom_to_contact(world, settings):
    admin = world.user("admin")
    admin.full_name, admin.phone = "张三", "0755-12345678"
    admin.save()
    assert admin in period_contacts()
    assert "张三（电话 0755-12345678）" in period_contact_line()
    assert period_contact_line().startswith("系统管理员：")
    settings.UNIONPLAN_SUPPORT_CONTACT = "区总工会办公室：李四（电话 0755-88888888）"
    assert period_contact_line() == "区总工会办公室：李四（电话 0755-88888888）"


def test_reopening_in_the_admin_goes_through_the_service(world, locked_q3):
    bantian = Unit.objects.get(name="坂田街道总工会")
    prefix = "reopenings"
    url = f"/admin/tasks/reportingperiod/{locked_q3.pk}/change/"
    form = {
        "plan": locked_q3.plan_id,
        "kind": locked_q3.kind,
        "number": locked_q3.number,
        "name": locked_q3.name,
        "start_date": locked_q3.start_date.isoformat(),
        "end_date": locked_q3.end_date.isoformat(),
        "opens_on": locked_q3.opens_on.isoformat(),
        "due_date": locked_q3.due_date.isoformat(),
        "is_locked": "on",
        f"{prefix}-TOTAL_FORMS": "1",
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-0-unit": bantian.pk,
        f"{prefix}-0-until": "2024-10-25",
        f"{prefix}-0-reason": "补报",
    }
    response = world.client("admin").post(url, form)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert (
        PeriodReopening.objects.get(period=locked_q3, unit=bantian).reopened_by.username == "admin"
    )
    assert Notification.objects.filter(
        user__username="bantian", title__contains="单独开放"
    ).exists()
    # A date in the past is a form error on the page, not a 500.
    form.update({f"{prefix}-0-unit": Unit.objects.get(name="平湖街道总工会").pk})
    form.update({f"{prefix}-0-until": "2024-10-01"})
    again = world.client("admin").post(url, form)
    assert again.status_code == 200 and "不能早于今天" in again.content.decode()
