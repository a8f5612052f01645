"""The permission matrix: every route × every role, built from the URL resolver.

A new route without a row here fails ``test_every_route_has_a_row``. Each row gives the status
each role gets; roles are relative to task 10 (see tests/conftest.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tasks.models import CadenceOccurrence, Indicator, IndicatorRule
from tasks.services.rules import indicator_rule_create
from tests.conftest import ROLES, World, png
from unionplan.demo import DEMO_PASSWORD

# Namespaces whose routes are guarded as a whole by their owner (the Django admin checks
# is_staff itself); one representative row stands for each.
WHOLE_NAMESPACES = {"admin"}
# Routes with no name that Django or DRF add (static files in DEBUG, format suffixes).
IGNORED = {"", "api-root"}


def route_names(patterns: list | None = None, namespace: str = "") -> set[str]:
    """Every named route of the project, as ``namespace:name``."""
    names: set[str] = set()
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in WHOLE_NAMESPACES:
                names.add(f"{entry.namespace}:*")
                continue
            inner = ":".join(filter(None, [namespace, entry.namespace or ""]))
            names |= route_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            names.add(f"{namespace}:{entry.name}" if namespace else entry.name)
    return names - IGNORED


ALL_OK = dict.fromkeys(ROLES, 200)


def everyone_signed_in(status: int, anonymous: int) -> dict[str, int]:
    return {**dict.fromkeys(ROLES, status), "anonymous": anonymous}


@dataclass(frozen=True)
class Row:
    path: Callable[[World], str]
    expected: dict[str, int]
    method: str = "get"
    data: Callable[[World], dict] = field(default=lambda w: {})
    json: bool = False


def only(roles: dict[str, int], others: int, anonymous: int) -> dict[str, int]:
    """``roles`` get their status, every other signed-in role ``others``."""
    return {**dict.fromkeys(ROLES, others), "anonymous": anonymous, **roles}


def progress_form(w: World) -> dict:
    # Q4 of the demo has no update yet: version 0 creates it.
    return {
        "period": w.period(4).pk,
        "status": "in_progress",
        "percent": 90,
        "progress": "推进中",
        "problems": "无",
        "version": 0,
    }


def cadence_indicator(w: World) -> Indicator:
    """每季度开展1次 on task 10 (频次型指标)."""
    from tests.factories import IndicatorFactory

    found = w.task.indicators.filter(kind="cadence").first()
    return found or IndicatorFactory(
        task=w.task, name="座谈会", kind="cadence", cadence="quarter", target=1, measure_unit="次"
    )


def occurrence_input(w: World) -> dict:
    return {"indicator": cadence_indicator(w).pk, "done_on": "2024-05-08", "note": "已召开。"}


def occurrence(w: World) -> CadenceOccurrence:
    """An occurrence of task 10's cadence indicator, with a PNG as its evidence."""
    from tasks.services.cadence import cadence_occurrence_record

    return cadence_occurrence_record(
        indicator=cadence_indicator(w),
        user=w.user("admin"),
        done_on=dt.date(2024, 5, 8),
        note="已召开。",
        evidence=png(),
    )


def check_rule(w: World) -> IndicatorRule:
    """A check rule on task 10's first indicator (指标校验规则)."""
    return indicator_rule_create(
        indicator=w.task.indicators.first(), user=w.user("admin"), kind="max", bound="5"
    )


def progress_json(w: World) -> dict:
    return {**progress_form(w), "actuals": []}


