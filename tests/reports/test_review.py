"""Review at volume (filters, batch approval, the per-report view, notifications) and the report
page's history limited to what its reader may see."""

from __future__ import annotations

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from departments.models import Role, Unit
from departments.services import user_create
from history.recording import Source, recording
from notifications.models import Notification
from reports.models import EntryState, ReportEntry, UnitReport
from reports.services import (
    EntryInput,
    attachment_add,
    entries_approve,
    entry_review,
    entry_save,
    report_open,
    report_submit,
)
from tasks.models import KeyTask, TaskParticipant
from tests.conftest import ROLES, World, png
from unionplan.demo import DEMO_PASSWORD

PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def led_entries(world: World, report: UnitReport, role: str = "staff_lead") -> list[ReportEntry]:
    """The report's entries on tasks the role's department leads, by task number."""
    unit_id = world.user(role).unit_id
    return list(
        report.entries.filter(task__leads__unit_id=unit_id)
        .select_related("task", "report__unit")
        .order_by("task__number")
    )


def ids_in(html: str) -> set[int]:
    return {int(m) for m in re.findall(r'data-testid="review-entry" data-entry="(\d+)"', html)}


# --- services -------------------------------------------------------------------------------


def test_batch_approval_reports_a_conflict_by_name_and_approves_the_others(world):
    report = world.report(submit=True)
    first, second, third = led_entries(world, report)[:3]
    staff = world.user("staff_lead")
    # Another reviewer approved the second entry in the meantime: its version moved on.
    entry_review(entry=second, user=staff, approve=True, expected_version=second.version)
    result = entries_approve(
        items=[(first, first.version), (second, second.version), (third, third.version)],
        user=staff,
    )
    assert [e.pk for e in result.approved] == [first.pk, third.pk]
    assert [(e.pk, "已通过" in reason) for e, reason in result.failed] == [(second.pk, True)]
    states = dict(ReportEntry.objects.filter(report=report).values_list("pk", "state"))
    assert states[first.pk] == states[third.pk] == EntryState.APPROVED


def test_batch_approval_refuses_entries_the_user_does_not_review(world):
    report = world.report(submit=True)
    entry = world.entry(report)  # task 10, led by 权益部, not by 组建部
    result = entries_approve(items=[(entry, entry.version)], user=world.user("staff_other"))
    assert result.approved == [] and len(result.failed) == 1
    entry.refresh_from_db()
    assert entry.state == EntryState.SUBMITTED


def test_submission_notifies_each_department_of_its_own_entries_with_a_filtered_link(world):
    report = world.report(submit=True)
    for role in ("staff_lead", "staff_other"):
        count = len(led_entries(world, report, role))
        note = Notification.objects.filter(user=world.user(role)).latest("pk")
        assert note.title == f"坂田街道总工会提交了第四季度报表，其中 {count} 个条目由本部室审核"
        assert note.url == f"/reviews/?report={report.pk}"
        response = world.client(role).get(note.url)
        assert ids_in(response.content.decode()) == {e.pk for e in led_entries(world, report, role)}


# --- the review list ------------------------------------------------------------------------


def test_review_list_filters_by_unit_period_task_state_and_lateness(world):
    report = world.report(submit=True)  # 坂田, Q4
    report.refresh_from_db()
    mine = {e.pk for e in led_entries(world, report)}
    staff = world.client("staff_lead")
    bantian = report.unit_id
    buji = Unit.objects.get(name="布吉街道总工会")  # Q3 submitted 2 days late, pending
    buji_q3 = {
        e.pk
        for e in ReportEntry.objects.filter(
            report__unit=buji,
            report__period=world.period(3),
            task__leads__unit_id=world.user("staff_lead").unit_id,
        )
    }
    assert buji_q3 and mine
    assert ids_in(staff.get(f"/reviews/?unit={bantian}").content.decode()) == mine
    assert ids_in(staff.get(f"/reviews/?unit={buji.pk}").content.decode()) == buji_q3
    q4 = world.period(4).pk
    assert ids_in(staff.get(f"/reviews/?period={q4}").content.decode()) == mine
    html = staff.get(f"/reviews/?task={world.task.pk}&unit={bantian}").content.decode()
    assert ids_in(html) == {world.entry(report).pk}
    late = ids_in(staff.get("/reviews/?late=1").content.decode())
    assert late == buji_q3 | (mine if report.is_late else set())
    # 待审核 is the default; 已通过 shows the demo's reviewed quarters, never a submitted entry.
    approved = ids_in(staff.get("/reviews/?state=approved").content.decode())
    assert approved and not (approved & mine)
    returned = ids_in(staff.get("/reviews/?state=returned&unit=" + str(buji.pk)).content.decode())
    assert returned == set()
    html = staff.get(f"/reviews/?state=all&unit={bantian}&period={q4}").content.decode()
    assert ids_in(html) == mine and 'data-testid="review-filters"' in html
    assert "填报单位" in html and "仅逾期提交" in html


