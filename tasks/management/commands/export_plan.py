"""python manage.py export_plan --year 2024 > plan-2024.json"""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tasks.models import WorkPlan
from tasks.selectors import plan_export_data


class Command(BaseCommand):
    help = "以 JSON 输出某年度工作要点（板块、重点工作、牵头部室、参与单位、量化指标）。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="年度，如 2024")

    def handle(self, *args: Any, **options: Any) -> None:
        plan = WorkPlan.objects.filter(year=options["year"]).first()
        if plan is None:
            raise CommandError(f"没有 {options['year']} 年的工作要点。")
        self.stdout.write(json.dumps(plan_export_data(plan), ensure_ascii=False, indent=2))
