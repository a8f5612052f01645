"""Zip bombs judged from an archive's central directory: sizes as declared, nothing inflated.

Shared by plan documents (planning.documents.guards) and evidence files (reports.filetypes), which
may not import each other. Reading only the directory is enough because ``zipfile`` never yields
more than a member's declared size, so a directory that understates a member cannot smuggle more
data past these limits into a parser or a reviewer's download.
"""

from __future__ import annotations

import zipfile

MAX_ZIP_MEMBERS = 1000
MAX_UNZIPPED_BYTES = 100 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100
# Deflate cannot exceed about 1,000:1, so below this size a high ratio is harmless (tiny members
# of repeated whitespace reach it in real documents).
RATIO_MIN_BYTES = 1024 * 1024

_MB = 1024 * 1024


def _mb(size: int) -> int:
    """Whole megabytes, rounded up so "约 N MB" never reads as under a limit it exceeds."""
    return -(-size // _MB)


def zip_bomb_reason(archive: zipfile.ZipFile) -> str | None:
    """Why the archive's directory looks like a zip bomb (a Chinese clause), or None."""
    members = archive.infolist()
    if len(members) > MAX_ZIP_MEMBERS:
        return f"包含 {len(members)} 个内部文件（最多 {MAX_ZIP_MEMBERS} 个）"
    total = sum(member.file_size for member in members)
    if total > MAX_UNZIPPED_BYTES:
        return f"解压后过大（约 {_mb(total)} MB，上限 {MAX_UNZIPPED_BYTES // _MB} MB）"
    for member in members:
        if member.file_size >= RATIO_MIN_BYTES and (
            member.file_size > MAX_COMPRESSION_RATIO * member.compress_size
        ):
            return (
                f"内部文件“{member.filename}”压缩比超过 {MAX_COMPRESSION_RATIO}:1"
                f"（解压后约 {_mb(member.file_size)} MB）"
            )
    return None
