#!/usr/bin/env bash
# Load test: gunicorn on a loopback port against the city-scale data set, a mixed load of signed-in
# users of several roles, then /healthz alone with the same users and duration, side by side.
#
#   scripts/loadtest.sh                      # 100 users, 60 s each phase, 4 workers x 2 threads
#   USERS=20 DURATION=20 scripts/loadtest.sh
#
# Variables: USERS (100), DURATION seconds per phase (60), WORKERS (4), THREADS (2), PORT (8765),
# SPAWN_RATE users started per second (= USERS), LOAD_WAIT think time in seconds (0),
# LOAD_KEEPALIVE=1 to keep connections open (default: one per request, as behind a proxy),
# LOAD_DB database name (unionplan_load) on the server of DATABASE_URL (default
# postgres://postgres@127.0.0.1:5432/), or LOAD_DATABASE_URL for the whole address;
# LOAD_FRESH=1 drops and rebuilds that database; REDIS_URL is passed to the product as it is;
# LOADTEST_JSON=path also writes the figures as JSON (manage.py bench --load reads it).
# The database is created when missing, migrated, filled once by `manage.py bench_data` (kept for
# the next run) and vacuumed. Needs PostgreSQL. Installs requirements-load.txt (locust) into .venv.
set -euo pipefail
cd "$(dirname "$0")/.."

USERS="${USERS:-100}"
DURATION="${DURATION:-60}"
WORKERS="${WORKERS:-4}"
THREADS="${THREADS:-2}"
PORT="${PORT:-8765}"
SPAWN_RATE="${SPAWN_RATE:-$USERS}"
LOAD_DB="${LOAD_DB:-unionplan_load}"

scripts/venv.sh requirements-load.txt >&2
py=.venv/bin/python

if [ -z "${LOAD_DATABASE_URL:-}" ]; then
  base="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/unionplan}"
  LOAD_DATABASE_URL="${base%/*}/${LOAD_DB}"
fi
case "$LOAD_DATABASE_URL" in
  postgres://* | postgresql://*) ;;
  *) echo "loadtest: LOAD_DATABASE_URL must be a PostgreSQL address" >&2; exit 2 ;;
esac

