"""schemathesis as the second half of the roles (see test_schemathesis.py)."""

from __future__ import annotations

import pytest

from tests.test_schemathesis import FIRST_HALF, ROLES, schemathesis_run

pytestmark = pytest.mark.fuzz


@pytest.mark.parametrize("role", [r for r in ROLES if r not in FIRST_HALF])
def test_api_holds_its_schema_and_never_errors_for_each_role(demo_server, role):
    schemathesis_run(demo_server, role)
