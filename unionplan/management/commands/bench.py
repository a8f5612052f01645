"""python manage.py bench — the dashboard's server time and queries on a city-scale data set."""

from __future__ import annotations

import statistics
import time
import tracemalloc
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from dashboard.benchdata import build_dataset
from departments.models import Role, User
from tasks.models import WorkPlan


class Rollback(Exception):
    """Raised to undo the synthetic data set once measured."""


def measure(client: Client, url: str, runs: int) -> dict[str, float]:
    """Median and p95 server time (ms) and the query count of one GET."""
    client.get(url)  # warm caches and template loading
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
        "median": statistics.median(times),
        "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
        "queries": len(queries.captured_queries),
    }


class Command(BaseCommand):
    help = "基准测试：构建城市规模数据集（事务内，结束后回滚），测量驾驶舱的服务器耗时与查询数。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plans", type=int, default=10)
        parser.add_argument("--tasks", type=int, default=40)
        parser.add_argument("--units", type=int, default=100)
        parser.add_argument("--report-years", type=int, default=5)
        parser.add_argument("--runs", type=int, default=20)

    def handle(self, *args: Any, **options: Any) -> None:
        if WorkPlan.objects.filter(year__gte=2080).exists():
            raise CommandError("2080 年以后的年度已有工作要点，基准测试需要这些年度空闲。")
        try:
            with transaction.atomic():
                self._run(options)
                raise Rollback
        except Rollback:
            self.stdout.write("数据集已回滚，数据库未改变。")

    def _run(self, options: dict[str, Any]) -> None:
        start = time.perf_counter()
        data = build_dataset(
            plans=options["plans"],
            tasks_per_plan=options["tasks"],
            units=options["units"],
            report_years=options["report_years"],
        )
        built = time.perf_counter() - start
        self.stdout.write(f"数据集：{data.rows}（构建 {built:.1f} s，{connection.vendor}）")
        leader = User(username="bench-leader", role=Role.LEADER, full_name="基准领导")
        leader.set_unusable_password()
        leader.save()
        host = next((h for h in settings.ALLOWED_HOSTS if "*" not in h), "localhost").lstrip(".")
        client = Client(HTTP_HOST=host)
        client.force_login(leader)
        year = data.plans[-1].year
        runs = options["runs"]
        rows = [
            ("驾驶舱 /dashboard/", measure(client, f"/dashboard/?year={year}", runs)),
            ("重点工作列表 /tasks/", measure(client, f"/tasks/?year={year}", runs)),
            ("对照：健康检查 /healthz", measure(client, "/healthz", runs)),
        ]
        tracemalloc.start()
        client.get(f"/dashboard/?year={year}")
        peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
        tracemalloc.stop()
        self.stdout.write(f"{'页面':<28}{'中位数 ms':>12}{'p95 ms':>10}{'查询数':>8}")
        for label, m in rows:
            self.stdout.write(f"{label:<28}{m['median']:>12.1f}{m['p95']:>10.1f}{m['queries']:>8}")
        self.stdout.write(f"驾驶舱单次请求 Python 内存峰值：{peak:.1f} MiB（{runs} 次测量）")
        self._workbook(data.plans[-1])

    def _workbook(self, plan: WorkPlan) -> None:
        """A quarter's workbook of the set, next to raw write-only openpyxl with the same cells."""
        from exports.formatters import build_quarterly_workbook
        from exports.readers import workbook_data
        from tasks.models import KeyTask

        period = plan.periods.get(number=1)
        tracemalloc.start()
        start = time.perf_counter()
        data = workbook_data(period=period, tasks=KeyTask.objects.filter(plan=plan))
        read = time.perf_counter() - start
        content = build_quarterly_workbook(data)
        ours = time.perf_counter() - start
        ours_peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
        tracemalloc.stop()
        tracemalloc.start()
        start = time.perf_counter()
        raw_cells, raw_bytes = raw_openpyxl(data)
        raw = time.perf_counter() - start
        raw_peak = tracemalloc.get_traced_memory()[1] / 1024 / 1024
        tracemalloc.stop()
        self.stdout.write(
            f"季度推进情况表（{len(data.tasks)} 项工作，{len(data.units)} 个单位，"
            f"{raw_cells} 个单元格）：{ours:.2f} s（其中读取数据 {read:.2f} s），"
            f"内存峰值 {ours_peak:.1f} MiB，文件 {len(content) / 1024:.0f} KiB"
        )
        self.stdout.write(
            f"对照：openpyxl 只写模式写同样的单元格：{raw:.2f} s，内存峰值 {raw_peak:.1f} MiB，"
            f"文件 {raw_bytes / 1024:.0f} KiB；耗时比 {ours / raw:.1f}×（含读取数据），"
            f"{(ours - read) / raw:.1f}×（仅写文件）"
        )


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
            [u["name"], u["state"], u["submitted_at"], *u["values"], u["rank"], u["score"]]
            for u in data.units
        ],
    }
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
            cells += len(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return cells, len(buffer.getvalue())
