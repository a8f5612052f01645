"""The import_plan, export_plan and seed_demo commands as an administrator runs them."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from departments.models import Unit, User
from reports.models import ReportingPeriod
from tasks.models import Indicator, KeyTask, TaskParticipant, WorkPlan
from unionplan.demo import REFERENCE_PLAN


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_import_plan_dry_run_prints_what_it_found_and_saves_nothing(world):
    out = run("import_plan", str(REFERENCE_PLAN), "--year", "2033", "--dry-run")
    assert "板块 5 个，重点工作 30 项" in out
    assert "10. 扩大工会法律服务覆盖面" in out and "律师驻点：≥ 22 个" in out
    assert "试运行（未保存）" in out
    assert not WorkPlan.objects.filter(year=2033).exists()


def test_import_plan_saves_the_plan(world):
    out = run("import_plan", str(REFERENCE_PLAN), "--year", "2033")
    assert "已导入 2033 年工作要点" in out
    assert KeyTask.objects.filter(plan__year=2033).count() == 30


def test_import_plan_refuses_an_unreadable_document_naming_the_line(world, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text(
        "某某工作要点\n\n一、第一部分\n\n1.某项工作。内容。（牵头部室：办公室，参与单位：各街道总工会）\n\n"
        "这一行不是重点工作\n",
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="第 7 行") as info:
        run("import_plan", str(bad), "--year", "2033")
    assert "未保存任何内容" in str(info.value)
    assert not WorkPlan.objects.filter(year=2033).exists()


def test_import_plan_reads_gb18030_files_too(world, tmp_path, plan_text):
    file = tmp_path / "plan-gbk.txt"
    file.write_bytes(plan_text.encode("gb18030"))
    run("import_plan", str(file), "--year", "2033")
    assert KeyTask.objects.filter(plan__year=2033).count() == 30


def test_import_plan_says_when_the_file_is_missing(world):
    with pytest.raises(CommandError, match="找不到文件"):
        run("import_plan", "/nonexistent/plan.txt", "--year", "2033")


def test_export_plan_prints_sections_tasks_leads_participants_and_targets(world):
    data = json.loads(run("export_plan", "--year", "2024"))
    assert data["framework"] == "123430" and len(data["sections"]) == 5
    tasks = [t for s in data["sections"] for t in s["tasks"]]
    assert [t["number"] for t in tasks] == list(range(1, 31))
    task14 = tasks[13]
    assert task14["leads"] == ["办公室", "宣教部", "权益部"]
    assert "平湖街道总工会" in task14["participants"]
    targets = {i["name"]: (i["comparator"], i["target"], i["unit"]) for i in tasks[9]["indicators"]}
    assert targets["律师驻点"] == ("gte", 22, "个")
    assert targets["法律服务活动"] == ("gte", 100, "场")


def test_export_plan_of_an_unknown_year_says_so(world):
    with pytest.raises(CommandError, match="没有 1999 年的工作要点"):
        run("export_plan", "--year", "1999")


def test_seed_demo_twice_changes_nothing(world):
    def snapshot() -> tuple[int, ...]:
        return tuple(
            model.objects.count()
            for model in (
                Unit,
                User,
                WorkPlan,
                KeyTask,
                Indicator,
                TaskParticipant,
                ReportingPeriod,
            )
        )

    before = snapshot()
    out = run("seed_demo")
    assert snapshot() == before
    assert "已存在，密码未改动" in out


def test_seed_demo_creates_the_four_quarters_with_due_dates_ten_days_after(world):
    periods = list(ReportingPeriod.objects.filter(plan=world.plan).order_by("number"))
    assert [p.name for p in periods] == ["第一季度", "第二季度", "第三季度", "第四季度"]
    assert [p.due_date.isoformat() for p in periods] == [
        "2024-04-10",
        "2024-07-10",
        "2024-10-10",
        "2025-01-10",
    ]


def test_export_plan_keeps_one_layout_for_every_shape(world):
    fixture = Path(__file__).resolve().parents[1] / "fixtures" / "plans" / "inline-shape-plan.txt"
    run("import_plan", str(fixture), "--year", "2030")
    inline = json.loads(run("export_plan", "--year", "2030"))
    numbered = json.loads(run("export_plan", "--year", "2024"))
    assert set(inline) == set(numbered)
    assert set(inline["sections"][0]) == set(numbered["sections"][0])
    inline_task = inline["sections"][1]["tasks"][0]
    numbered_task = numbered["sections"][0]["tasks"][0]
    assert set(inline_task) == set(numbered_task)
    inline_indicator = next(
        i for s in inline["sections"] for t in s["tasks"] for i in t["indicators"]
    )
    numbered_indicator = next(
        i for s in numbered["sections"] for t in s["tasks"] for i in t["indicators"]
    )
    assert set(inline_indicator) == set(numbered_indicator)
    # No leads named in that shape: the export says so with an empty list, not a missing key.
    tasks = [t for s in inline["sections"] for t in s["tasks"]]
    assert [t["number"] for t in tasks] == list(range(1, len(tasks) + 1))
    assert all(t["leads"] == [] and t["participants"] == [] for t in tasks)
    assert any(
        i["name"] == "各级各类创新工作室" and i["target"] == 120
        for t in tasks
        for i in t["indicators"]
    )
