"""Test overrides: the machine's real PostgreSQL and Redis unless the environment names others."""

import os

os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/unionplan")
os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")

from unionplan.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = BASE_DIR / "var" / "test-media"  # noqa: F405
