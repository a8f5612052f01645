"""Shared fixtures: the demo world (2024 plan, periods, one user per role) loaded once per run."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.test import Client

from departments.models import User
from reports.models import ReportingPeriod
from tasks.models import Instruction, KeyTask, WorkPlan
from tasks.services import instruction_create
from unionplan.demo import demo_seed

# The roles of the permission matrix, relative to task 10 (lead: 权益部; participants: streets
# and industry unions).
ROLE_USERNAMES: dict[str, str | None] = {
    "anonymous": None,
    "reporter_other": "gangtou",  # community federation: takes no part in task 10
    "reporter": "bantian",  # 坂田街道总工会: takes part in task 10
    "staff_other": "zjb",  # 组建部: does not lead task 10
    "staff_lead": "qyb",  # 权益部: leads task 10
    "leader": "leader",
    "admin": "admin",
}
ROLES = tuple(ROLE_USERNAMES)


@dataclass
class World:
    plan: WorkPlan
    task: KeyTask  # task 10, the matrix's reference task

    def user(self, role: str) -> User | None:
        username = ROLE_USERNAMES[role]
        return None if username is None else User.objects.get(username=username)

    def period(self, number: int) -> ReportingPeriod:
        return self.plan.periods.get(kind="quarter", number=number)

    def open_instruction(self) -> Instruction:
        """A fresh unanswered instruction on task 10."""
        return instruction_create(
            task=self.task, user=self.user("leader"), text="请加快律师驻点建设。"
        )

    def client(self, role: str) -> Client:
        client = Client()
        user = self.user(role)
        if user is not None:
            client.force_login(user)
        return client


@pytest.fixture(scope="session")
def _demo_world(django_db_setup, django_db_blocker):  # noqa: ANN001
    with django_db_blocker.unblock():
        demo_seed()


@pytest.fixture
def world(_demo_world, db) -> World:  # noqa: ANN001
    """The demo data of seed_demo, rolled back after each test."""
    plan = WorkPlan.objects.get(year=2024)
    return World(plan=plan, task=plan.tasks.get(number=10))


@pytest.fixture
def plan_text() -> str:
    from unionplan.demo import REFERENCE_PLAN

    return REFERENCE_PLAN.read_text(encoding="utf-8")
