"""python manage.py build_workbook — build a quarter's workbook into a file, with the same builder
as the job the pages request (exports.registry), for administrators and scripts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db.models import Q

from departments.models import REPORTING_KINDS, Unit, UnitKind
from exports.registry import builder_for
from reports.models import JobKind, ReportJob
from tasks.models import PeriodKind, ReportingPeriod, WorkPlan
from unionplan.params import parse_int


class Command(BaseCommand):
    help = (
        "生成季度推进情况表（全部或某部室牵头的工作）或单位季度报表，写入 Excel 文件。"
        "例：build_workbook --year 2024 --period 3 --unit 坂田街道总工会 --output 坂田.xlsx"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        # Checked in handle(), not by argparse, so that every error is said in Chinese.
        parser.add_argument("--year", help="工作要点年度，如 2024")
        parser.add_argument("--period", help="季度：1–4")
        parser.add_argument("--department", help="部室名称或简称：只含该部室牵头的工作")
        parser.add_argument("--unit", help="街道、行业或社区工会的名称或简称：生成单位季度报表")
        parser.add_argument("--output", help="写入的文件，以 .xlsx 结尾")

    def handle(self, *args: Any, **options: Any) -> None:
        missing = [f"--{name}" for name in ("year", "period", "output") if not options[name]]
        if missing:
            raise CommandError(
                f"缺少 {'、'.join(missing)}：例如 --year 2024 --period 3 --output 表.xlsx"
            )
        if options["department"] and options["unit"]:
            raise CommandError(
                "--department 和 --unit 只能选一个：--department 生成该部室牵头工作的推进情况表，"
                "--unit 生成该单位的单位季度报表。"
            )
        year = _whole_number(options["year"], "--year")
        number = _whole_number(options["period"], "--period")
        output = Path(options["output"])
        if output.suffix.lower() != ".xlsx":
            raise CommandError(f"--output 要以 .xlsx 结尾（收到“{output.name}”）。")
        if not output.parent.is_dir():
            raise CommandError(f"--output 的目录“{output.parent}”不存在，请先建好目录。")
        period = _period(year, number)
        job = ReportJob(period=period, kind=JobKind.QUARTERLY)
        if options["department"]:
            job.department = _unit(options["department"], kinds=[UnitKind.DEPARTMENT], what="部室")
        if options["unit"]:
            job.kind = JobKind.UNIT
            job.unit = _unit(options["unit"], kinds=list(REPORTING_KINDS), what="填报单位")
        content = builder_for(job.kind).build(job)
        output.write_bytes(content)
        self.stdout.write(
            self.style.SUCCESS(f"已生成 {output}（{job.file_name.removesuffix('.xlsx')}，")
            + self.style.SUCCESS(f"{len(content) // 1024} KB）。")
        )


def _whole_number(value: str, option: str) -> int:
    number = parse_int(value, 0, 99999)
    if number is None:
        raise CommandError(f"{option} 要填一个整数（收到“{value}”）。")
    return number


def _period(year: int, number: int) -> ReportingPeriod:
    plan = WorkPlan.objects.filter(year=year).first()
    if plan is None:
        years = "、".join(
            str(y) for y in WorkPlan.objects.order_by("year").values_list("year", flat=True)
        )
        raise CommandError(f"--year：没有 {year} 年的工作要点（已有：{years or '无'}）。")
    period = plan.periods.filter(kind=PeriodKind.QUARTER, number=number).first()
    if period is None:
        numbers = "、".join(
            str(n)
            for n in plan.periods.filter(kind=PeriodKind.QUARTER)
            .order_by("number")
            .values_list("number", flat=True)
        )
        raise CommandError(
            f"--period：{year} 年没有第 {number} 季度的填报周期（可选：{numbers or '无'}）。"
        )
    return period


def _unit(name: str, *, kinds: list[str], what: str) -> Unit:
    name = name.strip()
    units = Unit.objects.filter(kind__in=kinds)
    found = list(units.filter(Q(name=name) | Q(short_name=name))[:2])
    if len(found) == 1:
        return found[0]
    names = "、".join(units.filter(is_active=True).values_list("name", flat=True))
    if found:
        raise CommandError(f"“{name}”对应多个{what}，请写全称（可选：{names}）。")
    raise CommandError(f"没有名为“{name}”的{what}（可选：{names}）。")
