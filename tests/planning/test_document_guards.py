"""Hostile and unusable documents are refused before any parser reads them, naming the file."""

from __future__ import annotations

import io
import zipfile

import pytest
from pypdf import PdfWriter

from planning.documents import PlanDocumentError, parse_plan_document, read_plan_document
from tests.planning.documents import billion_laughs_docx, docx_from_lines, zip_bomb


def refusal(name: str, data: bytes, *, one_sentence: bool = True) -> str:
    with pytest.raises(PlanDocumentError) as info:
        parse_plan_document(name=name, data=data)
    message = str(info.value)
    assert message.startswith(f"“{name}”")
    if one_sentence:
        assert message.count("。") == 1 and message.endswith("。"), message
    return message


def blank_pdf(pages: int, *, password: str = "") -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize("name", ["bomb.docx", "bomb.xlsx"])
def test_a_zip_bomb_is_refused_from_its_directory(name: str) -> None:
    data = zip_bomb(name)  # 200 MB of zeros in about 200 KB
    assert len(data) < 1024 * 1024
    assert "疑似压缩炸弹" in refusal(name, data)


def test_a_member_compressed_over_100_to_1_is_refused_even_under_the_total_limit() -> None:
    message = refusal("ratio.docx", zip_bomb("ratio.docx", member_mb=20))
    assert "压缩比超过 100:1" in message and "疑似压缩炸弹" in message


def test_a_zip_with_more_than_1000_members_is_refused() -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for index in range(1001):
            archive.writestr(f"word/part{index}.txt", "x")
    assert "1001 个内部文件" in refusal("many.docx", out.getvalue())


def test_billion_laughs_is_refused_before_any_xml_parser_expands_it() -> None:
    message = refusal("laughs.docx", billion_laughs_docx())
    assert "word/document.xml" in message and "包含不安全的 XML 实体声明" in message


def test_a_file_over_10_mb_is_refused() -> None:
    message = refusal("big.txt", b"a" * (10 * 1024 * 1024 + 1))
    assert "超过 10 MB" in message


def test_a_pdf_over_100_pages_is_refused() -> None:
    assert "共 101 页，超过 100 页" in refusal("long.pdf", blank_pdf(101))


def test_a_scanned_pdf_is_refused() -> None:
    message = refusal("计划.pdf", blank_pdf(2))
    assert message == "“计划.pdf”是扫描件，没有可提取的文字，请上传 Word 文档或带文字层的 PDF。"


def test_an_encrypted_pdf_is_refused() -> None:
    assert "已加密" in refusal("secret.pdf", blank_pdf(1, password="secret"))


def test_a_pdf_that_is_not_one_is_refused() -> None:
    assert "不是有效的 PDF 文件" in refusal("fake.pdf", b"%PDF-1.7 nothing else")


def test_a_text_in_neither_utf8_nor_gb18030_is_refused() -> None:
    assert "既不是 UTF-8 也不是 GB18030" in refusal("bad.txt", b"\x80\xff" * 20)


def test_an_unknown_extension_is_refused_listing_the_accepted_ones() -> None:
    message = refusal("plan.doc", b"whatever")
    assert ".docx .pdf .txt .xlsx" in message


def test_a_docx_that_is_not_a_zip_is_refused() -> None:
    assert "不是有效的 Word 文档" in refusal("plain.docx", b"just text")


def test_a_docx_without_sections_or_tasks_is_refused() -> None:
    data = docx_from_lines(["某某工作要点", "只有一段说明文字，没有板块也没有重点工作。"])
    # The parser's refusal: the line and the reason, then the line's text.
    message = refusal("empty.docx", data, one_sentence=False)
    assert "第 1 行无法识别：未找到任何章节" in message


def test_guards_run_for_reading_too() -> None:
    with pytest.raises(PlanDocumentError, match="疑似压缩炸弹"):
        read_plan_document(name="bomb.xlsx", data=zip_bomb("bomb.xlsx"))
