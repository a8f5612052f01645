"""Checks run before any parser sees a document: size, zip bombs and XML entity declarations.

The zip checks read only the archive's central directory (sizes as declared, see
unionplan.zipguard, shared with evidence files); nothing is decompressed to measure it.
"""

from __future__ import annotations

import io
import xml.sax
import zipfile
from typing import IO

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.sax import make_parser  # type: ignore[import-untyped]

from planning.documents.base import refusal
from unionplan.zipguard import zip_bomb_reason

MAX_BYTES = 10 * 1024 * 1024
MAX_PDF_PAGES = 100

_BOMB = "疑似压缩炸弹，已拒绝读取"


def check_size(name: str, data: bytes) -> None:
    """Refuse a document over 10 MB."""
    if len(data) > MAX_BYTES:
        raise refusal(name, f"超过 {MAX_BYTES // (1024 * 1024)} MB，请压缩图片或删去附件后再上传")


def check_zip(name: str, data: bytes, *, kind: str) -> None:
    """Refuse a .docx/.xlsx that is not a zip, is a zip bomb, or declares XML entities."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError) as exc:
        raise refusal(name, f"不是有效的 {kind}（文件已损坏或扩展名不符）") from exc
    with archive:
        bomb = zip_bomb_reason(archive)
        if bomb:
            raise refusal(name, f"{bomb}，{_BOMB}")
        for member in archive.infolist():
            if _looks_like_xml(archive, member):
                with archive.open(member) as stream:
                    _check_xml(name, member.filename, stream)


def _looks_like_xml(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> bool:
    """XML by its first bytes, not its name: a package may give an XML part any extension."""
    if member.is_dir():
        return False
    with archive.open(member) as stream:
        head = stream.read(64)
    head = head.removeprefix(b"\xef\xbb\xbf").lstrip()
    return head.startswith(b"<") or head.startswith((b"\xff\xfe", b"\xfe\xff"))


def _check_xml(name: str, member: str, stream: IO[bytes]) -> None:
    """Stream the XML through defusedxml, which refuses any DTD, entity or external reference."""
    parser = make_parser()
    parser.forbid_dtd = True
    parser.forbid_entities = True
    parser.forbid_external = True
    parser.setContentHandler(xml.sax.ContentHandler())
    try:
        parser.parse(stream)
    except DefusedXmlException as exc:
        raise refusal(name, f"的“{member}”包含不安全的 XML 实体声明，已拒绝读取") from exc
    except xml.sax.SAXException as exc:
        raise refusal(name, f"的“{member}”不是有效的 XML，文件已损坏") from exc
