"""Plan documents read in every format give the same parsed plan as the plan's own text."""

from __future__ import annotations

import io
from collections.abc import Callable
from io import StringIO
from pathlib import Path
from typing import Any

import docx
import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfWriter

from planning.documents import (
    PlanDocumentError,
    parse_plan_document,
    read_plan_document,
)
from planning.documents.pdf import clean_pages
from tasks.models import KeyTask, WorkPlan
from tasks.plan_text import parse_plan_text, parsed_to_data
from tasks.plan_text.text import _CJK_SPACE_RE
from tests.planning.documents import add_list, docx_from_lines, number_paragraph, pdf_from_docx

ROOT = Path(__file__).resolve().parents[2]
PLAN_2024 = ROOT / "tasks" / "plans" / "longgang-2024-work-plan.txt"
INLINE_PLAN = ROOT / "tests" / "fixtures" / "plans" / "inline-shape-plan.txt"

PLANS = [
    pytest.param(PLAN_2024, id="2024"),
    pytest.param(INLINE_PLAN, id="inline"),
]


def comparable(value: Any, *, pdf: bool = False) -> Any:
    """``parsed_to_data`` without the ``line`` fields (they differ by format).

    For PDFs also without spaces next to CJK characters: pypdf puts a space wherever the font
    changes (around every number), so the reader drops them all and the text's own "2024 年" cannot
    survive; the parser itself treats such spaces as noise (see ``_CJK_SPACE_RE``).
    """
    if isinstance(value, dict):
        return {k: comparable(v, pdf=pdf) for k, v in value.items() if k != "line"}
    if isinstance(value, list):
        return [comparable(v, pdf=pdf) for v in value]
    if pdf and isinstance(value, str):
        return _CJK_SPACE_RE.sub("", value)
    return value


@pytest.fixture(scope="module")
def documents(tmp_path_factory: pytest.TempPathFactory) -> Callable[[Path], dict[str, bytes]]:
    """The plan as .txt, GB18030 .txt, .docx (typed and auto-numbered) and PDFs of both.

    LibreOffice runs once per document and module."""
    cache: dict[Path, dict[str, bytes]] = {}

    def build(path: Path) -> dict[str, bytes]:
        if path not in cache:
            text = path.read_text(encoding="utf-8")
            lines = text.splitlines()
            tmp = tmp_path_factory.mktemp(path.stem)
            typed = docx_from_lines(lines)
            numbered = docx_from_lines(lines, numbered_tasks=True)
            cache[path] = {
                "plan.txt": text.encode("utf-8"),
                "plan-bom.txt": b"\xef\xbb\xbf" + text.encode("utf-8"),
                "plan-gbk.TXT": text.encode("gb18030"),
                "plan.docx": typed,
                "plan-numbered.docx": numbered,
                "plan.pdf": pdf_from_docx(typed, tmp),
                "plan-numbered.pdf": pdf_from_docx(numbered, tmp),
            }
        return cache[path]

    return build


@pytest.mark.parametrize("plan", PLANS)
@pytest.mark.parametrize(
    "name",
    ["plan.txt", "plan-bom.txt", "plan-gbk.TXT", "plan.docx", "plan-numbered.docx", "plan.pdf",
     "plan-numbered.pdf"],
)  # fmt: skip
def test_every_format_gives_the_plan_the_text_gives(
    documents: Callable[[Path], dict[str, bytes]], plan: Path, name: str
) -> None:
    expected = parse_plan_text(plan.read_text(encoding="utf-8"))
    parsed = parse_plan_document(name=name, data=documents(plan)[name])
    pdf = name.endswith(".pdf")
    assert comparable(parsed_to_data(parsed), pdf=pdf) == comparable(
        parsed_to_data(expected), pdf=pdf
    )


def test_pdf_reader_reports_pages_and_gives_one_line_per_paragraph(
    documents: Callable[[Path], dict[str, bytes]],
) -> None:
    document = read_plan_document(name="计划.pdf", data=documents(PLAN_2024)["plan-numbered.pdf"])
    assert document.format == "pdf" and document.pages and document.pages > 3
    assert document.parsed is None and document.text is not None
    lines = document.text.splitlines()
    assert lines[0] == "龙岗区总工会2024年工作思路及要点"  # running header and "- 1 -" are gone
    assert not any(line.startswith("龙岗区总工会文件") or line.startswith("- ") for line in lines)
    # Task 10 is wrapped over four printed lines and a page break, and comes out as one line.
    task10 = next(line for line in lines if line.startswith("10."))
    assert task10.endswith("(牵头部室：权益部，参与单位：各街道总工会、行业工会)")


def test_pdf_cleanup_drops_page_numbers_and_running_headers_and_joins_wrapped_lines() -> None:
    text = "这是一行排满的正文文字工会职工活动服务建设基层组织宣传教育权益保障"

    def full(n: int) -> str:
        """A printed line that fills the width (31 wide characters), different for each n."""
        return (text[n:] + text[:n])[:31]

    pages = [
        f"工作要点\n{full(1)}\n{full(2)}\n短句结束。\n- 1 -",
        f"工作要点\n{full(3)}\n{full(4)}\n末行。\n—2—",
        f"工作要点\n第 3 页\n{full(5)}\n1.{full(6)[1:]}\n{full(7)}\n3 / 4",
        "工作要点\n接续上页的文字。\n二、章节标题\n4",
    ]
    assert (
        clean_pages(pages)
        == [
            f"{full(1)}{full(2)}短句结束。",
            f"{full(3)}{full(4)}末行。",
            full(5),  # full, but a numbered task follows: it starts its own paragraph
            f"1.{full(6)[1:]}{full(7)}接续上页的文字。",  # joined across the page break
            "二、章节标题",
        ]
    )


