"""python manage.py import_plan PATH --year 2024 [--dry-run] [--status draft]

Reads a plan document (.docx, .pdf, .txt or the .xlsx import template), prints what was found
and imports it; nothing is saved when anything is refused.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from planning.documents import PlanDocumentError, parse_plan_document
from tasks.models import PlanStatus
from tasks.plan_text import SHAPE_NAMES, ParsedPlan
from tasks.services import PlanImportError, plan_import

_FAILED = "导入失败，未保存任何内容。"


def describe(parsed: ParsedPlan, *, format: str) -> list[str]:
    """What the importer found, as lines for a person to check."""
    lines = [
        f"格式：{format}；版式：{SHAPE_NAMES.get(parsed.shape, parsed.shape)}",
        f"标题：{parsed.title}",
        f"工作思路：“{parsed.framework}”；说明段落 {len(parsed.paragraphs)} 段",
        f"板块 {len(parsed.sections)} 个，重点工作 {len(parsed.tasks)} 项，"
        f"量化指标 {sum(len(t.indicators) for t in parsed.tasks)} 个",
    ]
    for section in parsed.sections:
        lines.append(f"{section.numeral}、{section.title}")
        for task in section.tasks:
            lines.append(
                f"  {task.number}. {task.title}  牵头：{'、'.join(task.lead_names) or '待定'}  "
                f"参与：{task.participants_text or '无'}"
            )
            for ind in task.indicators:
                symbol = {"gte": "≥ ", "lte": "≤ ", "eq": ""}.get(ind.comparator, "")
                share = f"（每街道 {ind.per_unit_target}）" if ind.per_unit_target else ""
                target = "完成" if ind.kind == "milestone" else f"{symbol}{ind.target} {ind.unit}"
                lines.append(f"      · {ind.name}：{target}{share}")
    lines.extend(f"请注意：{warning}" for warning in parsed.warnings)
    return lines


class Command(BaseCommand):
    help = (
        "导入年度工作要点（.docx、.pdf、.txt 或 .xlsx 导入模板）：板块、重点工作、牵头部室、"
        "参与单位和量化指标。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="工作要点文件路径（.docx、.pdf、.txt 或 .xlsx 导入模板）")
        parser.add_argument("--year", type=int, required=True, help="年度，如 2024")
        parser.add_argument("--dry-run", action="store_true", help="只显示识别结果，不保存任何内容")
        parser.add_argument(
            "--status",
            choices=PlanStatus.values,
            default=PlanStatus.ACTIVE,
            help="新建工作要点的状态（已有的保持不变），默认 active",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        file = Path(options["path"])
        if not file.is_file():
            raise CommandError(f"找不到文件：{options['path']}")
        try:
            parsed = parse_plan_document(name=file.name, data=file.read_bytes())
            result = plan_import(
                year=options["year"],
                parsed=parsed,
                dry_run=options["dry_run"],
                status=options["status"],
            )
        except (PlanDocumentError, PlanImportError) as exc:
            raise CommandError(f"{_FAILED}{exc}") from exc
        if options["verbosity"] > 0:
            for line in describe(parsed, format=file.suffix.lower().lstrip(".")):
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