@pytest.mark.parametrize(
    "query",
    [
        "unit=abc",
        "unit=%C2%B2",  # "²": a Unicode digit int() refuses
        "period=-1&task=1.5",
        "state=nonsense&late=maybe",
        "page=zz",
        "page=99999",
        "report=0&unit=" + "9" * 40,
        "unit=99999999",
    ],
)
def test_review_list_answers_odd_parameters_without_an_error(world, query):
    response = world.client("staff_lead").get(f"/reviews/?{query}")
    assert response.status_code == 200


def test_review_list_shows_an_empty_state_for_filters_matching_nothing(world):
    html = world.client("staff_lead").get("/reviews/?unit=99999999").content.decode()
    assert 'data-testid="review-empty"' in html and "没有符合筛选条件的条目" in html
    assert ids_in(html) == set()


def test_review_list_never_shows_entries_of_tasks_other_departments_lead(world):
    report = world.report(submit=True)
    html = world.client("staff_other").get(f"/reviews/?state=all&unit={report.unit_id}")
    assert world.entry(report).pk not in ids_in(html.content.decode())


def test_review_list_paginates_and_keeps_the_filters_in_the_links(world):
    admin = world.client("admin")
    html = admin.get("/reviews/?state=all&late=").content.decode()
    assert len(ids_in(html)) == 30
    link = re.search(r'href="([^"]*)" data-testid="next-page"', html).group(1)
    assert "state=all" in link and "page=2" in link
    second = admin.get("/reviews/" + link.replace("&amp;", "&")).content.decode()
    assert ids_in(second) and not (ids_in(second) & ids_in(html))


