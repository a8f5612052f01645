"""Demo data: the reference organisation, the real 2024 plan, its periods and one user per role.

Idempotent: running it again changes nothing (existing users keep their passwords).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import transaction

from departments.models import Role, Unit, UnitKind, User
from departments.services import unit_create, units_ensure_reference, user_create
from reports.services import periods_ensure_quarters
from tasks.models import WorkPlan
from tasks.services import plan_import

REFERENCE_PLAN = Path(settings.BASE_DIR) / "tasks" / "plans" / "longgang-2024-work-plan.txt"
DEMO_YEAR = 2024
DEMO_PASSWORD = "demo-2024"

# Demo industry unions and community federations (the plan names only the groups).
DEMO_INDUSTRY_UNIONS = (
    "龙岗区建筑业工会联合会",
    "龙岗区物流快递业工会联合会",
    "龙岗区电子信息业工会联合会",
)
DEMO_COMMUNITIES = (("坂田街道", "岗头社区工联会"), ("坂田街道", "马安堂社区工联会"))


@dataclass(frozen=True)
class DemoUser:
    username: str
    full_name: str
    role: str
    unit_name: str | None


DEMO_USERS: tuple[DemoUser, ...] = (
    DemoUser("admin", "信息管理员（演示）", Role.ADMIN, None),
    DemoUser("leader", "张主席（演示）", Role.LEADER, "龙岗区总工会"),
    DemoUser("bgs", "办公室 工作人员", Role.STAFF, "办公室"),
    DemoUser("xjb", "宣教部 工作人员", Role.STAFF, "宣教部"),
    DemoUser("qyb", "权益部 工作人员", Role.STAFF, "权益部"),
    DemoUser("zjb", "组建部 工作人员", Role.STAFF, "组建部"),
    DemoUser("zzb", "组织部 工作人员", Role.STAFF, "组织部"),
    DemoUser("jsw", "经审委 工作人员", Role.STAFF, "经审委"),
    DemoUser("bantian", "坂田街道 填报员", Role.REPORTER, "坂田街道总工会"),
    DemoUser("pinghu", "平湖街道 填报员", Role.REPORTER, "平湖街道总工会"),
    DemoUser("jianzhu", "建筑业工会 填报员", Role.REPORTER, "龙岗区建筑业工会联合会"),
    DemoUser("gangtou", "岗头社区 填报员", Role.REPORTER, "岗头社区工联会"),
)


def _ensure_demo_units() -> None:
    district = Unit.objects.get(kind=UnitKind.DISTRICT)
    for order, name in enumerate(DEMO_INDUSTRY_UNIONS):
        if not Unit.objects.filter(name=name).exists():
            unit_create(name=name, kind=UnitKind.INDUSTRY, parent=district, sort_order=order)
    for order, (street, name) in enumerate(DEMO_COMMUNITIES):
        if not Unit.objects.filter(name=name).exists():
            parent = Unit.objects.get(name=f"{street}总工会")
            unit_create(name=name, kind=UnitKind.COMMUNITY, parent=parent, sort_order=order)


def demo_seed() -> list[tuple[DemoUser, bool]]:
    """Load all a first-time visitor needs; returns the demo users and whether each is new."""
    with transaction.atomic():
        units_ensure_reference()
        _ensure_demo_units()
        if not WorkPlan.objects.filter(year=DEMO_YEAR).exists():
            # The industry unions must exist first so that "行业工会" expands to them.
            plan_import(text=REFERENCE_PLAN.read_text(encoding="utf-8"), year=DEMO_YEAR)
        plan = WorkPlan.objects.get(year=DEMO_YEAR)
        periods_ensure_quarters(plan=plan)
        created = []
        for demo in DEMO_USERS:
            if User.objects.filter(username=demo.username).exists():
                created.append((demo, False))
                continue
            unit = Unit.objects.get(name=demo.unit_name) if demo.unit_name else None
            user_create(
                username=demo.username,
                password=DEMO_PASSWORD,
                role=demo.role,
                unit=unit,
                full_name=demo.full_name,
            )
            created.append((demo, True))
    return created
