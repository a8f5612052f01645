"""A task page lists its unit entries a page at a time (?entries_page=N), the rest unchanged."""

from __future__ import annotations

import re

import pytest

from reports.models import ReportEntry


@pytest.fixture
def two_per_page(monkeypatch):  # noqa: ANN001
    monkeypatch.setattr("tasks.views.UNIT_ENTRIES_PER_PAGE", 2)


def shown(html: str) -> list[str]:
    """The entry anchors listed on the page, in order."""
    block = html.split('data-testid="unit-entries"', 1)[1].split("</ul>", 1)[0]
    return re.findall(r"#entry-(\d+)", block)


def test_unit_entries_come_a_page_at_a_time_with_a_chinese_pager(world, two_per_page):
    world.report(period=3, submit=True)
    world.report(period=4, submit=True)
    visible = ReportEntry.objects.filter(task=world.task).exclude(state="draft").count()
    pages = (visible + 1) // 2
    assert visible > 2  # 坂田's two and the demo units' submitted entries
    client = world.client("leader")
    url = f"/tasks/{world.task.pk}/"

    first = client.get(url).content.decode()
    assert len(shown(first)) == 2
    assert f"第 1 / {pages} 页" in first and "下一页" in first and "上一页" not in first
    assert f"共 {visible} 条" in first
    assert '?entries_page=2#unit-entries"' in first
    last = client.get(f"{url}?entries_page={pages}").content.decode()
    assert f"第 {pages} / {pages} 页" in last and "上一页" in last
    every = []
    for number in range(1, pages + 1):
        every += shown(client.get(f"{url}?entries_page={number}").content.decode())
    assert len(every) == len(set(every)) == visible  # each entry on exactly one page
    # The rest of the page is all there on any page of entries.
    second = client.get(f"{url}?entries_page=2").content.decode()
    for part in ('data-testid="task-history"', "各期进展", "牵头部室"):
        assert part in first and part in second


def test_odd_entries_page_values_show_a_page_instead_of_an_error(world, two_per_page):
    world.report(period=4, submit=True)
    client = world.client("staff_lead")
    url = f"/tasks/{world.task.pk}/"
    for value in ("abc", "0", "-1", "²", "99999999999999999999"):
        response = client.get(f"{url}?entries_page={value}")
        assert response.status_code == 200
        assert shown(response.content.decode())  # the first or the last page


def test_entries_pager_keeps_the_other_parameters(world, two_per_page):
    world.report(period=3, submit=True)
    world.report(period=4, submit=True)
    period = world.period(3)
    html = world.client("staff_lead").get(f"/tasks/{world.task.pk}/?period={period.pk}")
    text = html.content.decode()
    assert f"?period={period.pk}&amp;entries_page=2#unit-entries" in text
