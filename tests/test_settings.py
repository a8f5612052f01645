"""Settings from the environment: the embedded default, the production switch and bad values."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STRONG_SECRET = "k3J9-x" * 12


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run manage.py in a fresh process with only the given unionplan variables set."""
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "UNIONPLAN_", "DATABASE_URL", "REDIS_URL"))
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION = {
    "UNIONPLAN_PRODUCTION": "1",
    "DJANGO_SECRET_KEY": STRONG_SECRET,
    "DJANGO_ALLOWED_HOSTS": "plan.lg.example",
    "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/unionplan",
    "REDIS_URL": "redis://127.0.0.1:6379/15",
}


def test_check_deploy_is_clean_under_the_production_switch():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret():
    env = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_SECRET_KEY"}
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY is required" in result.stderr


def test_production_refuses_a_weak_secret():
    result = run_manage("check", **{**PRODUCTION, "DJANGO_SECRET_KEY": "secret"})
    assert result.returncode != 0 and "too weak" in result.stderr


def test_production_refuses_to_start_without_allowed_hosts():
    env = {k: v for k, v in PRODUCTION.items() if k != "DJANGO_ALLOWED_HOSTS"}
    result = run_manage("check", **env)
    assert result.returncode != 0 and "DJANGO_ALLOWED_HOSTS is required" in result.stderr


def test_a_wrong_value_stops_start_up_naming_the_variable():
    result = run_manage("check", UNIONPLAN_PRODUCTION="perhaps")
    assert result.returncode != 0 and "UNIONPLAN_PRODUCTION must be 1 or 0" in result.stderr
    result = run_manage("check", DATABASE_URL="mysql://root@localhost/x")
    assert result.returncode != 0 and "DATABASE_URL must start with postgres://" in result.stderr


def test_embedded_default_is_sqlite_with_in_process_jobs_in_chinese_and_shanghai_time():
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_TASK_ALWAYS_EAGER, s.DEBUG,"
        " s.LANGUAGE_CODE, s.TIME_ZONE)"
    )
    result = run_manage("shell", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].split() == [
        "django.db.backends.sqlite3",
        "True",
        "True",
        "zh-hans",
        "Asia/Shanghai",
    ]


def test_database_and_redis_urls_switch_to_postgresql_and_a_real_broker():
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CELERY_BROKER_URL, s.CELERY_TASK_ALWAYS_EAGER)"
    )
    result = run_manage(
        "shell",
        "-c",
        code,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/unionplan",
        REDIS_URL="redis://127.0.0.1:6379/15",
    )
    assert result.stdout.strip().splitlines()[-1].split() == [
        "django.db.backends.postgresql",
        "redis://127.0.0.1:6379/15",
        "False",
    ]
