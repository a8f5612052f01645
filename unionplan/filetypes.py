"""What a file really is, judged by its content (never by its name).

Shared by units' evidence (reports) and cadence occurrences' evidence (tasks)."""

from __future__ import annotations

import io
import zipfile
from typing import IO

from unionplan.zipguard import zip_bomb_reason

# Allowed evidence kinds: content type and a Chinese label.
ALLOWED = {
    "image/png": "PNG 图片",
    "image/jpeg": "JPEG 图片",
    "image/gif": "GIF 图片",
    "image/webp": "WebP 图片",
    "application/pdf": "PDF",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word（.docx）",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel（.xlsx）",
    "application/msword": "Word/Excel（旧版 .doc/.xls）",
}
ALLOWED_LABELS = "图片（PNG、JPEG、GIF、WebP）、PDF、Word、Excel"
OFFICE_OPEN_XML = {
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def sniff(file: IO[bytes]) -> str | None:
    """The content type of an allowed evidence file, or None for anything else."""
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if head.startswith(b"RIFF") and head[8:12] == b"WEBP":
        return "image/webp"
    if head.startswith(b"%PDF-"):
        return "application/pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "application/msword"  # OLE compound file: legacy .doc / .xls
    if head.startswith(b"PK\x03\x04"):
        return _office_open_xml(file)
    return None


def _office_open_xml(file: IO[bytes]) -> str | None:
    try:
        data = file.read()
        names = set(zipfile.ZipFile(io.BytesIO(data)).namelist())
    except zipfile.BadZipFile:
        return None
    finally:
        file.seek(0)
    if "[Content_Types].xml" not in names:
        return None
    if any(n.startswith("word/") for n in names):
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    if any(n.startswith("xl/") for n in names):
        return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return None


def zip_bomb_refusal(file: IO[bytes]) -> str | None:
    """Why a .docx/.xlsx is out of proportion once unzipped (from its directory, never inflated)."""
    file.seek(0)
    try:
        with zipfile.ZipFile(file) as archive:
            return zip_bomb_reason(archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError):
        return None  # sniff() already judged the content; a broken zip is not a bomb
    finally:
        file.seek(0)
