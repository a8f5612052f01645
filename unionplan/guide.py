"""使用说明: a short guide per role, with screenshots of the real pages taken by the browser tests.

The screenshots live in ``static/guide/``; ``tests/browser/test_guide.py`` takes them again on
every run of the test suite, so the guide shows the pages as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from unionplan import policies

if TYPE_CHECKING:
    from departments.http import SignedInHttpRequest


@dataclass(frozen=True)
class Shot:
    """One screenshot of the guide: the user it is taken as, the page, the file and its caption."""

    username: str
    path: str
    name: str
    caption: str


# (role key, heading, who); the steps are in the template.
ROLES = (
    ("leader", "区总领导", "查看驾驶舱，作出批示并跟踪办结"),
    ("staff", "部室工作人员", "填报牵头工作进展，审核基层报表，办理批示"),
    ("reporter", "街道、行业工会填报员", "按季度填报本单位参与的重点工作并上传佐证"),
    ("admin", "系统管理员", "导入和编辑工作要点，管理单位、人员和填报周期"),
)

SHOTS = (
    Shot("leader", "/dashboard/", "leader_dashboard", "驾驶舱：红黄绿灯、滞后事项和各单位报送情况"),
    Shot(
        "leader",
        "/instructions/?state=all",
        "leader_instructions",
        "领导批示：按状态、牵头部室筛选，逾期的标红，可追问、办结",
    ),
    Shot("qyb", "/todo/", "staff_todo", "待办：待审核、待办理批示、本期未更新和逾期事项"),
    Shot("qyb", "/tasks/", "staff_tasks", "重点工作：按牵头部室、状态筛选，点击标题填报进展"),
    Shot("bantian", "/reports/", "reporter_report", "季度填报：逐条填写，自动暂存，最后提交"),
    Shot("admin", "/plans/manage/", "admin_plans", "计划管理：导入、编辑、发布、复制为下一年度"),
    Shot("admin", "/plans/import/", "admin_import", "导入工作要点：上传 Word、PDF、文本或导入模板"),
)


@login_required
@require_GET
def guide(request: SignedInHttpRequest) -> HttpResponse:
    """The guide, opened at the reader's own role."""
    user = request.user
    if policies.is_admin(user):
        mine = "admin"
    elif policies.is_leader(user):
        mine = "leader"
    elif getattr(user, "role", "") == "reporter":
        mine = "reporter"
    else:
        mine = "staff"
    shots = {shot.name: shot for shot in SHOTS}
    return render(
        request,
        "guide/guide.html",
        {"roles": ROLES, "mine": mine, "shots": shots, "nav_active": "guide"},
    )
