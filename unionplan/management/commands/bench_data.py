"""python manage.py bench_data — the city-scale data set, committed, with users for the load test.

Meant for a database of its own (scripts/loadtest.sh uses ``unionplan_load``): it builds the data
set of ``manage.py bench`` (years 2080+) and keeps it, adds signed-in users of several roles with a
known password and a personal API token each, runs VACUUM ANALYZE on PostgreSQL, and writes what
the load test needs (year, task ids, report ids, logins, tokens) as JSON.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection, transaction

from dashboard.benchdata import build_dataset
from departments.models import ApiToken, Role, Unit, UnitKind, User
from departments.services import token_create
from reports.models import UnitReport
from tasks.models import KeyTask, WorkPlan

FIRST_YEAR = 2080
TOKEN_NAME = "负载测试"
STAFF_ACCOUNTS = 6
REPORTER_ACCOUNTS = 10


class Command(BaseCommand):
    help = (
        "为负载测试构建并提交城市规模基准数据集（2080 年起），创建各角色的测试用户、"
        "接口令牌，并输出负载测试所需的 JSON。只用于单独的测试数据库。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--plans", type=int, default=10)
        parser.add_argument("--tasks", type=int, default=40)
        parser.add_argument("--units", type=int, default=100)
        parser.add_argument("--report-years", type=int, default=5)
        parser.add_argument("--password", default="load-test-2089", help="所有负载测试用户的密码。")
        parser.add_argument("--targets", help="把用户、令牌和页面编号写入此 JSON 文件。")

    def handle(self, *args: Any, **options: Any) -> None:
        plan = WorkPlan.objects.filter(year__gte=FIRST_YEAR).order_by("-year").first()
        if plan is None:
            start = time.perf_counter()
            with transaction.atomic():
                data = build_dataset(
                    first_year=FIRST_YEAR,
                    plans=options["plans"],
                    tasks_per_plan=options["tasks"],
                    units=options["units"],
                    report_years=options["report_years"],
                )
            plan = data.plans[-1]
            self.stderr.write(
                f"数据集已构建并提交：{data.rows}（{time.perf_counter() - start:.1f} s）"
            )
        else:
            self.stderr.write(f"已有基准数据（{plan.year} 年），沿用。")
        users = self._users(plan, options["password"])
        # Not inside a transaction (the test suite's), where PostgreSQL refuses VACUUM.
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            start = time.perf_counter()
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
            self.stderr.write(f"VACUUM ANALYZE 完成（{time.perf_counter() - start:.1f} s）")
        targets = {
            "year": plan.year,
            "plan": plan.pk,
            "tasks": list(KeyTask.objects.filter(plan=plan).values_list("pk", flat=True)),
            "password": options["password"],
            "users": users,
        }
        if options["targets"]:
            Path(options["targets"]).write_text(json.dumps(targets, ensure_ascii=False))
        else:
            self.stdout.write(json.dumps(targets, ensure_ascii=False))

    def _users(self, plan: WorkPlan, password: str) -> list[dict[str, Any]]:
        """One leader, staff of the lead departments and reporters of bench streets, each with a
        fresh token (the previous load tokens are deleted) and no pending lockout."""
        from axes.models import AccessAttempt

        departments = list(
            Unit.objects.filter(kind=UnitKind.DEPARTMENT, task_leads__task__plan=plan)
            .distinct()
            .order_by("sort_order")[:STAFF_ACCOUNTS]
        )
        streets = list(
            Unit.objects.filter(name__startswith=f"基准街道{FIRST_YEAR}-").order_by("sort_order")[
                :REPORTER_ACCOUNTS
            ]
        )
        if not departments or not streets:
            raise CommandError("基准数据不完整：没有牵头部室或基准街道。")
        people: list[tuple[str, str, Unit | None]] = [("load-leader", Role.LEADER, None)]
        people += [(f"load-staff{n}", Role.STAFF, u) for n, u in enumerate(departments)]
        people += [(f"load-reporter{n}", Role.REPORTER, u) for n, u in enumerate(streets)]
        usernames = [p[0] for p in people]
        AccessAttempt.objects.filter(username__in=usernames).delete()
        ApiToken.objects.filter(user__username__in=usernames, name=TOKEN_NAME).delete()
        result = []
        for username, role, unit in people:
            user, _ = User.objects.get_or_create(
                username=username, defaults={"role": role, "unit": unit}
            )
            user.role, user.unit, user.full_name = role, unit, f"负载测试{username[5:]}"
            user.is_active, user.must_change_password = True, False
            user.set_password(password)
            user.save()
            _, raw = token_create(user=user, name=TOKEN_NAME)
            reports = (
                list(
                    UnitReport.objects.filter(unit=unit, period__plan=plan)
                    .order_by("period__number")
                    .values_list("pk", flat=True)
                )
                if role == Role.REPORTER
                else []
            )
            result.append({"username": username, "role": role, "token": raw, "reports": reports})
        return result
