"""PDF with a text layer: text per page, cleaned of page furniture and rejoined into paragraphs.

pypdf returns each printed line as a line, so a paragraph wrapped over five lines comes out as five
lines, with page numbers and running headers mixed in and spaces around digits and Latin text
in CJK lines. A line continues the previous one when the previous one is full: at least 90% of
the page's typical full-line width (its 80th percentile), counting wide (CJK) characters as 2.
"""

from __future__ import annotations

import io
import math
import re
import unicodedata

from pypdf import PdfReader
from pypdf.errors import PyPdfError

from planning.documents.base import clean_line, refusal
from planning.documents.guards import MAX_PDF_PAGES
from tasks.plan_text.text import _CJK_SPACE_RE, _ends_terminal

_PAGE_NUMBER_RES = (
    re.compile(r"^[-—–－\s]*\d{1,4}[-—–－\s]*$"),
    re.compile(r"^第\s*\d{1,4}\s*页(?:\s*[，,/]?\s*共\s*\d{1,4}\s*页)?$"),
    re.compile(r"^\d{1,4}\s*/\s*\d{1,4}$"),
    re.compile(r"^page\s*\d{1,4}(?:\s*of\s*\d{1,4})?$", re.IGNORECASE),
)
# Lines that start a new block even right after a full line: a numbered task ("5." but not
# "1.5万"), a section ("二、"), a "（一）" item; after a full sentence also "“1”是指".
_NUMBERED_RE = re.compile(
    r"^(?:\d{1,3}\s*[.．、](?!\d)|[一二三四五六七八九十]+\s*、|[（(][一二三四五六七八九十]+[)）])"
)
_MEANING_RE = re.compile(r"^[“\"]\s*\d+\s*[”\"]\s*是指")
_CJK_CHAR_RE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
_MIN_TEXT_PER_PAGE = 30  # letters, digits or CJK characters: fewer means a scan
# Not 0.9: list paragraphs are indented, so their full lines are ~86% of the page's widest ones.
_FULL_SHARE = 0.85
_FULL_PERCENTILE = 0.8
_FURNITURE_DEPTH = 2  # lines at the top and bottom of a page where furniture is looked for
_MIN_LINES_FOR_PAGE_WIDTH = 6


def open_pdf(name: str, data: bytes) -> PdfReader:
    """The PDF, refused when it is not one, is encrypted or has over 100 pages."""
    try:
        reader = PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted
        pages = 0 if encrypted else len(reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise refusal(name, "不是有效的 PDF 文件（文件已损坏或扩展名不符）") from exc
    if encrypted:
        raise refusal(name, "已加密（设有密码或权限限制），请上传未加密的 PDF")
    if pages > MAX_PDF_PAGES:
        raise refusal(name, f"共 {pages} 页，超过 {MAX_PDF_PAGES} 页的上限，请只上传工作要点部分")
    return reader


def read_pdf(name: str, data: bytes) -> tuple[str, int]:
    """The PDF's text, one line per paragraph, and its page count; refuses scans."""
    reader = open_pdf(name, data)
    try:
        raw_pages = [page.extract_text() for page in reader.pages]
    except (PyPdfError, ValueError, KeyError, TypeError) as exc:
        raise refusal(name, "的内容无法读取，文件可能已损坏") from exc
    lines = clean_pages(raw_pages)
    meaningful = sum(1 for line in lines for char in line if char.isalnum())
    if meaningful < _MIN_TEXT_PER_PAGE * max(1, len(raw_pages)):
        raise refusal(name, "是扫描件，没有可提取的文字，请上传 Word 文档或带文字层的 PDF")
    return "\n".join(lines), len(raw_pages)


def clean_pages(pages: list[str]) -> list[str]:
    """The pages' text (as pypdf extracts it) as paragraphs: furniture removed, wraps joined."""
    lines = [[line for line in map(clean_line, text.splitlines()) if line] for text in pages]
    return _join_paragraphs(_remove_furniture(lines))


def _remove_furniture(pages: list[list[str]]) -> list[list[str]]:
    """Drop page numbers, and lines repeated at the top or bottom of at least half of the pages."""
    pages = [_strip_page_numbers(page) for page in pages]
    if len(pages) < 2:
        return pages
    # Half of the pages from 3 pages on; a two-page document needs the line on both pages.
    needed = math.ceil(len(pages) / 2) if len(pages) >= 3 else len(pages)
    for _ in range(_FURNITURE_DEPTH):
        for top in (True, False):
            counts: dict[str, int] = {}
            for page in pages:
                if page:
                    key = _furniture_key(page[0 if top else -1])
                    counts[key] = counts.get(key, 0) + 1
            repeated = {key for key, count in counts.items() if count >= needed}
            for page in pages:
                if page and _furniture_key(page[0 if top else -1]) in repeated:
                    page.pop(0 if top else -1)
        pages = [_strip_page_numbers(page) for page in pages]
    return pages


def _strip_page_numbers(page: list[str]) -> list[str]:
    def is_number(line: str) -> bool:
        return any(pattern.match(line) for pattern in _PAGE_NUMBER_RES)

    last = len(page) - _FURNITURE_DEPTH
    return [
        line
        for index, line in enumerate(page)
        if not (is_number(line) and (index < _FURNITURE_DEPTH or index >= last))
    ]


def _furniture_key(line: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", line))


def width(line: str) -> int:
    """Printed width in half-width units: wide and ambiguous (CJK, “”) characters count 2."""
    return sum(2 if unicodedata.east_asian_width(char) in "WFA" else 1 for char in line)


def _percentile(values: list[int], share: float) -> float:
    ordered = sorted(values)
    return float(ordered[min(len(ordered) - 1, int(share * len(ordered)))]) if ordered else 0.0


def _join_paragraphs(pages: list[list[str]]) -> list[str]:
    all_widths = [width(_CJK_SPACE_RE.sub("", line)) for page in pages for line in page]
    document_full = _percentile(all_widths, _FULL_PERCENTILE)
    out: list[str] = []
    previous_full = False
    for page in pages:
        if len(page) >= _MIN_LINES_FOR_PAGE_WIDTH:
            full = _percentile(
                [width(_CJK_SPACE_RE.sub("", line)) for line in page], _FULL_PERCENTILE
            )
        else:
            full = document_full
        for line in page:
            starts_block = (
                _NUMBERED_RE.match(line)
                or (_ends_terminal(out[-1]) if out else False)
                and _MEANING_RE.match(line)
            )
            if out and previous_full and not starts_block:
                cjk_seam = _CJK_CHAR_RE.match(out[-1][-1]) or _CJK_CHAR_RE.match(line[0])
                out[-1] += ("" if cjk_seam else " ") + line
            else:
                out.append(line)
            previous_full = width(_CJK_SPACE_RE.sub("", line)) >= _FULL_SHARE * full
    return [_CJK_SPACE_RE.sub("", line) for line in out]
