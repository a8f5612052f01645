"""No 500s from races: real threads on PostgreSQL, each with its own connection."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from departments.models import User
from reports.models import Attachment, ReportEntry, UnitReport
from reports.services import attachment_add, report_open
from tasks.models import KeyTask, WorkPlan
from tests.conftest import png
from unionplan.demo import demo_seed


@pytest.fixture
def demo(transactional_db) -> WorkPlan:  # noqa: ANN001
    """seed_demo's data, committed, so that other connections (threads) see it."""
    demo_seed()
    return WorkPlan.objects.get(year=2024)


def run_at_once(count: int, work: Callable[[int], Any]) -> tuple[list[Any], list[BaseException]]:
    """Run ``work(i)`` in ``count`` threads released together; results and exceptions."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except BaseException as exc:  # noqa: BLE001 - reported to the test below
            errors.append(exc)
        finally:
            connection.close()  # each thread has its own connection; leave none open

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    return results, errors


@pytest.mark.parametrize("quarter", [3, 4])
def test_first_opens_of_the_same_report_at_once_all_get_that_report(demo, quarter):
    reporter = User.objects.get(username="bantian")
    period = demo.periods.get(kind="quarter", number=quarter)
    assert not UnitReport.objects.filter(unit=reporter.unit, period=period).exists()

    def open_report(_i: int) -> int:
        return report_open(unit=reporter.unit, period=period, user=reporter).pk

    results, errors = run_at_once(4, open_report)
    assert errors == []
    report = UnitReport.objects.get(unit=reporter.unit, period=period)
    assert results == [report.pk] * 4
    tasks = KeyTask.objects.filter(plan=demo, participants__unit=reporter.unit).count()
    assert ReportEntry.objects.filter(report=report).count() == tasks == 29


def test_parallel_uploads_keep_the_limit_of_ten_files(demo, settings):
    assert settings.UNIONPLAN_ATTACHMENTS_PER_ENTRY == 10
    reporter = User.objects.get(username="bantian")
    report = report_open(
        unit=reporter.unit, period=demo.periods.get(kind="quarter", number=4), user=reporter
    )
    entry = report.entries.get(task__number=10)
    for i in range(9):
        attachment_add(entry=entry, user=reporter, upload=png(f"照片{i}.png"))

    def upload(i: int) -> int:
        fresh = ReportEntry.objects.select_related("report__period", "report__unit").get(
            pk=entry.pk
        )
        return attachment_add(entry=fresh, user=reporter, upload=png(f"并发{i}.png")).pk

    results, errors = run_at_once(6, upload)
    assert Attachment.objects.filter(entry=entry).count() == 10
    assert len([r for r in results if r is not None]) == 1
    assert len(errors) == 5
    assert all(isinstance(e, ValidationError) for e in errors), errors
    assert all("最多上传 10 个" in e.message_dict["file"][0] for e in errors)
