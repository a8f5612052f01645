"""Plain text: UTF-8 (with or without BOM) or GB18030, as Chinese Word saves "纯文本"."""

from __future__ import annotations

from planning.documents.base import clean_line, refusal


def read_txt(name: str, data: bytes) -> str:
    """The file's text, one line per line; refuses any other encoding."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # Not splitlines(): it also breaks at U+000B and U+000C, which are noise to be dropped.
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        return "\n".join(clean_line(line) for line in lines)
    raise refusal(name, "既不是 UTF-8 也不是 GB18030 编码的文本，请另存为 UTF-8 编码后再上传")
