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


def test_one_command_mode_runs_with_debug_off():
    """`make run` (scripts/run.sh) turns DEBUG off unless DJANGO_DEBUG says otherwise."""
    script = (ROOT / "scripts" / "run.sh").read_text()
    assert 'export DJANGO_DEBUG="${DJANGO_DEBUG-0}"' in script
    assert script.index("DJANGO_DEBUG") < script.index("runserver")


def test_one_command_mode_shows_the_products_404_and_still_serves_static_files(tmp_path):
    """The embedded mode with DEBUG off, as `make run` starts it: the product's own 404 page
    instead of Django's debug page, and static files (vendored Bootstrap, ECharts, the API
    docs' Swagger UI) served by WhiteNoise from the source folders, without collectstatic."""
    import socket
    import time
    import urllib.error
    import urllib.request

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "UNIONPLAN_", "DATABASE_URL", "REDIS_URL"))
    }
    env.update(DJANGO_DEBUG="0", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )

    def get(path: str) -> tuple[int, str]:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as r:
                return r.status, r.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, exc.read().decode("utf-8", "replace")

    try:
        for _ in range(150):
            try:
                get("/healthz")
                break
            except OSError:
                if server.poll() is not None:
                    raise AssertionError(server.stderr.read() if server.stderr else "") from None
                time.sleep(0.2)
        status, html = get("/no-such-page/")
        assert status == 404
        assert "找不到您要的内容" in html and "bootstrap.min.css" in html
        assert "Page not found" not in html and "URLconf" not in html
        for path in (
            "/static/vendor/bootstrap/css/bootstrap.min.css",
            "/static/vendor/echarts/echarts.min.js",
            "/static/js/app.js",
            "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui.css",
        ):
            assert get(path)[0] == 200, path
        status, html = get("/accounts/login/")
        assert status == 200 and "龙岗区总工会重点工作推进系统" in html
    finally:
        server.terminate()
        server.wait(timeout=10)