def test_batch_approval_through_the_form_names_the_conflict_and_approves_the_rest(world):
    report = world.report(submit=True)
    first, second, third = led_entries(world, report)[:3]
    staff = world.client("staff_lead")
    response = staff.post(
        "/reviews/batch/",
        {
            "entries": [
                f"{first.pk}:{first.version}",
                f"{second.pk}:{second.version - 1}",  # seen before a change: stale
                f"{third.pk}:{third.version}",
                "garbage",
            ],
            "next": f"/reviews/?unit={report.unit_id}",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/reviews/?unit={report.unit_id}"
    html = response.content.decode()
    assert "已通过 2 条；1 条未通过：" in html
    assert f"坂田街道总工会第 {second.task.number} 项" in html
    states = dict(ReportEntry.objects.filter(report=report).values_list("pk", "state"))
    assert states[first.pk] == states[third.pk] == EntryState.APPROVED
    assert states[second.pk] == EntryState.SUBMITTED


def test_batch_approval_form_is_refused_to_reporters_and_goes_nowhere_else(world):
    report = world.report(submit=True)
    entry = world.entry(report)
    response = world.client("reporter").post("/reviews/batch/", {"entries": f"{entry.pk}:3"})
    assert response.status_code == 403
    response = world.client("staff_lead").post(
        "/reviews/batch/", {"entries": f"{entry.pk}:{entry.version}", "next": "https://evil.test/"}
    )
    assert response["Location"] == "/reviews/"


def test_review_list_page_has_tick_boxes_select_all_and_no_inline_script(world):
    world.report(submit=True)
    html = world.client("staff_lead").get("/reviews/").content.decode()
    assert 'data-testid="select-all"' in html and 'form="batch-form"' in html
    assert "批量通过" in html and "/static/js/review.js" in html
    assert "onclick=" not in html and "onsubmit=" not in html and "onchange=" not in html


# --- the per-report view --------------------------------------------------------------------


def test_per_report_view_shows_only_led_entries_with_thumbnails_and_not_applicable(world):
    reporter = world.user("reporter")
    report = world.report(period=4)
    entries = led_entries(world, report)
    image = attachment_add(entry=entries[0], user=reporter, upload=png("驻点照片.png"))
    pdf = attachment_add(
        entry=entries[0],
        user=reporter,
        upload=SimpleUploadedFile("驻点名单.pdf", PDF, content_type="application/pdf"),
    )
    with recording(actor=reporter, source=Source.WEB, verb="暂存"):
        entry = ReportEntry.objects.get(pk=entries[1].pk)
        entry.not_applicable = True
        entry.not_applicable_reason = "本季度辖区无相关需求"
        entry.save()
    report_submit(report=report, user=reporter)
    response = world.client("staff_lead").get(f"/reviews/reports/{report.pk}/")
    html = response.content.decode()
    assert response.status_code == 200
    assert ids_in(html) == {e.pk for e in entries}
    assert f'<img src="/reports/attachments/{image.pk}/"' in html
    assert f'href="/reports/attachments/{pdf.pk}/"' in html and "bi-file-earmark-pdf" in html
    assert "驻点名单.pdf" in html
    assert "本期不涉及</strong>：本季度辖区无相关需求" in html and "不计入指标" in html
    other = world.client("staff_other").get(f"/reviews/reports/{report.pk}/").content.decode()
    assert not (ids_in(other) & {e.pk for e in entries})
    admin = world.client("admin").get(f"/reviews/reports/{report.pk}/").content.decode()
    assert len(ids_in(admin)) == report.entries.count()


def test_single_review_from_the_per_report_view_returns_to_it(world):
    report = world.report(submit=True)
    entry = world.entry(report)
    url = f"/reviews/reports/{report.pk}/"
    response = world.client("staff_lead").post(
        f"/reports/entries/{entry.pk}/review/",
        {"decision": "approve", "version": entry.version, "next": url},
    )
    assert response.status_code == 302 and response["Location"] == url


def test_review_list_links_each_report_to_its_per_report_view(world):
    report = world.report(submit=True)
    html = world.client("staff_lead").get("/reviews/").content.decode()
    assert f'href="/reviews/reports/{report.pk}/" data-testid="review-report-link"' in html


# --- API --------------------------------------------------------------------------------------


def test_api_batch_approve_returns_a_result_per_item(world):
    report = world.report(submit=True)
    first, second = led_entries(world, report)[:2]
    other_dept = report.entries.exclude(task__leads__unit_id=world.user("staff_lead").unit_id)[0]
    response = world.client("staff_lead").post(
        "/api/v1/entries/batch-approve/",
        [
            {"id": first.pk, "version": first.version},
            {"id": second.pk, "version": second.version + 5},
            {"id": other_dept.pk, "version": other_dept.version},
        ],
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["approved"], body["failed"]) == (1, 2)
    results = {r["id"]: r for r in body["results"]}
    assert results[first.pk]["ok"] and results[first.pk]["state"] == "approved"
    assert not results[second.pk]["ok"] and "坂田街道总工会" in results[second.pk]["message"]
    assert not results[other_dept.pk]["ok"]
    other_dept.refresh_from_db()
    assert other_dept.state == EntryState.SUBMITTED


def test_api_batch_approve_validates_its_input(world):
    client = world.client("staff_lead")
    for body in ([{"id": "x", "version": 1}], {"items": "no"}, [{}]):
        response = client.post(
            "/api/v1/entries/batch-approve/", body, content_type="application/json"
        )
        assert response.status_code == 400, body
    assert (
        world.client("leader")
        .post("/api/v1/entries/batch-approve/", [], content_type="application/json")
        .status_code
        == 403
    )


def test_api_schema_documents_batch_approve(world):
    schema = world.client("admin").get("/api/schema/", HTTP_ACCEPT="application/json")
    assert "/api/v1/entries/batch-approve/" in schema.content.decode()


# --- query counts ---------------------------------------------------------------------------


def _unit_report(
    world: World, n: int, tasks: list[KeyTask], *, evidence: bool = True
) -> UnitReport:
    """A new unit taking part in ``tasks`` whose Q4 report is filled in and submitted."""
    unit = Unit.objects.create(name=f"测试{n}街道总工会", kind="street", sort_order=900 + n)
    TaskParticipant.objects.bulk_create(TaskParticipant(task=t, unit=unit) for t in tasks)
    reporter = user_create(
        username=f"test-reporter-{n}", password=DEMO_PASSWORD, role=Role.REPORTER, unit=unit
    )
    report = report_open(unit=unit, period=world.period(4), user=reporter)
    entries = list(report.entries.all())
    for entry in entries:
        entry_save(
            entry=entry,
            user=reporter,
            expected_version=entry.version,
            data=EntryInput(narrative=f"测试{n}：已开展。"),
        )
    if evidence:
        attachment_add(entry=entries[0], user=reporter, upload=png())
        attachment_add(
            entry=entries[-1],
            user=reporter,
            upload=SimpleUploadedFile("名单.pdf", PDF, content_type="application/pdf"),
        )
    return report_submit(report=report, user=reporter)


def _count(client, url: str) -> int:  # noqa: ANN001
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_review_list_runs_the_same_queries_when_entries_and_units_grow_tenfold(world):
    led = list(KeyTask.objects.filter(leads__unit_id=world.user("staff_lead").unit_id))
    _unit_report(world, 0, led)
    staff = world.client("staff_lead")
    url = f"/reviews/?period={world.period(4).pk}"
    staff.get(url)  # warm the session and content types
    few = _count(staff, url)
    assert len(ids_in(staff.get(url).content.decode())) == len(led)
    for n in range(1, 10):
        _unit_report(world, n, led)
    html = staff.get(url).content.decode()
    assert len(ids_in(html)) == 30 and html.count('data-testid="review-group"') >= 3
    assert _count(staff, url) == few
    assert _count(staff, url + "&page=2") == few


def test_per_report_view_runs_the_same_queries_for_two_entries_or_thirty(world):
    admin = world.client("admin")
    small = _unit_report(world, 0, list(KeyTask.objects.filter(plan=world.plan)[:2]))
    big = _unit_report(world, 1, list(KeyTask.objects.filter(plan=world.plan)[:30]))
    admin.get(f"/reviews/reports/{small.pk}/")
    few = _count(admin, f"/reviews/reports/{small.pk}/")
    many = _count(admin, f"/reviews/reports/{big.pk}/")
    assert len(ids_in(admin.get(f"/reviews/reports/{big.pk}/").content.decode())) == 30
    assert many == few


# --- the report page's history (报表留痕), one case per role --------------------------------

DRAFT = "草稿一：尚未核实的数字"
SUBMITTED_A = "提交稿A：律师驻点新增2个"
FIXED_A = "修改后A：律师驻点新增2个，附名单"
SUBMITTED_B = "提交稿B：新建工会3家"
FIXED_B = "修改后B：新建工会3家，附批复"
NARRATIVES = (DRAFT, SUBMITTED_A, FIXED_A, SUBMITTED_B, FIXED_B)


def _timeline(html: str) -> str:
    start = html.rfind("报表留痕")
    return html[start:] if start >= 0 else ""


@pytest.fixture
def history_report(world: World) -> UnitReport:
    """坂田's Q4: task 10 (权益部) and a 组建部 task drafted, submitted, returned, fixed and
    resubmitted."""
    reporter = world.user("reporter")
    report = world.report(period=4, fill=False)
    entry_a = world.entry(report)
    zjb = world.user("staff_other").unit_id
    entry_b = report.entries.filter(task__leads__unit_id=zjb).exclude(
        task__leads__unit_id=world.user("staff_lead").unit_id
    )[0]

    def save(entry: ReportEntry, text: str) -> ReportEntry:
        entry = ReportEntry.objects.get(pk=entry.pk)
        return entry_save(
            entry=entry, user=reporter, expected_version=entry.version, data=EntryInput(text)
        )

    save(entry_a, DRAFT)
    save(entry_a, SUBMITTED_A)
    save(entry_b, SUBMITTED_B)
    # The other entries' text is not what this test reads: filled without history.
    report.entries.exclude(pk__in=[entry_a.pk, entry_b.pk]).update(narrative="已开展。")
    report_submit(report=report, user=reporter)
    for entry, role in ((entry_a, "staff_lead"), (entry_b, "staff_other")):
        entry = ReportEntry.objects.get(pk=entry.pk)
        entry_review(
            entry=entry,
            user=world.user(role),
            approve=False,
            reason="请补充附件",
            expected_version=entry.version,
        )
    save(entry_a, FIXED_A)
    save(entry_b, FIXED_B)
    report_submit(report=report, user=reporter)
    return report


HISTORY_SEEN = {
    "anonymous": None,  # redirected to the login page
    "reporter_other": None,  # 404
    "reporter": set(NARRATIVES),
    "staff_other": {SUBMITTED_B, FIXED_B},
    "staff_lead": {SUBMITTED_A, FIXED_A},
    "leader": {SUBMITTED_A, FIXED_A, SUBMITTED_B, FIXED_B},
    "admin": set(NARRATIVES),
}


@pytest.mark.parametrize("role", ROLES)
def test_report_history_shows_each_role_only_what_it_may_see(world, history_report, role):
    response = world.client(role).get(f"/reports/{history_report.pk}/")
    expected = HISTORY_SEEN[role]
    if expected is None:
        assert response.status_code in (302, 404)
        assert not any(n in response.content.decode() for n in NARRATIVES)
        return
    assert response.status_code == 200
    timeline = _timeline(response.content.decode())
    assert 'data-testid="timeline"' in timeline
    seen = {n for n in NARRATIVES if n in timeline}
    assert seen == expected, role


def test_leaders_see_no_history_of_a_report_not_yet_submitted(world):
    report = world.report(period=4)  # filled in, not submitted
    html = world.client("leader").get(f"/reports/{report.pk}/").content.decode()
    timeline = _timeline(html)
    assert "暂无记录" in timeline and "坂田第" not in timeline
    own = _timeline(world.client("reporter").get(f"/reports/{report.pk}/").content.decode())
    assert "坂田第10项工作已开展。" in own


def test_staff_see_the_submission_record_but_not_the_report_being_opened(world):
    report = world.report(submit=True)
    timeline = _timeline(world.client("staff_lead").get(f"/reports/{report.pk}/").content.decode())
    assert "首次提交时间" in timeline
    assert "新建" not in timeline  # the unit opening its report and its entries is a draft
