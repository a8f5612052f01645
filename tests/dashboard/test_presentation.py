"""How the dashboard shows its figures: shared places in the ranking, one number per lagging
task, neutral chart colours, and only links the viewer may open."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from dashboard.selectors import RankRow, _assign_places
from departments.models import Unit
from exports.formatters import build_quarterly_workbook
from exports.readers import workbook_data
from tasks.models import KeyTask
from tasks.status import COLOUR_HEX

ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture(autouse=True)
def pinned(settings):
    settings.UNIONPLAN_TODAY = dt.date(2024, 10, 20)


def page(world, role: str, query: str = "") -> str:
    response = world.client(role).get(f"/dashboard/{query}")
    assert response.status_code == 200
    return response.content.decode()


def rows(*scores: float) -> list[RankRow]:
    return [
        RankRow(
            unit=Unit(name=f"单位{n}"),
            on_time=0,
            contribution=0,
            not_returned=0,
            score=score,
            url="",
        )
        for n, score in enumerate(scores)
    ]


def test_equal_scores_share_a_place_and_the_next_place_skips():
    ranking = rows(99.9, 66.7, 66.7, 43.3, 0.0, 0.0, 0.0)
    _assign_places(ranking)
    assert [r.rank for r in ranking] == [1, 2, 2, 4, 5, 5, 5]
    assert [r.tied for r in ranking] == [False, True, True, False, True, True, True]


def test_dashboard_ranking_marks_tied_units_and_numbers_them_alike(world):
    html = page(world, "leader")
    table = html[html.index('data-testid="ranking"') :]
    table = table[: table.index("</table>")]
    places = re.findall(r'data-testid="rank">(\d+)( <span[^>]*>并列</span>)?</td>', table)
    scores = [float(s) for s in re.findall(r"<strong>([\d.]+)</strong>", table)]
    assert len(places) == len(scores) > 3
    for n, ((place, tied), score) in enumerate(zip(places, scores, strict=True)):
        first_with_score = scores.index(score)
        assert int(place) == first_with_score + 1
        assert bool(tied) == (scores.count(score) > 1), (n, score)
    # In the demo several units have not reported yet: they share one place, none is "14th".
    assert scores.count(0.0) > 1 and places[-1][0] == str(scores.index(0.0) + 1)
    assert "得分相同的单位名次并列" in html


def test_workbook_ranking_uses_the_same_shared_places(world):
    data = workbook_data(period=world.period(3), tasks=KeyTask.objects.filter(plan=world.plan))
    ws = load_workbook(io.BytesIO(build_quarterly_workbook(data)))["分街道"]
    header = [c.value for c in ws[3]]
    rank_col, score_col = header.index("排名"), header.index("考核得分")
    cells = [(row[rank_col].value, row[score_col].value) for row in ws.iter_rows(min_row=4)]
    scores = [s for _, s in cells]  # rows in the units' order, not the ranking's
    for rank, score in cells:
        place = 1 + sum(1 for other in scores if other > score)
        expected = f"{place}（并列）" if scores.count(score) > 1 else place
        assert rank == expected, (rank, score)
    assert any(isinstance(rank, str) for rank, _ in cells)  # the demo has ties


def test_lagging_tasks_carry_their_own_number_once(world):
    html = page(world, "leader")
    lagging = html[html.index('data-testid="lagging"') - 40 :]
    lagging = lagging[: lagging.index("</ul>")]
    assert lagging.lstrip().startswith("<ul") and "<ol" not in lagging
    items = re.findall(r'<li[^>]*><a href="/tasks/\d+/">([^<]+)</a>', lagging)
    assert items and all(re.fullmatch(r"\d+\. \D.*", text) for text in items), items


def test_bar_charts_use_a_neutral_colour_not_a_status_colour():
    script = (ROOT / "static" / "js" / "dashboard.js").read_text().lower()
    for hex_colour in [*COLOUR_HEX.values(), "#a61b1b"]:  # status colours and the brand red
        assert hex_colour.lower() not in script, hex_colour
    assert "neutral" in script


@pytest.mark.parametrize("role", ["reporter", "reporter_other"])
def test_reporters_see_no_link_they_cannot_open(world, role):
    html = page(world, role)
    assert "/reports/grid/" not in html and "完整报送表" not in html
    assert world.client(role).get("/reports/grid/").status_code == 403
    assert 'href="/reports/"' in html  # 去填报 instead


@pytest.mark.parametrize("role", ["staff_other", "staff_lead", "leader", "admin"])
def test_readers_of_the_grid_get_its_link(world, role):
    html = page(world, role, "?all=1")
    assert 'href="/reports/grid/?year=2024"' in html
    assert world.client(role).get("/reports/grid/?year=2024").status_code == 200


def test_print_buttons_need_no_inline_handler(world):
    html = page(world, "leader")
    assert "data-print" in html and "onclick=" not in html