API_READ = everyone_signed_in(200, anonymous=401)  # 401 + WWW-Authenticate: Bearer
ADMIN_ONLY_PAGE = only({"admin": 200}, others=403, anonymous=302)
ADMIN_ONLY_POST = only({"admin": 302}, others=403, anonymous=302)
READERS_200 = {"staff_other": 200, "staff_lead": 200, "leader": 200, "admin": 200}
# Task 10's submitted entry of 坂田: its unit, its reviewers, leaders and admins see it.
ENTRY_10_VISIBLE = {
    "anonymous": 302,
    "reporter_other": 404,
    "reporter": 200,
    "staff_other": 404,
    "staff_lead": 200,
    "leader": 200,
    "admin": 200,
}
API_ENTRY_10 = {**ENTRY_10_VISIBLE, "anonymous": 401}
REVIEW_API = {
    "anonymous": 401,
    "reporter_other": 404,
    "reporter": 403,
    "staff_other": 404,
    "staff_lead": 200,
    "leader": 403,
    "admin": 200,
}
MATRIX: dict[str, Row] = {
    "home": Row(lambda w: "/", everyone_signed_in(302, anonymous=302)),
    "tasks:plan_overview": Row(lambda w: "/plans/2024/", everyone_signed_in(200, anonymous=302)),
    "tasks:plan_current": Row(lambda w: "/plans/", everyone_signed_in(302, anonymous=302)),
    "guide": Row(lambda w: "/help/", everyone_signed_in(200, anonymous=302)),
    # Plan administration: administrators only.
    "planning:plan_list": Row(lambda w: "/plans/manage/", ADMIN_ONLY_PAGE),
    "planning:import_upload": Row(lambda w: "/plans/import/", ADMIN_ONLY_PAGE),
    "planning:import_template": Row(lambda w: "/plans/import/template.xlsx", ADMIN_ONLY_PAGE),
    "planning:import_confirm": Row(
        lambda w: "/plans/import/confirm/", {**ADMIN_ONLY_PAGE, "admin": 400}, method="post"
    ),
    # Copying 2024 creates the 2025 draft and redirects to it.
    "planning:plan_copy": Row(
        lambda w: "/plans/2024/copy/", {**ADMIN_ONLY_PAGE, "admin": 302}, method="post"
    ),
    "planning:plan_compare": Row(lambda w: "/plans/compare/", ADMIN_ONLY_PAGE),
    # 编辑工作要点: administrators only; posts answer with a redirect back to the edit page.
    "planning:plan_edit": Row(lambda w: "/plans/2024/edit/", ADMIN_ONLY_PAGE),
    "planning:plan_edit#post": Row(
        lambda w: "/plans/2024/edit/",
        ADMIN_ONLY_POST,
        method="post",
        data=lambda w: {"title": w.plan.title, "framework": w.plan.framework, "paragraphs": ""},
    ),
    "planning:plan_publish": Row(
        lambda w: "/plans/2024/publish/", ADMIN_ONLY_POST, method="post"
    ),  # 2024 is active: refused with a message
    "planning:section_create": Row(lambda w: "/plans/2024/edit/sections/new/", ADMIN_ONLY_PAGE),
    "planning:section_edit": Row(
        lambda w: f"/plans/edit/sections/{w.task.section_id}/", ADMIN_ONLY_PAGE
    ),
    "planning:section_delete": Row(
        lambda w: f"/plans/edit/sections/{w.task.section_id}/delete/", ADMIN_ONLY_PAGE
    ),
    "planning:section_move": Row(
        lambda w: f"/plans/edit/sections/{w.task.section_id}/move/",
        ADMIN_ONLY_POST,
        method="post",
        data=lambda w: {"direction": "down"},
    ),
    "planning:task_create": Row(
        lambda w: f"/plans/edit/sections/{w.task.section_id}/tasks/new/", ADMIN_ONLY_PAGE
    ),
    "planning:task_edit": Row(lambda w: f"/plans/edit/tasks/{w.task.pk}/", ADMIN_ONLY_PAGE),
    "planning:task_delete": Row(
        lambda w: f"/plans/edit/tasks/{w.task.pk}/delete/", ADMIN_ONLY_PAGE
    ),
    "planning:task_delete#post": Row(
        lambda w: f"/plans/edit/tasks/{w.task.pk}/delete/", ADMIN_ONLY_POST, method="post"
    ),  # task 10 has progress updates: refused with a message
    "planning:task_move": Row(
        lambda w: f"/plans/edit/tasks/{w.task.pk}/move/",
        ADMIN_ONLY_POST,
        method="post",
        data=lambda w: {"direction": "up"},
    ),
    "planning:indicator_create": Row(
        lambda w: f"/plans/edit/tasks/{w.task.pk}/indicators/new/", ADMIN_ONLY_PAGE
    ),
    "planning:indicator_edit": Row(
        lambda w: f"/plans/edit/indicators/{w.task.indicators.first().pk}/", ADMIN_ONLY_PAGE
    ),
    "planning:indicator_delete": Row(
        lambda w: f"/plans/edit/indicators/{w.task.indicators.first().pk}/delete/",
        ADMIN_ONLY_PAGE,
    ),
    # 指标校验规则
    "planning:rule_list": Row(lambda w: "/plans/2024/rules/", ADMIN_ONLY_PAGE),
    "planning:rule_create": Row(
        lambda w: f"/plans/edit/indicators/{w.task.indicators.first().pk}/rules/new/",
        ADMIN_ONLY_PAGE,
    ),
    "planning:rule_create#post": Row(
        lambda w: f"/plans/edit/indicators/{w.task.indicators.first().pk}/rules/new/",
        ADMIN_ONLY_POST,
        method="post",
        data=lambda w: {"kind": "max", "bound": "5"},
    ),
    "planning:rule_edit": Row(lambda w: f"/plans/edit/rules/{check_rule(w).pk}/", ADMIN_ONLY_PAGE),
    "planning:rule_delete#post": Row(
        lambda w: f"/plans/edit/rules/{check_rule(w).pk}/delete/", ADMIN_ONLY_POST, method="post"
    ),
    "tasks:task_detail": Row(
        lambda w: f"/tasks/{w.task.pk}/", everyone_signed_in(200, anonymous=302)
    ),
    "login": Row(lambda w: "/accounts/login/", everyone_signed_in(302, anonymous=200)),
    "logout": Row(lambda w: "/accounts/logout/", dict.fromkeys(ROLES, 302), method="post"),
    # The idle warning's 继续使用: any signed-in session may keep itself alive.
    "keepalive": Row(
        lambda w: "/accounts/keepalive/", everyone_signed_in(204, anonymous=401), method="post"
    ),
    # Everyone changes their own password (Django's view; validators on).
    "password_change": Row(lambda w: "/accounts/password/", everyone_signed_in(200, anonymous=302)),
    "password_change#post": Row(
        lambda w: "/accounts/password/",
        everyone_signed_in(302, anonymous=302),
        method="post",
        data=lambda w: {
            "old_password": DEMO_PASSWORD,
            "new_password1": "Longgang-plan-2025!",
            "new_password2": "Longgang-plan-2025!",
        },
    ),
    "password_change_done": Row(
        lambda w: "/accounts/password/done/", everyone_signed_in(200, anonymous=302)
    ),
    "healthz": Row(lambda w: "/healthz", ALL_OK),
    "admin:*": Row(lambda w: "/admin/", {**dict.fromkeys(ROLES, 302), "admin": 200}),
    "plan-list": Row(lambda w: "/api/v1/plans/", API_READ),
    "plan-detail": Row(lambda w: f"/api/v1/plans/{w.plan.pk}/", API_READ),
    "section-list": Row(lambda w: "/api/v1/sections/", API_READ),
    "section-detail": Row(lambda w: f"/api/v1/sections/{w.task.section_id}/", API_READ),
    "task-list": Row(lambda w: "/api/v1/tasks/", API_READ),
    "task-detail": Row(lambda w: f"/api/v1/tasks/{w.task.pk}/", API_READ),
    "indicator-list": Row(lambda w: "/api/v1/indicators/", API_READ),
    "indicator-detail": Row(
        lambda w: f"/api/v1/indicators/{w.task.indicators.first().pk}/", API_READ
    ),
    "unit-list": Row(lambda w: "/api/v1/units/", API_READ),
    "unit-detail": Row(lambda w: f"/api/v1/units/{w.task.leads.first().unit_id}/", API_READ),
    "period-list": Row(lambda w: "/api/v1/periods/", API_READ),
    "period-detail": Row(lambda w: f"/api/v1/periods/{w.plan.periods.first().pk}/", API_READ),
    "tasks:task_list": Row(lambda w: "/tasks/", everyone_signed_in(200, anonymous=302)),
    "tasks:task_progress": Row(
        lambda w: f"/tasks/{w.task.pk}/progress/",
        only({"staff_lead": 302, "admin": 302}, others=403, anonymous=302),
        method="post",
        data=progress_form,
    ),
    "tasks:instruction_create": Row(
        lambda w: f"/tasks/{w.task.pk}/instructions/",
        only({"leader": 302, "admin": 302}, others=403, anonymous=302),
        method="post",
        data=lambda w: {"text": "请加快进度。"},
    ),
    "tasks:instruction_list": Row(
        lambda w: "/instructions/", everyone_signed_in(200, anonymous=302)
    ),
    "tasks:instruction_answer": Row(
        lambda w: f"/instructions/{w.open_instruction().pk}/answer/",
        only({"staff_lead": 302, "admin": 302}, others=403, anonymous=302),
        method="post",
        data=lambda w: {
            f"i{w.task.instructions.first().pk}-answer": "已落实。",
            f"i{w.task.instructions.first().pk}-version": 1,
        },
    ),
    # 追问 and 办结: leaders (and administrators); the service refuses everybody else.
    "tasks:instruction_follow_up": Row(
        lambda w: f"/instructions/{w.open_instruction().pk}/follow-up/",
        only({"leader": 302, "admin": 302}, others=403, anonymous=302),
        method="post",
        data=lambda w: {
            f"f{w.task.instructions.first().pk}-text": "进展如何？",
            f"f{w.task.instructions.first().pk}-version": 1,
        },
    ),
    "tasks:instruction_close": Row(
        lambda w: f"/instructions/{w.open_instruction().pk}/close/",
        only({"leader": 302, "admin": 302}, others=403, anonymous=302),
        method="post",
        data=lambda w: {f"c{w.task.instructions.first().pk}-version": 1},
    ),
    "task-progress": Row(lambda w: f"/api/v1/tasks/{w.task.pk}/progress/", API_READ),
    "task-progress#post": Row(
        lambda w: f"/api/v1/tasks/{w.task.pk}/progress/",
        only({"staff_lead": 201, "admin": 201}, others=403, anonymous=401),
        method="post",
        data=progress_json,
        json=True,
    ),
    "task-timeline": Row(lambda w: f"/api/v1/tasks/{w.task.pk}/timeline/", API_READ),
    "task-participants": Row(lambda w: f"/api/v1/tasks/{w.task.pk}/participants/", API_READ),
    "task-instructions": Row(lambda w: f"/api/v1/tasks/{w.task.pk}/instructions/", API_READ),
    # 频次: the lead department's staff and administrators record and delete occurrences.
    "tasks:occurrence_record": Row(
        lambda w: f"/tasks/{w.task.pk}/occurrences/",
        only({"staff_lead": 302, "admin": 302}, others=403, anonymous=302),
        method="post",
        data=occurrence_input,
    ),
    "tasks:occurrence_delete": Row(
        lambda w: f"/occurrences/{occurrence(w).pk}/delete/",
        only({"staff_lead": 302, "admin": 302}, others=403, anonymous=302),
        method="post",
    ),
    "tasks:occurrence_evidence": Row(
        lambda w: f"/occurrences/{occurrence(w).pk}/evidence/",
        everyone_signed_in(200, anonymous=302),
    ),
    "task-occurrences": Row(lambda w: f"/api/v1/tasks/{w.task.pk}/occurrences/", API_READ),
    "task-occurrences#post": Row(
        lambda w: f"/api/v1/tasks/{w.task.pk}/occurrences/",
        only({"staff_lead": 201, "admin": 201}, others=403, anonymous=401),
        method="post",
        data=occurrence_input,
        json=True,
    ),
    "task-instructions#post": Row(
        lambda w: f"/api/v1/tasks/{w.task.pk}/instructions/",
        only({"leader": 201, "admin": 201}, others=403, anonymous=401),
        method="post",
        data=lambda w: {"text": "请加快进度。"},
        json=True,
    ),
    "instruction-list": Row(lambda w: "/api/v1/instructions/", API_READ),
    "instruction-detail": Row(
        lambda w: f"/api/v1/instructions/{w.open_instruction().pk}/", API_READ
    ),
    "instruction-answer": Row(
        lambda w: f"/api/v1/instructions/{w.open_instruction().pk}/answer/",
        only({"staff_lead": 200, "admin": 200}, others=403, anonymous=401),
        method="post",
        data=lambda w: {"answer": "已落实。", "version": 1},
        json=True,
    ),
    "instruction-follow-up": Row(
        lambda w: f"/api/v1/instructions/{w.open_instruction().pk}/follow-up/",
        only({"leader": 200, "admin": 200}, others=403, anonymous=401),
        method="post",
        data=lambda w: {"text": "进展如何？", "version": 1},
        json=True,
    ),
    "instruction-close": Row(
        lambda w: f"/api/v1/instructions/{w.open_instruction().pk}/close/",
        only({"leader": 200, "admin": 200}, others=403, anonymous=401),
        method="post",
        data=lambda w: {"remark": "已落实，办结。", "version": 1},
        json=True,
    ),
    "progress-update-list": Row(lambda w: "/api/v1/progress-updates/", API_READ),
    "progress-update-detail": Row(
        lambda w: f"/api/v1/progress-updates/{w.task.updates.first().pk}/", API_READ
    ),
    # --- unit reports (roles relative to 坂田's report and its entry for task 10) ---
    "reports:workspace": Row(
        lambda w: "/reports/",
        only({"reporter": 200, "reporter_other": 200}, others=302, anonymous=302),
    ),
    "reports:grid": Row(lambda w: "/reports/grid/", only(READERS_200, others=403, anonymous=302)),
    "reports:remind": Row(
        lambda w: "/reports/remind/",
        only(dict.fromkeys(READERS_200, 302), others=403, anonymous=302),
        method="post",
        data=lambda w: {"period": w.period(4).pk, "unit": w.user("reporter").unit_id},
    ),
    "reports:report_detail": Row(
        lambda w: f"/reports/{w.report(submit=True).pk}/",
        only({"reporter_other": 404}, others=200, anonymous=302),
    ),
    "reports:report_submit": Row(
        lambda w: f"/reports/{w.report(period=3).pk}/submit/",
        only({"reporter": 302, "leader": 403, "admin": 403}, others=404, anonymous=302),
        method="post",
    ),
    "reports:report_check": Row(
        lambda w: f"/reports/{w.report(period=3).pk}/check/",
        only({"reporter": 200, "leader": 403, "admin": 403}, others=404, anonymous=302),
    ),
    "reports:entry_save": Row(
        lambda w: f"/reports/entries/{w.entry(w.report(period=3)).pk}/",
        only({"reporter": 302, "admin": 403}, others=404, anonymous=302),
        method="post",
        data=lambda w: {
            f"e{w.entry(w.report(period=3, fill=False)).pk}-narrative": "修改",
            f"e{w.entry(w.report(period=3, fill=False)).pk}-version": 2,
        },
    ),
    "reports:attachment_upload": Row(
        lambda w: f"/reports/entries/{w.entry(w.report(period=3)).pk}/attachments/",
        only({"reporter": 302, "admin": 403}, others=404, anonymous=302),
        method="post",
        data=lambda w: {"file": png()},
    ),
    "reports:attachment_download": Row(
        lambda w: f"/reports/attachments/{w.submitted_attachment().pk}/",
        ENTRY_10_VISIBLE,
    ),
    "reports:attachment_delete": Row(
        lambda w: f"/reports/attachments/{w.attachment().pk}/delete/",
        only({"reporter": 302, "admin": 403}, others=404, anonymous=302),
        method="post",
    ),
    "reports:entry_review": Row(
        lambda w: f"/reports/entries/{w.entry(w.report(submit=True)).pk}/review/",
        only(
            {"staff_lead": 302, "admin": 302, "leader": 403, "reporter": 403},
            others=404,
            anonymous=302,
        ),
        method="post",
        data=lambda w: {"decision": "approve", "version": 3},
    ),
    "reports:review_list": Row(
        lambda w: "/reviews/",
        only({"staff_lead": 200, "staff_other": 200, "admin": 200}, others=403, anonymous=302),
    ),
    # Batch approval: every reviewer may post; entries they do not review are reported, not
    # approved (staff_other gets 302 with "1 条未通过").
    "reports:review_batch": Row(
        lambda w: "/reviews/batch/",
        only({"staff_lead": 302, "staff_other": 302, "admin": 302}, others=403, anonymous=302),
        method="post",
        data=lambda w: {"entries": [f"{w.entry(w.report(submit=True)).pk}:3"]},
    ),
    "reports:review_report": Row(
        lambda w: f"/reviews/reports/{w.report(submit=True).pk}/",
        only({"staff_lead": 200, "staff_other": 200, "admin": 200}, others=403, anonymous=302),
    ),
    "notifications:list": Row(lambda w: "/notifications/", everyone_signed_in(200, anonymous=302)),
    "notifications:open": Row(
        lambda w: f"/notifications/{w.notification_for('reporter').pk}/open/",
        only({"reporter": 302}, others=404, anonymous=302),
        method="post",
    ),
    "notifications:read_all": Row(
        lambda w: "/notifications/read-all/", dict.fromkeys(ROLES, 302), method="post"
    ),
    "report-list": Row(lambda w: "/api/v1/reports/", API_READ),
    "report-detail": Row(
        lambda w: f"/api/v1/reports/{w.report(submit=True).pk}/",
        only({"reporter_other": 404}, others=200, anonymous=401),
    ),
    "report-open": Row(
        lambda w: "/api/v1/reports/open/",
        only({"reporter": 200, "reporter_other": 200}, others=403, anonymous=401),
        method="post",
        data=lambda w: {"period": w.period(4).pk},
        json=True,
    ),
    "report-submit": Row(
        lambda w: f"/api/v1/reports/{w.report(period=3).pk}/submit/",
        only({"reporter": 200, "leader": 403, "admin": 403}, others=404, anonymous=401),
        method="post",
        json=True,
    ),
    "entry-list": Row(lambda w: "/api/v1/entries/", API_READ),
    "entry-detail": Row(
        lambda w: f"/api/v1/entries/{w.entry(w.report(submit=True)).pk}/", API_ENTRY_10
    ),
    "entry-save": Row(
        lambda w: f"/api/v1/entries/{w.entry(w.report(period=3)).pk}/save/",
        only({"reporter": 200, "admin": 403}, others=404, anonymous=401),
        method="post",
        data=lambda w: {"narrative": "接口修改", "version": 2},
        json=True,
    ),
    "entry-approve": Row(
        lambda w: f"/api/v1/entries/{w.entry(w.report(submit=True)).pk}/approve/",
        REVIEW_API,
        method="post",
        data=lambda w: {"version": 3},
        json=True,
    ),
    "entry-return": Row(
        lambda w: f"/api/v1/entries/{w.entry(w.report(submit=True)).pk}/return/",
        REVIEW_API,
        method="post",
        data=lambda w: {"version": 3, "reason": "请补充照片"},
        json=True,
    ),
    "entry-batch-approve": Row(
        lambda w: "/api/v1/entries/batch-approve/",
        only({"staff_lead": 200, "staff_other": 200, "admin": 200}, others=403, anonymous=401),
        method="post",
        data=lambda w: [{"id": w.entry(w.report(submit=True)).pk, "version": 3}],
        json=True,
    ),
    "entry-attachments": Row(
        lambda w: f"/api/v1/entries/{w.entry(w.report(submit=True)).pk}/attachments/",
        API_ENTRY_10,
    ),
    "entry-attachments#post": Row(
        lambda w: f"/api/v1/entries/{w.entry(w.report(period=3)).pk}/attachments/",
        only({"reporter": 201, "admin": 403}, others=404, anonymous=401),
        method="post",
        data=lambda w: {"file": png()},
    ),
    "attachment-detail": Row(
        lambda w: f"/api/v1/attachments/{w.submitted_attachment().pk}/", API_ENTRY_10
    ),
    "attachment-download": Row(
        lambda w: f"/api/v1/attachments/{w.submitted_attachment().pk}/download/", API_ENTRY_10
    ),
    "submission-grid": Row(
        lambda w: "/api/v1/submission-grid/", only(READERS_200, others=403, anonymous=401)
    ),
    # Reporters have the page for their own unit's workbooks (单位季度报表) only.
    "exports:job_list": Row(
        lambda w: "/reports/jobs/",
        only({**READERS_200, "reporter": 200, "reporter_other": 200}, others=403, anonymous=302),
    ),
    "exports:job_list#post": Row(
        lambda w: "/reports/jobs/",
        only(dict.fromkeys(READERS_200, 302), others=403, anonymous=302),
        method="post",
        data=lambda w: {"period": w.period(3).pk},
    ),
    "exports:job_list#post-unit": Row(
        lambda w: "/reports/jobs/",
        only(
            {**dict.fromkeys(READERS_200, 302), "reporter": 302}, others=403, anonymous=302
        ),  # 坂田's workbook: its reporter and readers, not another unit's reporter
        method="post",
        data=lambda w: {"kind": "unit", "period": w.period(3).pk, "unit": w.task_unit().pk},
    ),
    # 季度通报: readers (admins, leaders, department staff); no reporter.
    "exports:job_list#post-briefing": Row(
        lambda w: "/reports/jobs/",
        only(dict.fromkeys(READERS_200, 302), others=403, anonymous=302),
        method="post",
        data=lambda w: {"kind": "briefing", "period": w.period(3).pk},
    ),
    "exports:job_detail": Row(
        lambda w: f"/reports/jobs/{w.done_job().pk}/",
        only(READERS_200, others=404, anonymous=302),
    ),
    "exports:job_download": Row(
        lambda w: f"/reports/jobs/{w.done_job().pk}/download/",
        only(READERS_200, others=404, anonymous=302),
    ),
    "exports:job_download#unit": Row(
        lambda w: f"/reports/jobs/{w.done_unit_job().pk}/download/",
        only({**READERS_200, "reporter": 200}, others=404, anonymous=302),
    ),
    # 年度工作总结初稿: administrators, leaders and 办公室 staff (not the matrix's departments).
    "exports:year_summary_preview": Row(
        lambda w: "/exports/year-summary/2024/preview/",
        only({"leader": 200, "admin": 200}, others=403, anonymous=302),
    ),
    "exports:job_list#post-year-summary": Row(
        lambda w: "/reports/jobs/",
        only({"leader": 302, "admin": 302}, others=403, anonymous=302),
        method="post",
        data=lambda w: {"kind": "year_summary", "year": "2024"},
    ),
    "exports:job_retry": Row(
        lambda w: f"/reports/jobs/{w.failed_job().pk}/retry/",
        only(
            {"leader": 302, "admin": 302, "staff_other": 403, "staff_lead": 403},
            others=404,
            anonymous=302,
        ),  # the requester; reporters do not see the leader's job
        method="post",
    ),
    # 导出 Excel of the lists: the same permission as the list itself.
    "exports:grid_export": Row(
        lambda w: "/reports/grid/export/", only(READERS_200, others=403, anonymous=302)
    ),
    "exports:review_export": Row(
        lambda w: "/reviews/export/",
        only({"staff_lead": 200, "staff_other": 200, "admin": 200}, others=403, anonymous=302),
    ),
    "exports:instruction_export": Row(
        lambda w: "/instructions/export/?state=all", everyone_signed_in(200, anonymous=302)
    ),
    "account:tokens": Row(lambda w: "/account/tokens/", everyone_signed_in(200, anonymous=302)),
    "account:tokens#post": Row(
        lambda w: "/account/tokens/",
        everyone_signed_in(200, anonymous=302),
        method="post",
        data=lambda w: {"name": "测试令牌"},
    ),
    "account:token_revoke": Row(
        lambda w: f"/account/tokens/{w.token_for('reporter').pk}/revoke/",
        only({"reporter": 302}, others=404, anonymous=302),
        method="post",
    ),
    "report-job-list": Row(lambda w: "/api/v1/report-jobs/", API_READ),
    "report-job-list#post": Row(
        lambda w: "/api/v1/report-jobs/",
        only(
            {"staff_other": 202, "staff_lead": 202, "leader": 202, "admin": 202},
            others=403,
            anonymous=401,
        ),
        method="post",
        data=lambda w: {"period": w.period(3).pk},
        json=True,
    ),
    "report-job-list#post-year-summary": Row(
        lambda w: "/api/v1/report-jobs/",
        only({"leader": 202, "admin": 202}, others=403, anonymous=401),
        method="post",
        data=lambda w: {"kind": "year_summary", "period": w.period(3).pk},
        json=True,
    ),
    "report-job-list#post-unit": Row(
        lambda w: "/api/v1/report-jobs/",
        only(
            {"staff_other": 202, "staff_lead": 202, "leader": 202, "admin": 202, "reporter": 202},
            others=403,
            anonymous=401,
        ),
        method="post",
        data=lambda w: {"kind": "unit", "period": w.period(3).pk, "unit": w.task_unit().pk},
        json=True,
    ),
    "report-job-list#post-briefing": Row(
        lambda w: "/api/v1/report-jobs/",
        only(dict.fromkeys(READERS_200, 202), others=403, anonymous=401),
        method="post",
        data=lambda w: {"kind": "briefing", "period": w.period(3).pk},
        json=True,
    ),
    "report-job-download#unit": Row(
        lambda w: f"/api/v1/report-jobs/{w.done_unit_job().pk}/download/",
        only({**READERS_200, "reporter": 200}, others=404, anonymous=401),
    ),
    "report-job-detail": Row(
        lambda w: f"/api/v1/report-jobs/{w.done_job().pk}/",
        only(READERS_200, others=404, anonymous=401),
    ),
    "report-job-download": Row(
        lambda w: f"/api/v1/report-jobs/{w.done_job().pk}/download/",
        only(READERS_200, others=404, anonymous=401),
    ),
    "notification-list": Row(lambda w: "/api/v1/notifications/", API_READ),
    "notification-detail": Row(
        lambda w: f"/api/v1/notifications/{w.notification_for('reporter').pk}/",
        only({"reporter": 200}, others=404, anonymous=401),
    ),
    "notification-read": Row(
        lambda w: f"/api/v1/notifications/{w.notification_for('reporter').pk}/read/",
        only({"reporter": 200}, others=404, anonymous=401),
        method="post",
        json=True,
    ),
    "person-list": Row(lambda w: "/api/v1/people/", API_READ),
    "person-detail": Row(
        lambda w: f"/api/v1/people/{w.user('reporter').pk}/",
        only({"reporter": 200, "admin": 200}, others=404, anonymous=401),
    ),
    "dashboard-summary": Row(lambda w: "/api/v1/dashboard/", API_READ),
    "dashboard:dashboard": Row(lambda w: "/dashboard/", everyone_signed_in(200, anonymous=302)),
    # 待办: department staff and administrators; leaders and reporters have their own homes.
    "dashboard:todo": Row(
        lambda w: "/todo/",
        only({"staff_other": 200, "staff_lead": 200, "admin": 200}, others=403, anonymous=302),
    ),
    # The API's documentation for signed-in users only: the schema answers 401 like /api/v1/,
    # its pages send an anonymous browser to the sign-in page.
    "api-schema": Row(lambda w: "/api/schema/", API_READ),
    "api-redoc": Row(lambda w: "/api/redoc/", everyone_signed_in(200, anonymous=302)),
    "api-docs": Row(lambda w: "/api/docs/", everyone_signed_in(200, anonymous=302)),
    # ReDoc's public bundle (a vendored file, as under /static/) with its outside logo replaced.
    "api-redoc-script": Row(
        lambda w: "/api/redoc/redoc.standalone.js", everyone_signed_in(200, anonymous=200)
    ),
}


def test_every_route_has_a_row():
    rows = {name.split("#")[0] for name in MATRIX}  # "name#post": a second method of a route
    assert route_names() == rows, "add a row to MATRIX for every new route"


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("route", sorted(MATRIX))
def test_route_answers_each_role_as_the_policy_says(world, route, role):
    row = MATRIX[route]
    client = world.client(role)
    path = row.path(world)
    if row.json:
        response = getattr(client, row.method)(
            path, row.data(world), content_type="application/json"
        )
    else:
        response = getattr(client, row.method)(path, row.data(world))
    assert response.status_code == row.expected[role], (route, role)