work="$(mktemp -d)"
server_pid=""
locust_pid=""
cleanup() {
  if [ -n "$locust_pid" ]; then kill -TERM "$locust_pid" 2>/dev/null || true; fi
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Create (or with LOAD_FRESH=1 recreate) the load database on the same server.
LOAD_DATABASE_URL="$LOAD_DATABASE_URL" LOAD_FRESH="${LOAD_FRESH:-0}" "$py" - <<'EOF' >&2
import os
import dj_database_url
import psycopg2
from psycopg2 import sql

cfg = dj_database_url.parse(os.environ["LOAD_DATABASE_URL"])
name = cfg["NAME"]
conn = psycopg2.connect(
    dbname="postgres", user=cfg["USER"] or None, password=cfg["PASSWORD"] or None,
    host=cfg["HOST"] or None, port=cfg["PORT"] or None,
)
conn.autocommit = True
with conn.cursor() as cur:
    if os.environ["LOAD_FRESH"] == "1":
        cur.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
    cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
    if cur.fetchone() is None:
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        print(f"==> created database {name}")
conn.close()
EOF

# The product as deployed, less HTTPS: DEBUG off, WhiteNoise, the real password hasher, PostgreSQL,
# Redis when REDIS_URL is set. (UNIONPLAN_PRODUCTION=1 would add secure-only cookies and HTTPS
# redirects, which a plain-HTTP loopback run cannot satisfy; its other settings cost nothing.)
export DATABASE_URL="$LOAD_DATABASE_URL" DJANGO_DEBUG=0 UNIONPLAN_PRODUCTION=0
export DJANGO_SETTINGS_MODULE=unionplan.settings DJANGO_LOG_LEVEL="${DJANGO_LOG_LEVEL:-WARNING}"
unset UNIONPLAN_TODAY
echo "==> migrating ${LOAD_DATABASE_URL##*/}" >&2
"$py" manage.py migrate --noinput -v0 >&2
echo "==> data set (manage.py bench_data)" >&2
"$py" manage.py bench_data --targets "$work/targets.json" >&2

echo "==> gunicorn: ${WORKERS} workers x ${THREADS} threads on 127.0.0.1:${PORT}" >&2
.venv/bin/gunicorn unionplan.wsgi:application --bind "127.0.0.1:${PORT}" \
  --workers "$WORKERS" --threads "$THREADS" --timeout 120 --log-level warning \
  >"$work/gunicorn.log" 2>&1 &
server_pid=$!
host="http://127.0.0.1:${PORT}"
for i in $(seq 1 120); do
  if "$py" -c "import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)" \
    "$host/healthz" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$server_pid" 2>/dev/null || [ "$i" = 120 ]; then
    echo "loadtest: gunicorn did not start:" >&2
    cat "$work/gunicorn.log" >&2
    exit 1
  fi
  sleep 0.5
done

run_phase() {  # name, user class
  echo "==> $1: ${USERS} users, ${DURATION} s" >&2
  # The figures come from locust's own stats when it quits (LOAD_SUMMARY, see the locustfile);
  # its --csv files lag up to two seconds behind the end of the run.
  LOAD_TARGETS="$work/targets.json" LOAD_SUMMARY="$work/$1.json" .venv/bin/locust \
    -f scripts/locustfile.py "$2" --headless -u "$USERS" -r "$SPAWN_RATE" -t "${DURATION}s" \
    --host "$host" --only-summary --loglevel WARNING --exit-code-on-error 0 >&2 &
  # In the background and waited for, so that an interrupt runs the clean-up at once.
  locust_pid=$!
  wait "$locust_pid"
  locust_pid=""
}
run_phase mixed MixedUser
run_phase healthz HealthzUser

if [ -s "$work/gunicorn.log" ]; then
  echo "==> gunicorn log (last lines)" >&2
  tail -n 20 "$work/gunicorn.log" >&2
fi

USERS="$USERS" DURATION="$DURATION" WORKERS="$WORKERS" THREADS="$THREADS" \
  "$py" - "$work" <<'EOF'
import json
import os
import sys
from pathlib import Path

work = Path(sys.argv[1])


def phase(name):
    return json.loads((work / f"{name}.json").read_text(encoding="utf-8"))


mixed, healthz = phase("mixed"), phase("healthz")
ratio = mixed["rps"] / healthz["rps"] if healthz["rps"] else 0.0
result = {
    "users": int(os.environ["USERS"]),
    "duration_s": int(os.environ["DURATION"]),
    "workers": int(os.environ["WORKERS"]),
    "threads": int(os.environ["THREADS"]),
    "keepalive": os.environ.get("LOAD_KEEPALIVE") == "1",
    "mixed": mixed,
    "healthz": healthz,
    "throughput_ratio_mixed_to_healthz": ratio,
}
print()
print(f"unionplan load test: {result['users']} users, {result['duration_s']} s per phase, "
      f"gunicorn {result['workers']} workers x {result['threads']} threads, "
      f"{'kept-alive connections' if result['keepalive'] else 'a new connection per request'}")
print(f"{'':<22}{'req/s':>9}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'requests':>10}{'errors':>8}")
for label, figures in (("mixed load", mixed), ("/healthz alone", healthz)):
    print(f"{label:<22}{figures['rps']:>9.1f}{figures['p50_ms']:>9.0f}{figures['p95_ms']:>9.0f}"
          f"{figures['p99_ms']:>9.0f}{figures['requests']:>10}{figures['errors']:>8}")
print("mixed load by page:")
for name, figures in mixed["endpoints"].items():
    print(f"  {name:<20}{figures['rps']:>9.1f}{figures['p50_ms']:>9.0f}{figures['p95_ms']:>9.0f}"
          f"{figures['p99_ms']:>9.0f}{figures['requests']:>10}{figures['errors']:>8}")
for message in mixed["error_messages"] + healthz["error_messages"]:
    print(f"error: {message}")
print(f"throughput mixed / healthz: {ratio:.3f} (1/{1 / ratio if ratio else float('inf'):.0f})")
if os.environ.get("LOADTEST_JSON"):
    Path(os.environ["LOADTEST_JSON"]).write_text(json.dumps(result))
EOF
