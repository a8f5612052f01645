#!/usr/bin/env bash
# Create .venv (if missing) and install the given requirements file when it changed.
# Usage: scripts/venv.sh requirements.txt|requirements-test.txt
set -euo pipefail
cd "$(dirname "$0")/.."
req="${1:-requirements.txt}"
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv"
  python3 -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip 2> >(grep -v "^WARNING: Location" >&2)
fi
stamp=".venv/.installed-$(basename "$req")"
sum=$(cat requirements*.txt | sha256sum | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
  echo "==> installing $req"
  # grep drops pip's notes about this machine's absent local mirrors; pip's own status is kept.
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$req" \
    2> >(grep -v "^WARNING: Location 'file:" >&2)
  echo "$sum" > "$stamp"
fi
