"""Word documents: body and table paragraphs in document order, with Word's list numbers.

python-docx gives a paragraph's text but not the number Word draws before an auto-numbered
paragraph ("1." or "一、"), and plans number their sections and tasks that way. This module
renders those numbers from numbering.xml, keeping one counter per list and level as Word does.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

import docx
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from lxml.etree import _Element  # type: ignore[import-untyped]

from planning.documents.base import clean_line, refusal
from planning.documents.numerals import render_number

_W_P = qn("w:p")
_W_TBL = qn("w:tbl")
_W_TR = qn("w:tr")
_W_TC = qn("w:tc")
_W_T = qn("w:t")
_W_VAL = qn("w:val")
# Containers whose children are read as if they were in the body (content controls, tracked
# insertions of whole paragraphs, custom XML).
_TRANSPARENT = {qn("w:sdt"), qn("w:sdtContent"), qn("w:customXml"), qn("w:ins")}
# Parts of a paragraph that hold no visible text of its own.
_SKIPPED = {
    qn("w:pPr"),
    qn("w:rPr"),
    qn("w:del"),
    qn("w:moveFrom"),
    qn("w:txbxContent"),
    qn("w:instrText"),
    qn("w:delText"),
    "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback",
}
_BREAKS = {qn("w:br"), qn("w:cr")}
# A soft break before one of these starts a new line; elsewhere it only wrapped the text.
_BLOCK_START_RE = re.compile(
    r"^\s*(?:\d{1,3}\s*[.．、]|[一二三四五六七八九十]+\s*、|[（(][一二三四五六七八九十]+[)）])"
)
_CJK_RE = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef\u3000-\u303f“”‘’]")


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."
    suffix: str = "tab"
    legal: bool = False


@dataclass
class _Numbering:
    """numbering.xml read into levels per list, with Word's running counters."""

    abstract_of: dict[str, str] = field(default_factory=dict)  # numId -> abstractNumId
    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)  # abstractNumId -> levels
    overrides: dict[str, dict[int, int]] = field(default_factory=dict)  # numId -> ilvl -> start
    counters: dict[str, dict[int, int]] = field(default_factory=dict)
    started: set[tuple[str, int]] = field(default_factory=set)

    def render(self, num_id: str, ilvl: int) -> str:
        abstract = self.abstract_of.get(num_id)
        if abstract is None or abstract not in self.levels:
            return ""
        levels = self.levels[abstract]
        counters = self.counters.setdefault(abstract, {})
        level = levels.get(ilvl, _Level())
        override = self.overrides.get(num_id, {}).get(ilvl)
        if override is not None and (num_id, ilvl) not in self.started:
            # "Restart numbering" in Word is a new numId with a start override on the same list.
            counters[ilvl] = override - 1
        self.started.add((num_id, ilvl))
        counters[ilvl] = counters.get(ilvl, level.start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        if level.fmt in ("bullet", "none"):
            return ""

        def number(match: re.Match[str]) -> str:
            at = int(match[1]) - 1
            shown = levels.get(at, _Level())
            value = counters.get(at, shown.start)
            return render_number(value, "decimal" if level.legal else shown.fmt)

        label = re.sub(r"%([1-9])", number, level.text)
        if label and level.suffix != "nothing" and not _CJK_RE.search(label[-1]):
            label += " "
        return label


def read_docx(name: str, data: bytes) -> str:
    """The document's paragraphs (body and tables, in order), one line each, numbers rendered."""
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise refusal(
            name, "不是有效的 Word 文档（.docx），请用 Word 另存为 .docx 后再上传"
        ) from exc
    numbering = _read_numbering(document)
    styles = _style_numbering(document)
    lines: list[str] = []
    _read_blocks(document.element.body, numbering, styles, lines)
    return "\n".join(lines)


def _read_blocks(
    parent: _Element,
    numbering: _Numbering,
    styles: dict[str, tuple[str, int]],
    lines: list[str],
) -> None:
    for child in parent:
        if child.tag == _W_P:
            lines.extend(_paragraph_lines(child, numbering, styles))
        elif child.tag == _W_TBL:
            for row in child.iter(_W_TR):
                if _enclosing_table(row) is not child:
                    continue  # nested tables are read inside their cell, in order
                for cell in row.iterchildren(_W_TC):
                    _read_blocks(cell, numbering, styles, lines)
        elif child.tag in _TRANSPARENT:
            _read_blocks(child, numbering, styles, lines)


def _enclosing_table(element: _Element) -> _Element | None:
    parent = element.getparent()
    while parent is not None and parent.tag != _W_TBL:
        parent = parent.getparent()
    return parent


def _paragraph_lines(
    paragraph: _Element, numbering: _Numbering, styles: dict[str, tuple[str, int]]
) -> list[str]:
    pieces: list[str] = []
    _collect_text(paragraph, pieces)
    label = ""
    num = _paragraph_numbering(paragraph, styles)
    if num is not None:
        label = numbering.render(*num)
    text = label + "".join(pieces)
    lines = [clean_line(part) for part in text.split("\n")]
    joined: list[str] = []
    for part in lines:
        if not part:
            continue
        if joined and not _BLOCK_START_RE.match(part):
            sep = "" if _CJK_RE.search(joined[-1][-1]) or _CJK_RE.search(part[0]) else " "
            joined[-1] += sep + part
        else:
            joined.append(part)
    return joined or [""]


def _collect_text(element: _Element, pieces: list[str]) -> None:
    for child in element:
        tag = child.tag
        if tag in _SKIPPED or not isinstance(tag, str):
            continue
        if tag == _W_T:
            pieces.append(child.text or "")
        elif tag in _BREAKS:
            if child.get(qn("w:type")) in (None, "textWrapping"):
                pieces.append("\n")
        elif tag == qn("w:tab"):
            pieces.append(" ")
        elif tag == qn("w:noBreakHyphen"):
            pieces.append("-")
        else:
            _collect_text(child, pieces)


def _paragraph_numbering(
    paragraph: _Element, styles: dict[str, tuple[str, int]]
) -> tuple[str, int] | None:
    ppr = paragraph.find(qn("w:pPr"))
    if ppr is None:
        return None
    num_pr = ppr.find(qn("w:numPr"))
    style = ppr.find(qn("w:pStyle"))
    inherited = styles.get(style.get(_W_VAL, "")) if style is not None else None
    if num_pr is None:
        return inherited
    num_id = num_pr.find(qn("w:numId"))
    ilvl = num_pr.find(qn("w:ilvl"))
    num = num_id.get(_W_VAL) if num_id is not None else (inherited[0] if inherited else None)
    if num is None or num == "0":  # numId 0 switches numbering off
        return None
    level = int(ilvl.get(_W_VAL, "0")) if ilvl is not None else (inherited[1] if inherited else 0)
    return num, level


def _style_numbering(document: docx.document.Document) -> dict[str, tuple[str, int]]:
    """Paragraph styles that carry a list (e.g. a heading style linked to "一、"), with basedOn."""
    own: dict[str, tuple[str, int] | None] = {}
    based_on: dict[str, str] = {}
    for style in document.styles.element.iterchildren(qn("w:style")):
        style_id = style.get(qn("w:styleId"), "")
        base = style.find(qn("w:basedOn"))
        if base is not None:
            based_on[style_id] = base.get(_W_VAL, "")
        num_pr = style.find(f"{qn('w:pPr')}/{qn('w:numPr')}")
        if num_pr is None:
            continue
        num_id = num_pr.find(qn("w:numId"))
        ilvl = num_pr.find(qn("w:ilvl"))
        num = num_id.get(_W_VAL, "0") if num_id is not None else "0"
        own[style_id] = (
            None if num == "0" else (num, int(ilvl.get(_W_VAL, "0")) if ilvl is not None else 0)
        )
    resolved: dict[str, tuple[str, int]] = {}
    for style_id in {*own, *based_on}:
        current: str | None = style_id
        seen: set[str] = set()
        while current is not None and current not in seen:
            seen.add(current)
            if current in own:
                found = own[current]
                if found is not None:
                    resolved[style_id] = found
                break
            current = based_on.get(current)
    return resolved


def _read_numbering(document: docx.document.Document) -> _Numbering:
    numbering = _Numbering()
    try:
        root = document.part.numbering_part.element
    except (KeyError, NotImplementedError):
        return numbering
    for abstract in root.iterchildren(qn("w:abstractNum")):
        abstract_id = abstract.get(qn("w:abstractNumId"), "")
        numbering.levels[abstract_id] = {
            int(lvl.get(qn("w:ilvl"), "0")): _read_level(lvl)
            for lvl in abstract.iterchildren(qn("w:lvl"))
        }
    for num in root.iterchildren(qn("w:num")):
        num_id = num.get(qn("w:numId"), "")
        ref = num.find(qn("w:abstractNumId"))
        if ref is None:
            continue
        abstract_id = ref.get(_W_VAL, "")
        numbering.abstract_of[num_id] = abstract_id
        for override in num.iterchildren(qn("w:lvlOverride")):
            ilvl = int(override.get(qn("w:ilvl"), "0"))
            start = override.find(qn("w:startOverride"))
            if start is not None:
                numbering.overrides.setdefault(num_id, {})[ilvl] = int(start.get(_W_VAL, "1"))
            lvl = override.find(qn("w:lvl"))
            if lvl is not None:
                # A level redefined for this list only: keep it under a private abstract id.
                private = f"{abstract_id}#{num_id}"
                levels = dict(numbering.levels.get(abstract_id, {}))
                levels[ilvl] = _read_level(lvl)
                numbering.levels[private] = levels
                numbering.abstract_of[num_id] = private
    return numbering


def _read_level(lvl: _Element) -> _Level:
    def value(tag: str, default: str) -> str:
        element = lvl.find(qn(tag))
        return element.get(_W_VAL, default) if element is not None else default

    start = value("w:start", "1")
    return _Level(
        start=int(start) if start.isdigit() else 1,
        fmt=value("w:numFmt", "decimal"),
        text=value("w:lvlText", ""),
        suffix=value("w:suff", "tab"),
        legal=lvl.find(qn("w:isLgl")) is not None,
    )
