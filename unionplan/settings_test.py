"""Test overrides: the machine's real PostgreSQL and Redis unless the environment names others."""

import os
import re

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/unionplan")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")

# Under `pytest -n N` every worker process (gw0, gw1, …) gets its own Redis database, so that
# the Celery workers one of them starts never take the other's jobs; pytest-django already gives
# each its own test database. The environment carries it to the Celery workers the tests start.
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
if _XDIST_WORKER.startswith("gw"):
    _index = int(_XDIST_WORKER[2:])
    _base = re.match(r"^(.*/)(\d+)$", os.environ["REDIS_URL"])
    if _base and _index:
        os.environ["REDIS_URL"] = f"{_base.group(1)}{int(_base.group(2)) - _index}"

from unionplan.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / "var" / f"test-media{'-' + _XDIST_WORKER if _XDIST_WORKER else ''}"  # noqa: F405
