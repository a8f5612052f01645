"""schemathesis against the live OpenAPI schema, as a user of each role (API tokens).

Checks: no server error for any generated input, and every response conforms to the schema.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from departments.models import User
from departments.services import token_create
from tests.conftest import ROLE_USERNAMES

ROOT = Path(__file__).resolve().parent.parent
ST = Path(sys.executable).parent / "st"

pytestmark = pytest.mark.fuzz


ROLES = [r for r in ROLE_USERNAMES if r != "anonymous"]
# Two halves in two modules (this one and test_schemathesis_staff.py), so that the test command's
# two processes (one module each at a time) share the longest-running tests; conftest.py starts
# both before anything else.
FIRST_HALF = ROLES[: len(ROLES) // 2]


@pytest.mark.parametrize("role", FIRST_HALF)
def test_api_holds_its_schema_and_never_errors_for_each_role(demo_server, role):
    schemathesis_run(demo_server, role)


def schemathesis_run(demo_server, role: str) -> None:  # noqa: ANN001
    """schemathesis' examples, coverage and fuzzing phases as ``role``; fails on a 5xx or a
    response that does not match the schema."""
    user = User.objects.get(username=ROLE_USERNAMES[role])
    _, raw = token_create(user=user, name=f"schemathesis-{role}")
    (ROOT / "var").mkdir(exist_ok=True)
    result = subprocess.run(
        [
            str(ST),
            "run",
            f"{demo_server.url}/api/schema/?format=json",
            "--header",
            f"Authorization: Bearer {raw}",
            "--checks",
            "not_a_server_error,response_schema_conformance",
            "--phases",
            "examples,coverage,fuzzing",
            "--max-examples",
            "3",
            "--seed",
            "20241020",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=900,
        cwd=ROOT,
    )
    (ROOT / "var" / f"schemathesis-{role}.log").write_text(result.stdout + result.stderr)
    assert result.returncode == 0, result.stdout[-4000:]
