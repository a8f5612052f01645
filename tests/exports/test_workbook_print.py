"""The quarterly workbook printed as a clerk prints it: LibreOffice Calc turns the demo's
third-quarter workbook into a PDF with the print set-up the workbook declares, and the PDF's text
is read back with poppler's pdftotext."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from exports.formatters import build_quarterly_workbook
from exports.readers import workbook_data
from tasks.models import KeyTask
from tests.libreoffice import soffice_pdf

pytestmark = pytest.mark.libreoffice

# pdftotext -bbox gives each word's box; for the fonts LibreOffice prints these sheets with (Noto
# Sans CJK, DejaVu Sans) the box is 1.30 times the printed font size (10 pt text at 100 % gives
# 13.0 pt boxes, measured), so a box of 9 pt × 1.30 less 3 % is the readable size.
BOX_PER_POINT = 1.30
READABLE_PT = 9.0
MAX_PAGES = 16  # cover 1, 总表 7, 量化指标 2, 分部室 1, 分街道 1, 单位贡献 1, 图表 1 = 14 today


def pdf_from_xlsx(content: bytes, tmp_path: Path) -> Path:
    """The workbook printed to PDF by LibreOffice Calc."""
    return soffice_pdf(content, ".xlsx", tmp_path)


def pdftotext(*args: str) -> str:
    return subprocess.run(
        ["pdftotext", *args, "-"], check=True, capture_output=True, text=True, timeout=60
    ).stdout


def squeeze(text: str) -> str:
    """Text without any white space, so a cell's wrapped lines join up again."""
    return re.sub(r"\s+", "", text)


@pytest.fixture
def printed(world, tmp_path):  # noqa: ANN001,ANN201
    data = workbook_data(period=world.period(3), tasks=KeyTask.objects.filter(plan=world.plan))
    return data, pdf_from_xlsx(build_quarterly_workbook(data), tmp_path)


def test_every_tasks_progress_prints_whole(printed):
    """No row cuts its text: each task's 本季度进展 is in the PDF from its first character to
    its last (the PDF's text in content order, wrapped lines joined)."""
    data, pdf = printed
    text = squeeze(pdftotext("-raw", str(pdf)))
    missing = [t["number"] for t in data.tasks if squeeze(t["progress"]) not in text]
    assert not missing, f"tasks whose progress is cut: {missing}"
    for task in data.tasks:  # the other long columns too
        for key in ("title", "problems", "next_steps"):
            assert squeeze(task[key]) in text, (task["number"], key)


def test_no_page_prints_text_below_the_readable_size(printed):
    """Every word on every page (titles, tables, chart labels, footers) prints at 9 pt or more
    after LibreOffice fits the sheet to the page: word box height / 1.30 ≥ 9 pt, less 3 %."""
    _data, pdf = printed
    smallest: dict[int, float] = {}
    for page, body in enumerate(pdftotext("-bbox", str(pdf)).split("<page ")[1:], start=1):
        heights = [
            float(y_max) - float(y_min)
            for y_min, y_max in re.findall(r'yMin="([\d.]+)" xMax="[\d.]+" yMax="([\d.]+)"', body)
        ]
        assert heights, f"page {page} is blank"
        smallest[page] = min(heights) / BOX_PER_POINT
    too_small = {p: round(s, 1) for p, s in smallest.items() if s < READABLE_PT * 0.97}
    assert not too_small, f"pages printing below {READABLE_PT} pt: {too_small}"


def test_the_workbook_prints_on_a_bounded_number_of_pages(printed):
    """14 A4 landscape pages today; the bound leaves room for longer texts, not for a sheet
    that spills sideways or a cover on two pages."""
    _data, pdf = printed
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout)[1])  # type: ignore[index]
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info.stdout)
    assert pages <= MAX_PAGES
    assert size is not None and float(size[1]) > float(size[2])  # landscape
    first = pdftotext("-f", "1", "-l", "1", str(pdf))
    assert "推进情况表" in first and "驾驶舱显示的是今天的状态" in first
    second = pdftotext("-f", "2", "-l", "2", str(pdf))
    assert "（全部重点工作）" in second and "状态按 2024年9月30日计" in second
    assert "第 2 页" in second
