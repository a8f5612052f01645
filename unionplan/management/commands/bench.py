"""python manage.py bench — server time, queries and memory of the main pages and the quarterly
workbook on a city-scale data set, each against a baseline measured in the same run.

The data set is built inside a transaction that is rolled back (years 2080+), ANALYZEd first so
that the planner sees its real size; on PostgreSQL the touched tables are vacuumed after the
rollback, so that repeated runs leave no dead rows behind on a server without autovacuum. Times
are taken with tracemalloc off (it slows Python several fold); memory in separate passes.
``--json`` prints every figure as one JSON object and nothing else; ``--load`` then also runs
scripts/loadtest.sh (gunicorn + locust on a database of its own) and adds its figures.
"""

from __future__ import annotations

import gc
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dashboard.benchdata import build_dataset
from departments.models import Role, User
from tasks.models import WorkPlan

ROOT = Path(__file__).resolve().parents[3]


class Rollback(Exception):
    """Raised to undo the synthetic data set once measured."""


def _bench_tables() -> list[str]:
    """The tables the data set writes to (ANALYZE before measuring, VACUUM after the rollback)."""
    from departments.models import Unit
    from reports.models import Contribution, ReportEntry, ReportingPeriod, UnitReport
    from tasks.models import (
        Indicator,
        IndicatorAllocation,
        KeyTask,
        ProgressUpdate,
        Section,
        TaskLead,
        TaskParticipant,
    )

    models = [
        Unit, User, WorkPlan, Section, KeyTask, TaskLead, TaskParticipant, Indicator,
        IndicatorAllocation, ReportingPeriod, ProgressUpdate, UnitReport, ReportEntry, Contribution,
    ]  # fmt: skip
    return list(dict.fromkeys(m._meta.db_table for m in models))


def analyze() -> float:
    """ANALYZE the data set's tables (inside the transaction: PostgreSQL counts the transaction's
    own new rows); seconds taken, 0 on other databases."""
    return _maintain("ANALYZE")


def vacuum() -> float:
    """VACUUM ANALYZE the data set's tables after the rollback; skipped (0) inside a transaction,
    where PostgreSQL refuses VACUUM (the test suite's), and on other databases."""
    return 0.0 if connection.in_atomic_block else _maintain("VACUUM ANALYZE")


def _maintain(statement: str) -> float:
    """Run ``statement`` on the data set's tables (PostgreSQL only); seconds taken."""
    if connection.vendor != "postgresql":
        return 0.0
    start = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            f"{statement} " + ", ".join(connection.ops.quote_name(t) for t in _bench_tables())
        )
    return time.perf_counter() - start


def _not_tracing() -> None:
    if tracemalloc.is_tracing():
        raise CommandError(
            "计时时 tracemalloc 不能开启（它使 Python 慢数倍）：请去掉 PYTHONTRACEMALLOC。"
        )


def measure(client: Client, url: str, runs: int) -> dict[str, float]:
    """Median, p95, min and max server time (ms) of ``runs`` GETs after a first one (its own time
    given too: cold caches), and the query count of one GET; never under tracemalloc."""
    _not_tracing()
    start = time.perf_counter()
    client.get(url)  # warm caches and template loading: its time is reported as first_ms
    first = (time.perf_counter() - start) * 1000
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(url)
        times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}")
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    times.sort()
    return {
        "first_ms": first,
        "median_ms": statistics.median(times),
        "p95_ms": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
        "min_ms": times[0],
        "max_ms": times[-1],
        "queries": len(queries.captured_queries),
    }


def peak_mib(step: Callable[[], Any]) -> float:
    """Peak Python memory (MiB, tracemalloc) of one call, in a pass of its own."""
    gc.collect()
    tracemalloc.start()
    try:
        step()
        return tracemalloc.get_traced_memory()[1] / 1024 / 1024
    finally:
        tracemalloc.stop()


def _ratio(a: float, b: float) -> float | None:
    return a / b if b else None


