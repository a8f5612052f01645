"""python manage.py bench — the dashboard's server time and queries on a city-scale data set."""

from __future__ import annotations

import gc
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
        parser.add_argument(
            "--workbook-only", action="store_true", help="只测季度推进情况表，不测页面。"
        )

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
        if options["workbook_only"]:
            self._workbook(data.plans[-1])
            return
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

    def _workbook(self, plan: WorkPlan, runs: int = 9) -> None:
        """A quarter's workbook of the set, read and formatted, next to raw write-only openpyxl
        writing the same cells (values only): times are medians of ``runs`` builds without
        tracemalloc (which slows Python several fold); memory is measured in separate builds."""
        from exports.formatters import build_quarterly_workbook
        from exports.readers import workbook_data
        from tasks.models import KeyTask

        period = plan.periods.get(number=1)

        def read_data() -> Any:
            return workbook_data(period=period, tasks=KeyTask.objects.filter(plan=plan))

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
        peaks = {}
        for name, step in (
            ("whole", lambda: build_quarterly_workbook(read_data())),
            ("raw", lambda: raw_openpyxl(data)),
        ):
            tracemalloc.start()
            step()
            peaks[name] = tracemalloc.get_traced_memory()[1] / 1024 / 1024
            tracemalloc.stop()
        self.stdout.write(
            f"季度推进情况表（{len(data.tasks)} 项工作，{len(data.units)} 个单位，"
            f"{raw_cells} 个单元格的值），{runs} 次中位数："
        )
        self.stdout.write(
            f"  整体 {whole * 1000:.0f} ms = 读取数据 {read * 1000:.0f} ms"
            f"（{len(queries.captured_queries)} 次查询）+ 生成文件 {formatting * 1000:.0f} ms；"
            f"内存峰值 {peaks['whole']:.1f} MiB，文件 {len(content) / 1024:.0f} KiB"
        )
        self.stdout.write(
            f"  对照：openpyxl 只写模式写同样的值 {raw * 1000:.0f} ms，"
            f"内存峰值 {peaks['raw']:.1f} MiB，文件 {raw_bytes / 1024:.0f} KiB"
        )
        self.stdout.write(
            f"  耗时比：整体/对照 {whole / raw:.1f}×，生成文件/对照 {formatting / raw:.1f}×"
        )


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
