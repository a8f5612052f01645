#!/usr/bin/env bash
# One command to try unionplan: embedded mode (SQLite, in-process jobs), the 2024 plan and demo
# users loaded, then the development server. PORT=8000 by default.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/venv.sh requirements.txt
port="${PORT:-8000}"
# The demo shows the 2024 plan as it stood on 20 October 2024; unset it for real use.
export UNIONPLAN_TODAY="${UNIONPLAN_TODAY-2024-10-20}"
# People trying the product see its own 403/404/500 pages, not Django's debug page; static files
# are then served by WhiteNoise. DJANGO_DEBUG=1 make run brings the debug page back.
export DJANGO_DEBUG="${DJANGO_DEBUG-0}"
.venv/bin/python manage.py migrate --noinput -v0
.venv/bin/python manage.py seed_demo
echo
echo "unionplan 已启动：http://127.0.0.1:${port}/   （Ctrl+C 停止）"
echo "系统管理：http://127.0.0.1:${port}/admin/   接口文档：http://127.0.0.1:${port}/api/docs/"
exec .venv/bin/python manage.py runserver "127.0.0.1:${port}"
