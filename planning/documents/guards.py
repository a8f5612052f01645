"""Checks run before any parser sees a document: size, zip bombs and XML entity declarations.

The zip checks read only the archive's central directory (sizes as declared); nothing is
decompressed to measure it. That is enough because ``zipfile`` never yields more than a member's
declared size, so a directory that understates a member cannot smuggle more data past these
limits into python-docx or openpyxl.
"""

from __future__ import annotations

import io
import xml.sax
import zipfile
from typing import IO

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.sax import make_parser  # type: ignore[import-untyped]

from planning.documents.base import refusal

MAX_BYTES = 10 * 1024 * 1024
MAX_ZIP_MEMBERS = 1000
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
# Deflate cannot exceed about 1,000:1, so below this size a high ratio is harmless (tiny members
# of repeated whitespace reach it in real documents).
_RATIO_MIN_BYTES = 1024 * 1024
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
        members = archive.infolist()
        if len(members) > MAX_ZIP_MEMBERS:
            raise refusal(name, f"包含 {len(members)} 个内部文件，{_BOMB}")
        if sum(member.file_size for member in members) > MAX_UNZIPPED_BYTES:
            raise refusal(name, f"解压后超过 {MAX_UNZIPPED_BYTES // (1024 * 1024)} MB，{_BOMB}")
        for member in members:
            if member.file_size >= _RATIO_MIN_BYTES and (
                member.file_size > MAX_COMPRESSION_RATIO * member.compress_size
            ):
                raise refusal(name, f"内部文件“{member.filename}”压缩比超过 100:1，{_BOMB}")
        for member in members:
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
