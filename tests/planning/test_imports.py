"""The web import: upload → preview with warnings → corrections → confirm; nothing saved before."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from history.models import Action
from planning.services.imports import (
    Corrections,
    ImportDraft,
    IndicatorCorrection,
    TaskCorrection,
    import_draft_from_token,
    import_draft_token,
    import_preview,
    import_save,
)
from tasks.models import KeyTask, PlanStatus, ProgressUpdate, Section, WorkPlan
from tasks.plan_text import parse_plan_text

pytestmark = pytest.mark.django_db

SMALL_PLAN = """示例区总工会2031年工作要点（测试样例）
一、夯实基层基础
1.开展基层工会规范化建设，建成规范化工会不少于 20 家。（牵头部室：组建部，参与单位：各街道总工会）
2.举办职工技能竞赛，全年不少于 5 场。（牵头部室：不存在部，参与单位：区总各部室）
"""


def upload(text: str, name: str = "计划.txt") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/plain")


def token_of(html: str) -> str:
    match = re.search(r'name="token" value="([^"]+)"', html)
    assert match, "the preview carries its token"
    return match.group(1)


def counts() -> tuple[int, int, int]:
    return WorkPlan.objects.count(), Section.objects.count(), KeyTask.objects.count()


def test_upload_shows_a_preview_and_saves_nothing(world):
    before = counts()
    response = world.client("admin").post(
        "/plans/import/", {"year": "2031", "document": upload(SMALL_PLAN)}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "导入预览" in html and "2 项重点工作" in html
    # The unknown department is named, and the task's lead is left to choose.
    assert "牵头部室“不存在部”不是系统中的部室" in html
    assert "1 项牵头部室待定" in html
    assert counts() == before
    assert not Action.objects.filter(summary__contains="2031").exists()


def test_confirm_saves_corrections_in_one_import(world):
    client = world.client("admin")
    html = client.post("/plans/import/", {"year": "2031", "document": upload(SMALL_PLAN)})
    token = token_of(html.content.decode())
    qyb = world.user("staff_lead").unit  # 权益部
    response = client.post(
        "/plans/import/confirm/",
        {
            "token": token,
            "action": "save",
            "status": "draft",
            "t-1-title": "规范化建设",
            "t-1-leads": [],  # left empty: the section's lead applies
            "i-1-0-keep": "1",
            "i-1-0-kind": "count",
            "i-1-0-target": "25",
            "t-2-title": "职工技能竞赛",
            "t-2-leads": [str(qyb.pk)],
            "s-1-lead": str(world.user("staff_other").unit.pk),  # 组建部
        },
    )
    assert response.status_code == 302 and response["Location"] == "/plans/2031/"
    plan = WorkPlan.objects.get(year=2031)
    assert plan.status == PlanStatus.DRAFT
    first, second = plan.tasks.order_by("number")
    assert first.title == "规范化建设"
    assert [lead.unit.name for lead in first.leads.all()] == ["组建部"]
    assert first.indicators.get().target == 25
    assert [lead.unit.name for lead in second.leads.all()] == ["权益部"]
    # The unticked suggestion of task 2 is not kept.
    assert not second.indicators.exists()
    action = Action.objects.get(summary="2031年工作要点")
    assert action.verb == "导入" and action.actor == world.user("admin")


def test_bad_corrections_are_refused_field_by_field_and_keep_the_typing(world):
    client = world.client("admin")
    token = token_of(
        client.post(
            "/plans/import/", {"year": "2031", "document": upload(SMALL_PLAN)}
        ).content.decode()
    )
    before = counts()
    response = client.post(
        "/plans/import/confirm/",
        {
            "token": token,
            "action": "save",
            "t-1-title": "",
            "i-1-0-keep": "1",
            "i-1-0-kind": "rate",
            "i-1-0-target": "150",
            "t-2-title": "我打的标题",
            "i-2-0-keep": "1",
            "i-2-0-target": "五场",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "标题不能为空" in html
    assert "比率型指标的目标值不能超过 100" in html
    assert "目标值应为数字" in html
    assert 'value="我打的标题"' in html and 'value="五场"' in html and 'value="150"' in html
    assert counts() == before


def test_reimporting_a_year_lists_what_changes_before_saving(world, plan_text):
    client = world.client("admin")
    changed = plan_text.replace(
        "1.坚持以党的创新理论武装职工。", "1.坚持以党的创新理论武装广大职工。", 1
    )
    assert changed != plan_text
    response = client.post("/plans/import/", {"year": "2024", "document": upload(changed)})
    html = response.content.decode()
    assert response.status_code == 200
    assert "2024 年已有工作要点" in html
    assert "修改 1 处" in html and "第 1 项" in html
    assert "删除 0 处" in html


def test_an_import_never_removes_a_task_with_progress(world, plan_text):
    assert ProgressUpdate.objects.filter(task__plan=world.plan, task__number=30).exists()
    # The demo plan without its last task.
    without_last = plan_text[: plan_text.rindex("\n30.")]
    draft = ImportDraft(parsed=parse_plan_text(without_last), year=2024, name="少一项.txt")
    preview = import_preview(draft=draft)
    assert not preview.can_save
    assert "第 30 项" in preview.refusal and "不会删除" in preview.refusal
    assert world.plan.tasks.filter(number=30).exists()


def test_a_forged_or_broken_token_is_refused(world):
    response = world.client("admin").post(
        "/plans/import/confirm/", {"token": "x" * 40, "action": "save"}
    )
    assert response.status_code == 400
    assert "预览数据无效或已损坏" in response.content.decode()


def test_token_round_trip_keeps_the_parsed_plan(plan_text):
    draft = ImportDraft(parsed=parse_plan_text(plan_text), year=2030, name="x.txt")
    assert import_draft_from_token(import_draft_token(draft)) == draft


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("", "年度应为四位数字"),
        ("２０３１", "年度应为四位数字"),
        ("1999", "年度应在"),
        ("²０²４", "年度"),
    ],
)
def test_a_bad_year_is_named(world, year, message):
    response = world.client("admin").post(
        "/plans/import/", {"year": year, "document": upload(SMALL_PLAN)}
    )
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_missing_or_unreadable_file_is_refused_with_its_name(world):
    client = world.client("admin")
    response = client.post("/plans/import/", {"year": "2031"})
    assert response.status_code == 400 and "请选择工作要点文件" in response.content.decode()
    response = client.post(
        "/plans/import/", {"year": "2031", "document": upload("只有一行字", name="空.txt")}
    )
    assert response.status_code == 400
    assert "空.txt" in response.content.decode()


def test_only_administrators_import(world):
    for role in ("leader", "staff_lead", "reporter"):
        response = world.client(role).post(
            "/plans/import/", {"year": "2031", "document": upload(SMALL_PLAN)}
        )
        assert response.status_code == 403
    assert not WorkPlan.objects.filter(year=2031).exists()


def test_service_save_applies_section_lead_only_to_unled_tasks(world):
    draft = ImportDraft(parsed=parse_plan_text(SMALL_PLAN), year=2032, name="x.txt")
    zjb = world.user("staff_other").unit
    qyb = world.user("staff_lead").unit
    corrections = Corrections(
        tasks={
            2: TaskCorrection(
                title="职工技能竞赛",
                lead_ids=(qyb.pk,),
                indicators=(IndicatorCorrection(keep=True, kind="count", target="6"),),
            )
        },
        section_leads={1: qyb.pk},
    )
    preview = import_save(
        draft=draft, corrections=corrections, status="active", actor=world.user("admin")
    )
    assert preview.can_save, preview.errors or preview.refusal
    plan = WorkPlan.objects.get(year=2032)
    assert plan.status == PlanStatus.ACTIVE
    leads = {t.number: [lead.unit_id for lead in t.leads.all()] for t in plan.tasks.all()}
    # Task 1 named 组建部 itself; task 2 was corrected; the section's lead fills nothing.
    assert leads == {1: [zjb.pk], 2: [qyb.pk]}
    assert plan.tasks.get(number=2).indicators.get().target == 6


def test_a_title_naming_another_year_is_pointed_out(world):
    draft = ImportDraft(parsed=parse_plan_text(SMALL_PLAN), year=2033, name="x.txt")
    preview = import_preview(draft=draft)
    assert any("文件标题写的是 2031 年" in w and "2033 年" in w for w in preview.warnings)


def test_hostile_uploads_are_refused_whole_with_the_file_named(world):
    from tests.planning.documents import billion_laughs_docx, zip_bomb

    client = world.client("admin")
    before = counts()
    cases = [
        (SimpleUploadedFile("大文件.txt", b"x" * (10 * 1024 * 1024 + 1)), "超过 10 MB"),
        (SimpleUploadedFile("炸弹.docx", zip_bomb("炸弹.docx")), "压缩炸弹"),
        (SimpleUploadedFile("实体.docx", billion_laughs_docx()), "XML 实体"),
        (SimpleUploadedFile("旧格式.doc", b"\xd0\xcf\x11\xe0"), ".docx"),
    ]
    for document, reason in cases:
        response = client.post("/plans/import/", {"year": "2031", "document": document})
        html = response.content.decode()
        assert response.status_code == 400, document.name
        assert document.name in html and reason in html, (document.name, reason)
    assert counts() == before
