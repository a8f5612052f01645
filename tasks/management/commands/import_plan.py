"""python manage.py import_plan PATH --year 2024 [--dry-run]"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from tasks.models import PlanStatus
from tasks.services import PlanImportError, PlanImportResult, plan_import


def read_plan_file(path: str) -> str:
    """Read a plan text file (UTF-8, with or without BOM; GB18030 as exported by Chinese Word)."""
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"找不到文件：{path}")
    raw = file.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise CommandError(f"无法读取文件 {path}：既不是 UTF-8 也不是 GB18030 编码的文本。")


def describe(result: PlanImportResult) -> list[str]:
    """What the importer found, as lines for a person to check."""
    parsed = result.parsed
    lines = [
        f"标题：{parsed.title}",
        f"工作思路：“{parsed.framework}”；说明段落 {len(parsed.paragraphs)} 段",
        f"板块 {len(parsed.sections)} 个，重点工作 {len(parsed.tasks)} 项，"
        f"量化指标 {sum(len(t.indicators) for t in parsed.tasks)} 个",
    ]
    for section in parsed.sections:
        lines.append(f"{section.numeral}、{section.title}")
        for task in section.tasks:
            lines.append(
                f"  {task.number}. {task.title}  牵头：{'、'.join(task.lead_names)}  "
                f"参与：{task.participants_text}"
            )
            for ind in task.indicators:
                symbol = {"gte": "≥ ", "lte": "≤ ", "eq": ""}[ind.comparator]
                share = f"（每街道 {ind.per_unit_target}）" if ind.per_unit_target else ""
                lines.append(f"      · {ind.name}：{symbol}{ind.target} {ind.unit}{share}")
    return lines


class Command(BaseCommand):
    help = "导入年度工作要点原文（文本）：板块、重点工作、牵头部室、参与单位和量化指标。"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="工作要点原文（.txt）路径")
        parser.add_argument("--year", type=int, required=True, help="年度，如 2024")
        parser.add_argument("--dry-run", action="store_true", help="只显示识别结果，不保存任何内容")
        parser.add_argument(
            "--status",
            choices=PlanStatus.values,
            default=PlanStatus.ACTIVE,
            help="新建工作要点的状态（已有的保持不变），默认 active",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        text = read_plan_file(options["path"])
        try:
            result = plan_import(
                text=text,
                year=options["year"],
                dry_run=options["dry_run"],
                status=options["status"],
            )
        except PlanImportError as exc:
            raise CommandError(f"导入失败，未保存任何内容。{exc}") from exc
        verbose = options["dry_run"] or options["verbosity"] > 1
        if verbose:
            for line in describe(result):
                self.stdout.write(line)

        def fmt(counts: dict[str, int]) -> str:
            return "，".join(f"{k} {v}" for k, v in sorted(counts.items())) or "无"

        prefix = "试运行（未保存）" if result.dry_run else "已导入"
        self.stdout.write(
            self.style.SUCCESS(
                f"{prefix} {options['year']} 年工作要点：新建 {fmt(result.created)}；"
                f"更新 {fmt(result.updated)}；删除 {fmt(result.removed)}。"
            )
        )
