"""python manage.py seed_demo — units, the 2024 plan, its quarters and demo users."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from departments.models import Role
from unionplan.demo import DEMO_PASSWORD, demo_briefing, demo_seed


class Command(BaseCommand):
    help = (
        "载入演示数据：组织机构、2024 年工作要点、四个季度填报周期和各角色演示账号（可重复运行）。"
    )

    def handle(self, *args: Any, **options: Any) -> None:
        users = demo_seed()
        demo_briefing()  # 季度通报 of the latest quarter past its due date, ready to download
        self.stdout.write(
            self.style.SUCCESS(f"演示数据已就绪。演示账号（密码均为 {DEMO_PASSWORD}）：")
        )
        for demo, is_new in users:
            role = Role(demo.role).label
            unit = demo.unit_name or "—"
            note = "" if is_new else "（已存在，密码未改动）"
            self.stdout.write(f"  {demo.username:<10} {role:<10} {unit}{note}")
