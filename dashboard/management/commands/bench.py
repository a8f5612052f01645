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
