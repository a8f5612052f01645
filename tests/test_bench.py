"""The bench command's JSON, the load test's data set, and the load test's scripts (never run here:
a load run takes minutes; `scripts/loadtest.sh` is run by hand). No timing is asserted."""

from __future__ import annotations

import importlib.util
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from tasks.models import WorkPlan

ROOT = Path(__file__).resolve().parent.parent
TINY = ["--plans", "1", "--tasks", "3", "--units", "3", "--report-years", "1"]


def test_bench_json_prints_one_object_with_every_figure_and_leaves_no_rows(db):
    out = io.StringIO()
    call_command("bench", *TINY, "--runs", "2", "--json", stdout=out)
    result = json.loads(out.getvalue())  # nothing but the JSON on stdout
    assert {
        "database",
        "debug",
        "arguments",
        "dataset",
        "pages",
        "ratios",
        "scale",
        "workbook",
    } <= set(result)
    for page in ("dashboard", "tasks", "healthz"):
        assert {"median_ms", "p95_ms", "queries"} <= set(result["pages"][page])
    assert {"peak_mib"} <= set(result["pages"]["dashboard"])
    assert set(result["ratios"]) == {"dashboard_to_healthz", "tasks_to_healthz"}
    scale = result["scale"]
    assert {"factor", "small", "full", "time_ratio_dashboard", "time_ratio_tasks"} <= set(scale)
    assert scale["small"]["pages"]["dashboard"]["queries"] > 0
    assert {"analyze_s", "build_s", "rows"} <= set(result["dataset"])
    workbook = result["workbook"]
    for key in ("whole_ms", "read_ms", "format_ms", "raw_ms", "whole_to_raw", "peak_mib"):
        assert key in workbook
    if workbook["worker_rss_mib"] is not None:
        assert workbook["worker_rss_mib"]["peak"] >= workbook["worker_rss_mib"]["loaded"] > 0
    assert not WorkPlan.objects.filter(year__gte=2080).exists()


def test_bench_data_commits_the_set_with_users_who_can_sign_in_and_tokens(db, tmp_path):
    targets = tmp_path / "targets.json"
    call_command("bench_data", *TINY, "--password", "load-pass-x9", "--targets", str(targets))
    data = json.loads(targets.read_text())
    assert WorkPlan.objects.filter(year=data["year"]).exists() and len(data["tasks"]) == 3
    roles = {u["role"] for u in data["users"]}
    assert roles == {"leader", "staff", "reporter"}
    reporter = next(u for u in data["users"] if u["role"] == "reporter")
    assert len(reporter["reports"]) == 4
    client = Client()
    signed_in = client.post(
        "/accounts/login/", {"username": reporter["username"], "password": "load-pass-x9"}
    )
    assert signed_in.status_code == 302
    assert client.get(f"/reports/{reporter['reports'][0]}/").status_code == 200
    api = Client(HTTP_AUTHORIZATION=f"Bearer {reporter['token']}")
    assert api.get(f"/api/v1/tasks/?plan__year={data['year']}").json()["count"] == 3
    # A second run keeps the set and gives fresh tokens.
    call_command("bench_data", *TINY, "--password", "load-pass-x9", "--targets", str(targets))
    assert WorkPlan.objects.filter(year__gte=2080).count() == 1
    assert api.get("/api/v1/tasks/").status_code == 401


def test_loadtest_script_parses():
    assert subprocess.run(["bash", "-n", str(ROOT / "scripts" / "loadtest.sh")]).returncode == 0


def test_locustfile_defines_the_mixed_and_healthz_users():
    """Only where requirements-load.txt is installed; in a subprocess, since importing locust
    patches the standard library with gevent."""
    locust = shutil.which("locust", path=str(Path(sys.executable).parent))
    if importlib.util.find_spec("locust") is None or locust is None:
        pytest.skip("locust is not installed (scripts/loadtest.sh installs requirements-load.txt)")
    listed = subprocess.run(
        [locust, "-f", str(ROOT / "scripts" / "locustfile.py"), "--list"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert listed.returncode == 0, listed.stderr
    assert {"MixedUser", "HealthzUser"} <= set(listed.stdout.split())
