"""Documents printed to PDF by LibreOffice, as a clerk's "save as PDF" would."""

from __future__ import annotations

import subprocess
import uuid
from pathlib import Path


def soffice_pdf(content: bytes, suffix: str, tmp_path: Path) -> Path:
    """``content`` (a .docx or .xlsx, by ``suffix``) converted to PDF by LibreOffice, with a
    private profile so parallel runs do not collide; returns the PDF's path."""
    name = f"doc-{uuid.uuid4().hex[:8]}"
    source = tmp_path / f"{name}{suffix}"
    source.write_bytes(content)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / f'lo-{name}'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(source),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    return tmp_path / f"{name}.pdf"
