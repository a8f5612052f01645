"""Builders of real plan documents (and hostile ones) that the document tests share."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Pt
from docx.text.paragraph import Paragraph

from tests.libreoffice import soffice_pdf

_TASK_RE = re.compile(r"^(\d{1,3})\.(.*)$")
_SECTION_RE = re.compile(r"^[一二三四五六七八九十]+、")
_NUMBERING_ID = 7  # any free numId; the abstract list shares it


def docx_from_lines(lines: list[str], *, numbered_tasks: bool = False) -> bytes:
    """A Word document, one paragraph per non-blank line; title and sections as headings.

    With ``numbered_tasks`` the "N." of each task line is left out of the text and rendered by a
    real Word auto-numbered list ("%1." in decimal), as an author clicking the numbering button.
    """
    document = docx.Document()
    style = document.styles["Normal"]
    style.font.size = Pt(12)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "Noto Serif CJK SC")
    if numbered_tasks:
        _add_decimal_numbering(document)
    _add_running_header_and_page_numbers(document)
    title_done = False
    for raw in lines:
        line = raw.strip()
        if not line:
            continue
        if not title_done:
            document.add_heading(line, level=1)
            title_done = True
            continue
        if _SECTION_RE.match(line):
            document.add_heading(line, level=2)
            continue
        task = _TASK_RE.match(line)
        if numbered_tasks and task:
            number_paragraph(document.add_paragraph(task[2]), num_id=_NUMBERING_ID)
            continue
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _add_running_header_and_page_numbers(document: docx.document.Document) -> None:
    """A running header and a "- N -" footer, as on the published plan's pages."""
    section = document.sections[0]
    section.header.paragraphs[0].text = "龙岗区总工会文件"
    footer = section.footer.paragraphs[0]
    footer.add_run("- ")
    footer._p.append(
        parse_xml(
            f'<w:fldSimple {nsdecls("w")} w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'
        )
    )
    footer.add_run(" -")


def _add_decimal_numbering(document: docx.document.Document) -> None:
    add_list(document, num_id=_NUMBERING_ID, fmt="decimal", text="%1.", suffix="nothing")


def add_list(
    document: docx.document.Document,
    *,
    num_id: int,
    fmt: str,
    text: str,
    start: int = 1,
    suffix: str = "tab",
) -> None:
    """Define a one-level Word list (numbering.xml abstractNum + num) under ``num_id``."""
    numbering = document.part.numbering_part.element
    abstract = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{num_id}">'
        '<w:multiLevelType w:val="singleLevel"/>'
        f'<w:lvl w:ilvl="0"><w:start w:val="{start}"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/><w:lvlJc w:val="left"/><w:suff w:val="{suffix}"/></w:lvl>'
        "</w:abstractNum>"
    )
    num = parse_xml(
        f'<w:num {nsdecls("w")} w:numId="{num_id}"><w:abstractNumId w:val="{num_id}"/></w:num>'
    )
    # abstractNum elements must precede num elements (the schema's order).
    first_num = numbering.find(qn("w:num"))
    if first_num is None:
        numbering.append(abstract)
    else:
        first_num.addprevious(abstract)
    numbering.append(num)


def number_paragraph(paragraph: Paragraph, *, num_id: int, ilvl: int = 0) -> Paragraph:
    """Put ``paragraph`` in the Word list ``num_id`` (w:numPr), as the numbering button does."""
    paragraph._p.get_or_add_pPr().append(
        parse_xml(
            f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{ilvl}"/><w:numId w:val="{num_id}"/></w:numPr>'
        )
    )
    return paragraph


def pdf_from_docx(docx_bytes: bytes, tmp_path: Path) -> bytes:
    """The document printed to PDF by LibreOffice Writer."""
    return soffice_pdf(docx_bytes, ".docx", tmp_path).read_bytes()


def zip_bomb(name: str, *, member_mb: int = 200) -> bytes:
    """A real zip bomb: a deflated member of ``member_mb`` MB of zeros (about 200 KB on disk).

    The member is written in 1 MB chunks so building it never holds more than that in memory.
    ``name`` picks the package's first member so it looks like the format (.docx or .xlsx).
    """
    first = "word/document.xml" if name.endswith(".docx") else "xl/workbook.xml"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr(first, '<?xml version="1.0"?><document/>')
        chunk = b"\0" * (1024 * 1024)
        with archive.open("word/media/zeros.bin", "w", force_zip64=True) as member:
            for _ in range(member_mb):
                member.write(chunk)
    return out.getvalue()


_LAUGHS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p></w:body></w:document>
"""


def billion_laughs_docx() -> bytes:
    """A real Word document whose document.xml expands nested entities to about 3 GB of "lol"."""
    source = io.BytesIO(docx_from_lines(["某某工作要点"]))
    out = io.BytesIO()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(out, "w") as archive:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "word/document.xml":
                data = _LAUGHS.encode()
            archive.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED)
    return out.getvalue()
