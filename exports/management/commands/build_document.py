"""python manage.py build_document — build a year's summary draft (Word) or a quarter's briefing
(PDF) into a file, with the same builders as the jobs the pages request (exports.registry)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from exports.management.commands.build_workbook import _period, _whole_number
from exports.registry import BUILDERS
from exports.year_summary import year_summary_period
from reports.models import JobKind, ReportJob
from tasks.models import WorkPlan

# --kind as people type it → the job kind, what it needs and what it writes.
KINDS: dict[str, tuple[str, bool, str]] = {
    "year-summary": (JobKind.YEAR_SUMMARY, False, "年度工作总结初稿"),
    "briefing": (JobKind.BRIEFING, True, "季度通报"),
}


class Command(BaseCommand):
    help = (
        "生成年度工作总结初稿（Word）或季度通报（PDF），写入文件。"
        "例：build_document --kind year-summary --year 2024 --output 2024年工作总结初稿.docx；"
        "build_document --kind briefing --year 2024 --period 3 --output 通报.pdf"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        # Checked in handle(), not by argparse, so that every error is said in Chinese.
        parser.add_argument(
            "--kind", help="year-summary（年度工作总结初稿）或 briefing（季度通报）"
        )
        parser.add_argument("--year", help="工作要点年度，如 2024")
        parser.add_argument("--period", help="季度：1–4（季度通报需要）")
        parser.add_argument("--output", help="写入的文件：年度总结以 .docx 结尾，通报以 .pdf 结尾")

    def handle(self, *args: Any, **options: Any) -> None:
        kinds = "、".join(KINDS)
        if not options["kind"]:
            raise CommandError(f"缺少 --kind：可选 {kinds}。")
        if options["kind"] not in KINDS:
            raise CommandError(f"--kind：没有“{options['kind']}”这种文件（可选：{kinds}）。")
        kind, needs_period, label = KINDS[options["kind"]]
        builder = BUILDERS.get(kind)
        if builder is None:
            raise CommandError(f"{label}的生成功能尚未启用。")
        needed = ("year", "period", "output") if needs_period else ("year", "output")
        missing = [f"--{name}" for name in needed if not options[name]]
        if missing:
            example = "--year 2024 --period 3" if needs_period else "--year 2024"
            raise CommandError(
                f"缺少 {'、'.join(missing)}：例如 {example} --output 文件.{builder.extension}"
            )
        output = Path(options["output"])
        if output.suffix.lower() != f".{builder.extension}":
            raise CommandError(f"--output 要以 .{builder.extension} 结尾（收到“{output.name}”）。")
        if not output.parent.is_dir():
            raise CommandError(f"--output 的目录“{output.parent}”不存在，请先建好目录。")
        year = _whole_number(options["year"], "--year")
        if needs_period:
            period = _period(year, _whole_number(options["period"], "--period"))
        else:
            plan = WorkPlan.objects.filter(year=year).first()
            found = year_summary_period(plan) if plan is not None else None
            if found is None:
                years = "、".join(
                    str(y) for y in WorkPlan.objects.order_by("year").values_list("year", flat=True)
                )
                raise CommandError(
                    f"--year：没有 {year} 年的工作要点或其填报周期（已有：{years or '无'}）。"
                )
            period = found
        job = ReportJob(period=period, kind=kind)
        content = builder.build(job)
        output.write_bytes(content)
        name = job.file_name.rsplit(".", 1)[0]
        self.stdout.write(
            self.style.SUCCESS(f"已生成 {output}（{name}，{max(1, len(content) // 1024)} KB）。")
        )
