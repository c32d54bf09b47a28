#!/usr/bin/env bash
# Lint, Django's checks, then the whole suite. Called by `make test` (and twice by .ci/run).
# DATABASE_URL chooses the database (SQLite by default); extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export DJANGO_SETTINGS_MODULE=website.settings.test

echo "== system packages for the browser tests"
bash scripts/ensure-browser.sh || echo "   (no chromium: the browser tests will be skipped, see the summary)"

echo "== ruff"
$BIN/ruff check .
$BIN/ruff format --check .

echo "== manage.py check / makemigrations --check"
$BIN/python manage.py check
$BIN/python manage.py makemigrations --check --dry-run --noinput

echo "== pytest (database: ${DATABASE_URL:-sqlite (default)})"
$BIN/pytest "$@"