class Command(BaseCommand):
    help = (
        "基准测试：在事务内构建城市规模数据集（结束后回滚），测量驾驶舱、重点工作列表与健康检查的"
        "服务器耗时、查询数和内存，1×/10× 规模对比，以及季度推进情况表；--json 输出全部数据，"
        "--load 另外运行负载测试。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plans", type=int, default=10)
        parser.add_argument("--tasks", type=int, default=40, help="每年度的重点工作数。")
        parser.add_argument("--units", type=int, default=100)
        parser.add_argument("--report-years", type=int, default=5)
        parser.add_argument("--runs", type=int, default=20)
        parser.add_argument(
            "--scale",
            type=int,
            default=10,
            help="规模对比：另测重点工作数和单位数都除以 N 的数据集，给出耗时比（0 或 1 不测）。",
        )
        parser.add_argument(
            "--workbook-only", action="store_true", help="只测季度推进情况表，不测页面。"
        )
        parser.add_argument(
            "--json", action="store_true", help="只输出一个 JSON 对象，含全部数据。"
        )
        parser.add_argument(
            "--load",
            action="store_true",
            help="之后运行 scripts/loadtest.sh（gunicorn + locust，单独的数据库）并纳入结果。",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if WorkPlan.objects.filter(year__gte=2080).exists():
            raise CommandError("2080 年以后的年度已有工作要点，基准测试需要这些年度空闲。")
        self.as_json = options["json"]
        start = time.perf_counter()
        result: dict[str, Any] = {
            "database": connection.vendor,
            "debug": settings.DEBUG,
            "arguments": {
                k: options[k] for k in ("plans", "tasks", "units", "report_years", "runs", "scale")
            },
        }
        if settings.DEBUG:
            self.say("注意：DEBUG 开启（记录每条查询、模板调试），DJANGO_DEBUG=0 更接近生产环境。")
        try:
            with transaction.atomic():
                self._run(options, result)
                raise Rollback
        except Rollback:
            pass
        result["vacuum_s"] = vacuum()
        self.say(f"数据集已回滚，数据库未改变（其后 VACUUM ANALYZE {result['vacuum_s']:.1f} s）。")
        if options["load"]:
            result["load"] = self._load()
        result["elapsed_s"] = time.perf_counter() - start
        if self.as_json:
            self.stdout.write(json.dumps(result, ensure_ascii=False, indent=1))

    def say(self, line: str) -> None:
        """A line of the human report (nothing but the JSON goes to stdout with --json)."""
        if not self.as_json:
            self.stdout.write(line)

    def _build(self, options: dict[str, Any], *, tasks: int, units: int) -> Any:
        start = time.perf_counter()
        data = build_dataset(
            plans=options["plans"],
            tasks_per_plan=tasks,
            units=units,
            report_years=options["report_years"],
        )
        built = time.perf_counter() - start
        return data, {"rows": data.rows, "build_s": built, "analyze_s": analyze()}

    def _client(self, name: str) -> Client:
        leader = User(username=name, role=Role.LEADER, full_name="基准领导")
        leader.set_unusable_password()
        leader.save()
        host = next((h for h in settings.ALLOWED_HOSTS if "*" not in h), "localhost").lstrip(".")
        client = Client(HTTP_HOST=host)
        client.force_login(leader)
        return client

    def _run(self, options: dict[str, Any], result: dict[str, Any]) -> None:
        runs, scale = options["runs"], options["scale"]
        small = None
        if scale > 1 and not options["workbook_only"]:
            # The smaller set first, in a savepoint rolled back before the full set is built, so
            # that neither set's rows are in the other's pages.
            sizes = {
                "tasks": max(1, options["tasks"] // scale),
                "units": max(1, options["units"] // scale),
            }
            try:
                with transaction.atomic():
                    data, built = self._build(options, **sizes)
                    client = self._client("bench-leader-small")
                    year = data.plans[-1].year
                    small = {
                        "tasks_per_plan": sizes["tasks"],
                        "units": sizes["units"],
                        "dataset": built,
                        "pages": {
                            "dashboard": measure(client, f"/dashboard/?year={year}", runs),
                            "tasks": measure(client, f"/tasks/?year={year}", runs),
                        },
                    }
                    raise Rollback
            except Rollback:
                pass
        data, built = self._build(options, tasks=options["tasks"], units=options["units"])
        result["dataset"] = built
        self.say(
            f"数据集：{built['rows']}（构建 {built['build_s']:.1f} s，ANALYZE "
            f"{built['analyze_s']:.1f} s，{connection.vendor}）"
        )
        plan = data.plans[-1]
        if not options["workbook_only"]:
            self._pages(plan, runs, result, small)
        result["workbook"] = self._workbook(plan)

    def _pages(
        self, plan: WorkPlan, runs: int, result: dict[str, Any], small: dict[str, Any] | None
    ) -> None:
        client = self._client("bench-leader")
        urls = {
            "dashboard": f"/dashboard/?year={plan.year}",
            "tasks": f"/tasks/?year={plan.year}",
            "healthz": "/healthz",
        }
        pages = {name: measure(client, url, runs) for name, url in urls.items()}
        # Memory in its own pass, after every timing.
        for name in ("dashboard", "tasks"):
            pages[name]["peak_mib"] = peak_mib(partial(client.get, urls[name]))
        base = pages["healthz"]["median_ms"]
        ratios = {
            "dashboard_to_healthz": _ratio(pages["dashboard"]["median_ms"], base),
            "tasks_to_healthz": _ratio(pages["tasks"]["median_ms"], base),
        }
        result.update(pages=pages, ratios=ratios)
        self.say(f"{'页面':<28}{'中位数 ms':>12}{'p95 ms':>10}{'查询数':>8}{'内存峰值 MiB':>14}")
        labels = {
            "dashboard": "驾驶舱 /dashboard/",
            "tasks": "重点工作列表 /tasks/",
            "healthz": "对照：健康检查 /healthz",
        }
        for name, m in pages.items():
            memory = f"{m['peak_mib']:>14.1f}" if "peak_mib" in m else ""
            self.say(
                f"{labels[name]:<28}{m['median_ms']:>12.1f}{m['p95_ms']:>10.1f}"
                f"{m['queries']:>8}{memory}"
            )
        self.say(
            f"耗时比（中位数，{runs} 次）：驾驶舱/健康检查 {ratios['dashboard_to_healthz']:.0f}×，"
            f"重点工作列表/健康检查 {ratios['tasks_to_healthz']:.0f}×"
        )
        if small is None:
            return
        factor = result["arguments"]["scale"]
        result["scale"] = {
            "factor": factor,
            "small": small,
            "full": {
                "tasks_per_plan": plan.tasks.count(),
                "units": result["dataset"]["rows"]["units"],
            },
            "time_ratio_dashboard": _ratio(
                pages["dashboard"]["median_ms"], small["pages"]["dashboard"]["median_ms"]
            ),
            "time_ratio_tasks": _ratio(
                pages["tasks"]["median_ms"], small["pages"]["tasks"]["median_ms"]
            ),
        }
        scaled = result["scale"]
        self.say(
            f"规模对比：每年度 {small['tasks_per_plan']} 项工作 × {small['units']} 个单位（1×）与 "
            f"{scaled['full']['tasks_per_plan']} × {scaled['full']['units']}（{factor}×）"
        )
        for name in ("dashboard", "tasks"):
            one, full = small["pages"][name], pages[name]
            self.say(
                f"  {labels[name]:<26}1× {one['median_ms']:.1f} ms（{one['queries']} 次查询），"
                f"{factor}× {full['median_ms']:.1f} ms（{full['queries']} 次查询），"
                f"耗时比 {scaled['time_ratio_' + name]:.1f}×"
            )

    def _workbook(self, plan: WorkPlan, runs: int = 9) -> dict[str, Any]:
        """A quarter's workbook of the set, read and formatted, next to raw write-only openpyxl
        writing the same cells (values only): times are medians of ``runs`` builds without
        tracemalloc; memory is measured in separate builds, and the peak RSS of a fresh worker
        process that builds it (``worker_rss``)."""
        from exports.formatters import build_quarterly_workbook
        from exports.readers import workbook_data
        from tasks.models import KeyTask

        period = plan.periods.get(number=1)

        def read_data() -> Any:
            return workbook_data(period=period, tasks=KeyTask.objects.filter(plan=plan))

        _not_tracing()
        data = read_data()  # warm imports and caches
        content = build_quarterly_workbook(data)
        raw_openpyxl(data)
        read_times, format_times, raw_times = [], [], []
        for _ in range(runs):
            # Each step starts from a collected heap, so that none pays for the garbage of the
            # one before (a full collection of this process's heap takes tens of ms).
            gc.collect()
            start = time.perf_counter()
            data = read_data()
            read_times.append(time.perf_counter() - start)
            gc.collect()
            start = time.perf_counter()
            content = build_quarterly_workbook(data)
            format_times.append(time.perf_counter() - start)
            gc.collect()
            start = time.perf_counter()
            raw_cells, raw_bytes = raw_openpyxl(data)
            raw_times.append(time.perf_counter() - start)
        whole = statistics.median(r + f for r, f in zip(read_times, format_times, strict=True))
        read, formatting, raw = (
            statistics.median(t) for t in (read_times, format_times, raw_times)
        )
        with CaptureQueriesContext(connection) as queries:
            read_data()
        figures: dict[str, Any] = {
            "tasks": len(data.tasks),
            "units": len(data.units),
            "cells": raw_cells,
            "runs": runs,
            "whole_ms": whole * 1000,
            "read_ms": read * 1000,
            "format_ms": formatting * 1000,
            "raw_ms": raw * 1000,
            "read_queries": len(queries.captured_queries),
            "whole_to_raw": whole / raw,
            "format_to_raw": formatting / raw,
            "file_kib": len(content) / 1024,
            "raw_file_kib": raw_bytes / 1024,
            "peak_mib": peak_mib(lambda: build_quarterly_workbook(read_data())),
            "raw_peak_mib": peak_mib(lambda: raw_openpyxl(data)),
            "read_peak_mib": peak_mib(read_data),
            "worker_rss_mib": worker_rss(data),
        }
        self.say(
            f"季度推进情况表（{figures['tasks']} 项工作，{figures['units']} 个单位，"
            f"{raw_cells} 个单元格的值），{runs} 次中位数："
        )
        self.say(
            f"  整体 {whole * 1000:.0f} ms = 读取数据 {read * 1000:.0f} ms"
            f"（{figures['read_queries']} 次查询）+ 生成文件 {formatting * 1000:.0f} ms；"
            f"内存峰值 {figures['peak_mib']:.1f} MiB，文件 {figures['file_kib']:.0f} KiB"
        )
        self.say(
            f"  对照：openpyxl 只写模式写同样的值 {raw * 1000:.0f} ms，"
            f"内存峰值 {figures['raw_peak_mib']:.1f} MiB，文件 {figures['raw_file_kib']:.0f} KiB"
        )
        self.say(f"  耗时比：整体/对照 {whole / raw:.1f}×，生成文件/对照 {formatting / raw:.1f}×")
        rss = figures["worker_rss_mib"]
        if rss:
            self.say(
                f"  生成进程的常驻内存（RSS）峰值 {rss['peak']:.0f} MiB："
                f"新进程载入 Django 与导出模块后 {rss['loaded']:.0f} MiB，"
                f"收到读取的数据并生成文件增加 {rss['build_growth']:.0f} MiB"
                f"（读取数据本身的 Python 内存峰值 {figures['read_peak_mib']:.1f} MiB）"
            )
        return figures

    def _load(self) -> dict[str, Any]:
        """Run scripts/loadtest.sh and return its figures (its own output goes to stderr)."""
        with tempfile.TemporaryDirectory() as folder:
            target = Path(folder) / "load.json"
            env = {**os.environ, "LOADTEST_JSON": str(target)}
            completed = subprocess.run(
                ["bash", str(ROOT / "scripts" / "loadtest.sh")],
                cwd=ROOT,
                env=env,
                stdout=sys.stderr if self.as_json else None,
                check=False,
            )
            if completed.returncode != 0 or not target.exists():
                raise CommandError(f"负载测试失败（退出码 {completed.returncode}）。")
            figures: dict[str, Any] = json.loads(target.read_text())
        return figures


WORKER_PROBE = """
import pickle, sys
import django
django.setup()
import exports.jobs, exports.formatters, exports.readers  # what a workbook worker has loaded
from exports.formatters import build_quarterly_workbook


def memory():
    with open("/proc/self/status") as status:
        fields = dict(line.split(":", 1) for line in status)
    return int(fields["VmRSS"].split()[0]), int(fields["VmHWM"].split()[0])


loaded = memory()
build_quarterly_workbook(pickle.loads(sys.stdin.buffer.read()))
print(*loaded, *memory())
"""


def worker_rss(data: Any) -> dict[str, float] | None:
    """Resident memory (MiB) of a fresh worker process that loads Django and the export modules,
    receives the workbook's data as read here (the data set is uncommitted, so a process of its
    own cannot read it) and builds the workbook: after loading, and its peak (VmHWM) at the end.
    Read from /proc/self/status, not ru_maxrss, which on Linux carries over the parent's peak
    through fork and exec. None without /proc (not Linux)."""
    import pickle

    if not Path("/proc/self/status").exists():
        return None
    completed = subprocess.run(
        [sys.executable, "-c", WORKER_PROBE],
        cwd=ROOT,
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", "")
            or "unionplan.settings",
        },
        input=pickle.dumps(data),
        capture_output=True,
        check=False,
    )
    if completed.returncode != 0:
        raise CommandError(f"生成进程失败：{completed.stderr.decode()[-2000:]}")
    loaded, _, end, peak = (int(n) for n in completed.stdout.split()[-4:])  # KiB
    return {
        "loaded": loaded / 1024,
        "peak": peak / 1024,
        "after_build": end / 1024,
        "build_growth": (peak - loaded) / 1024,
    }


def contribution_rows(data: Any) -> list[list[Any]]:
    """The 单位贡献 sheet's cells as the workbook lays them out: the units with contributions in
    blocks of eight, each block a header row, then section and indicator rows."""
    from exports.formatters import UNITS_PER_BLOCK

    values = [u["values"] for u in data.units]
    used = [i for i, row in enumerate(values) if any(v is not None for v in row)]
    indicators = [
        j for j in range(len(data.unit_indicators)) if any(values[i][j] is not None for i in used)
    ]
    rows: list[list[Any]] = []
    for start in range(0, len(used), UNITS_PER_BLOCK):
        block = used[start : start + UNITS_PER_BLOCK]
        rows.append(["重点工作序号. 指标", *[data.units[i]["name"] for i in block]])
        section = None
        for j in indicators:
            if data.unit_indicator_sections[j] != section:
                section = data.unit_indicator_sections[j]
                rows.append([section])
            rows.append([data.unit_indicators[j], *[values[i][j] for i in block]])
    return rows


def raw_openpyxl(data: Any) -> tuple[int, int]:
    """Write the workbook's cell values with openpyxl's write-only mode, without any styling."""
    import io

    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    cells = 0
    sheets = {
        "总表": [
            [
                t[k]
                for k in (
                    "number",
                    "title",
                    "leads",
                    "participants",
                    "targets",
                    "progress",
                    "cumulative",
                    "status",
                    "problems",
                    "next_steps",
                )
            ]
            for t in data.tasks
        ],
        "量化指标": [
            [i["task"], i["name"], i["target"], *i["quarters"], i["cumulative"], i["percent"]]
            for i in data.indicators
        ],
        "分部室": [[d["name"], d["tasks"], d["percent"]] for d in data.departments],
        "分街道": [
            [
                u["name"],
                u["kind"],
                u["state"],
                u["submitted_at"],
                u["lateness"],
                u["score"],
                u["rank"],
            ]
            for u in data.units
        ],
        "单位贡献": contribution_rows(data),
    }
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
            cells += len(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return cells, len(buffer.getvalue())