def test_txt_lines_lose_control_characters() -> None:
    data = "某某工作要点\r\n\t一、第一部分\x0b\r\n\u200b1.某项。".encode("gb18030")
    text = read_plan_document(name="plan.txt", data=data).text
    assert text == "某某工作要点\n一、第一部分\n1.某项。"


def test_docx_reads_tables_in_document_order_and_joins_soft_line_breaks() -> None:
    document = docx.Document()
    document.add_paragraph("某某工作要点")
    document.add_paragraph("一、第一部分")
    table = document.add_table(rows=2, cols=1)
    table.cell(0, 0).text = "1.第一项工作。内容。（牵头部室：办公室，参与单位：各街道总工会）"
    cell = table.cell(1, 0).paragraphs[0]
    cell.add_run("2.第二项工作。跨行")
    cell.add_run().add_break()  # Shift+Enter inside the paragraph
    cell.add_run("的内容。（牵头部室：宣教部，参与单位：行业工会）")
    document.add_paragraph("二、第二部分")
    document.add_paragraph("3.第三项工作。（牵头部室：权益部，参与单位：区总各部室）")
    out = io.BytesIO()
    document.save(out)
    read = read_plan_document(name="table.docx", data=out.getvalue())
    assert read.text is not None
    assert read.text.splitlines() == [
        "某某工作要点",
        "一、第一部分",
        "1.第一项工作。内容。（牵头部室：办公室，参与单位：各街道总工会）",
        "2.第二项工作。跨行的内容。（牵头部室：宣教部，参与单位：行业工会）",
        "二、第二部分",
        "3.第三项工作。（牵头部室：权益部，参与单位：区总各部室）",
    ]
    parsed = parse_plan_document(name="table.docx", data=out.getvalue())
    assert [t.lead_names for t in parsed.tasks] == [("办公室",), ("宣教部",), ("权益部",)]


def test_docx_renders_chinese_and_decimal_auto_numbering_per_list() -> None:
    document = docx.Document()
    add_list(document, num_id=21, fmt="chineseCounting", text="%1、", suffix="nothing")
    add_list(document, num_id=22, fmt="decimal", text="%1.")
    add_list(document, num_id=23, fmt="ideographTraditional", text="（%1）", suffix="nothing")
    document.add_paragraph("某某工作要点")
    for section, tasks in (
        ("第一部分", ["甲项工作。", "乙项工作。"]),
        ("第二部分", ["丙项工作。"]),
    ):
        number_paragraph(document.add_heading(section, level=2), num_id=21)
        for task in tasks:
            number_paragraph(document.add_paragraph(task), num_id=22)
    number_paragraph(document.add_paragraph("附注"), num_id=23)
    out = io.BytesIO()
    document.save(out)
    text = read_plan_document(name="numbered.docx", data=out.getvalue()).text
    assert text is not None
    assert text.splitlines() == [
        "某某工作要点",
        "一、第一部分",
        "1. 甲项工作。",
        "2. 乙项工作。",
        "二、第二部分",
        "3. 丙项工作。",
        "（甲）附注",
    ]


# ---------------------------------------------------------------- the import_plan command


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_import_plan_dry_run_from_docx_prints_shape_and_tasks_and_saves_nothing(
    world: Any, tmp_path: Path, documents: Callable[[Path], dict[str, bytes]]
) -> None:
    path = tmp_path / "工作要点.docx"
    path.write_bytes(documents(PLAN_2024)["plan-numbered.docx"])
    out = run("import_plan", str(path), "--year", "2031", "--dry-run")
    assert "格式：docx；版式：编号条目式" in out
    assert "板块 5 个，重点工作 30 项" in out
    assert "10. 扩大工会法律服务覆盖面  牵头：权益部  参与：各街道总工会、行业工会" in out
    assert "律师驻点：≥ 22 个" in out
    assert "试运行（未保存）" in out
    assert not WorkPlan.objects.filter(year=2031).exists()


def test_import_plan_from_pdf_creates_the_plan(
    world: Any, tmp_path: Path, documents: Callable[[Path], dict[str, bytes]]
) -> None:
    path = tmp_path / "工作要点.pdf"
    path.write_bytes(documents(PLAN_2024)["plan.pdf"])
    out = run("import_plan", str(path), "--year", "2031", "--status", "draft")
    assert "已导入 2031 年工作要点" in out
    plan = WorkPlan.objects.get(year=2031)
    assert plan.status == "draft" and plan.title == "龙岗区总工会2024年工作思路及要点"
    assert KeyTask.objects.filter(plan=plan).count() == 30


def test_import_plan_refuses_a_scan_saving_nothing(world: Any, tmp_path: Path) -> None:
    writer = PdfWriter()
    for _ in range(3):
        writer.add_blank_page(width=595, height=842)
    path = tmp_path / "扫描件.pdf"
    with path.open("wb") as file:
        writer.write(file)
    with pytest.raises(CommandError) as info:
        run("import_plan", str(path), "--year", "2031")
    assert str(info.value).startswith("导入失败，未保存任何内容。“扫描件.pdf”是扫描件")
    assert not WorkPlan.objects.filter(year=2031).exists()


def test_parse_errors_name_the_file_and_the_line() -> None:
    data = (
        "某某工作要点\n一、第一部分\n1.某项工作。（牵头部室：办公室，参与单位：各街道总工会）\n"
        "这一行不是重点工作\n"
    ).encode()
    with pytest.raises(PlanDocumentError) as info:
        parse_plan_document(name="uploads/计划.txt", data=data)
    assert str(info.value).startswith("“计划.txt”第 4 行无法识别：上一项重点工作已结束")
    assert info.value.line_no == 4
