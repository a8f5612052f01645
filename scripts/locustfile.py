"""Load test of unionplan (run by scripts/loadtest.sh; locust from requirements-load.txt).

Two user classes, run one at a time by the script:

- ``MixedUser``: people of several roles at work. Before the load starts, one browser session per
  simulated user signs in through the real sign-in form (GET for the CSRF token, POST with the right
  password, so django-axes never counts a failure); the load itself then reads the dashboard, the
  task list, a task page, the API task list (with the account's Bearer token) and, for reporters,
  their unit's report page. Sign-ins are outside the measured window.
- ``HealthzUser``: ``/healthz`` alone, the trivial view, as the baseline of the same run.

``LOAD_TARGETS`` names the JSON written by ``manage.py bench_data --targets`` (year, task ids,
accounts with their tokens and report ids, the password). ``LOAD_WAIT`` is the think time between
requests in seconds (default 0: every simulated user asks again as soon as it is answered);
``LOAD_KEEPALIVE=1`` keeps connections open between requests (default: a new one per request).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import time
from typing import Any

import gevent
import requests
from gevent.pool import Pool
from locust import FastHttpUser, between, events, task
from locust.env import Environment

TARGETS: dict[str, Any] = {}
SESSIONS: list[dict[str, Any]] = []
ENVIRONMENTS: list[Environment] = []
_next_session = itertools.count()
WAIT = float(os.environ.get("LOAD_WAIT", "0") or 0)
# By default every request goes on a new connection, as from a reverse proxy (nginx speaks
# HTTP/1.0 to its upstream unless told otherwise): gunicorn's threaded workers keep a kept-alive
# connection on the worker that accepted it, so with LOAD_KEEPALIVE=1 simulated users stuck on a
# busy worker wait seconds while the others are served at once.
CONNECTION = {} if os.environ.get("LOAD_KEEPALIVE") == "1" else {"Connection": "close"}
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def _load_targets() -> dict[str, Any]:
    if not TARGETS:
        path = os.environ.get("LOAD_TARGETS", "")
        if not path:
            raise SystemExit("LOAD_TARGETS must name the JSON of manage.py bench_data --targets.")
        with open(path, encoding="utf-8") as handle:
            TARGETS.update(json.load(handle))
    return TARGETS


def sign_in(host: str, account: dict[str, Any], password: str) -> dict[str, Any]:
    """One browser session through the sign-in form: the CSRF token from the page, then the POST."""
    with requests.Session() as browser:
        page = browser.get(f"{host}/accounts/login/", timeout=120)
        match = CSRF_INPUT.search(page.text)
        if page.status_code != 200 or match is None:
            raise RuntimeError(f"sign-in page answered {page.status_code} without a CSRF token")
        answer = browser.post(
            f"{host}/accounts/login/",
            data={
                "csrfmiddlewaretoken": match.group(1),
                "username": account["username"],
                "password": password,
                "next": "",
            },
            headers={"Referer": f"{host}/accounts/login/"},
            allow_redirects=False,
            timeout=120,
        )
        if answer.status_code != 302 or "sessionid" not in browser.cookies:
            raise RuntimeError(f"{account['username']} could not sign in ({answer.status_code})")
        cookie = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
    return {**account, "cookie": cookie}


@events.init.add_listener
def sign_in_everyone(environment: Environment, **kwargs: Any) -> None:
    """Sign in one session per simulated user (roles in turn) before the load starts: at init,
    since the run-time limit starts counting with the test, and the stats are reset afterwards, so
    that neither the limit nor the requests per second include the sign-ins."""
    ENVIRONMENTS.append(environment)
    if any(cls.__name__ == "MixedUser" for cls in environment.user_classes):
        _sign_in(environment)
    environment.stats.reset_all()


def _sign_in(environment: Environment) -> None:
    started = time.perf_counter()
    targets = _load_targets()
    options = environment.parsed_options
    count = options.num_users if options is not None else 1
    by_role: dict[str, list[dict[str, Any]]] = {}
    for account in targets["users"]:
        by_role.setdefault(account["role"], []).append(account)
    cycles = {role: itertools.cycle(accounts) for role, accounts in by_role.items()}
    roles = itertools.cycle(sorted(by_role))
    accounts = [next(cycles[next(roles)]) for _ in range(count)]
    host = environment.host or ""
    pool = Pool(8)
    jobs = [pool.spawn(sign_in, host, a, targets["password"]) for a in accounts]
    gevent.joinall(jobs, raise_error=True)
    SESSIONS[:] = [job.value for job in jobs]
    print(
        f"signed in {len(SESSIONS)} sessions ({', '.join(sorted(by_role))}) "
        f"in {time.perf_counter() - started:.1f} s",
        flush=True,
    )


@events.quit.add_listener
def write_summary(exit_code: int, **kwargs: Any) -> None:
    """Write the final figures (after the runner stopped, unlike the CSV files, which are written
    every two seconds) to ``LOAD_SUMMARY``: per request name and in total, locust's own figures."""
    path = os.environ.get("LOAD_SUMMARY")
    if not path or not ENVIRONMENTS or ENVIRONMENTS[-1].stats is None:
        return
    stats = ENVIRONMENTS[-1].stats

    def figures(entry: Any) -> dict[str, Any]:
        return {
            "requests": entry.num_requests,
            "errors": entry.num_failures,
            "rps": entry.total_rps,
            "p50_ms": entry.get_response_time_percentile(0.5),
            "p95_ms": entry.get_response_time_percentile(0.95),
            "p99_ms": entry.get_response_time_percentile(0.99),
        }

    summary = {
        **figures(stats.total),
        "endpoints": {name: figures(e) for (name, _), e in sorted(stats.entries.items())},
        "error_messages": sorted({str(e.error) for e in stats.errors.values()})[:10],
    }
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(summary, handle)


class MixedUser(FastHttpUser):
    """A signed-in person of one role reading the pages and API of the newest plan."""

    wait_time = between(WAIT, WAIT)

    def on_start(self) -> None:
        self.account = SESSIONS[next(_next_session) % len(SESSIONS)]
        self.year = TARGETS["year"]
        self.pages = [self.dashboard, self.task_list, self.task_page, self.api_tasks]
        if self.account["reports"]:
            self.pages.append(self.report_page)

    def _get(self, url: str, name: str, *, api: bool = False) -> None:
        headers = (
            {"Authorization": f"Bearer {self.account['token']}", "Accept": "application/json"}
            if api
            else {"Cookie": self.account["cookie"]}
        )
        headers.update(CONNECTION)
        with self.client.get(
            url, name=name, headers=headers, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {self.account['username']}")

    @task
    def browse(self) -> None:
        random.choice(self.pages)()

    def dashboard(self) -> None:
        self._get(f"/dashboard/?year={self.year}", "/dashboard/")

    def task_list(self) -> None:
        self._get(f"/tasks/?year={self.year}", "/tasks/")

    def task_page(self) -> None:
        self._get(f"/tasks/{random.choice(TARGETS['tasks'])}/", "/tasks/[id]/")

    def report_page(self) -> None:
        self._get(f"/reports/{random.choice(self.account['reports'])}/", "/reports/[id]/")

    def api_tasks(self) -> None:
        self._get(f"/api/v1/tasks/?plan__year={self.year}", "/api/v1/tasks/", api=True)


class HealthzUser(FastHttpUser):
    """The trivial view alone: what the same server and load tool do without real work."""

    wait_time = between(WAIT, WAIT)

    @task
    def healthz(self) -> None:
        with self.client.get(
            "/healthz",
            name="/healthz",
            headers=CONNECTION,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(str(response.status_code))
