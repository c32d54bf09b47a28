#!/usr/bin/env bash
# Lint, the import contract, Django's checks, then the whole suite. Called by `make test` (and twice by .ci/run).
# DATABASE_URL chooses the database (SQLite by default); extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
export DJANGO_SETTINGS_MODULE=website.settings.test

echo "== system packages for the browser tests"
bash scripts/ensure-browser.sh || echo "   (no chromium: the browser tests will be skipped, see the summary)"

echo "== axe-core for the accessibility checks (npm ci, from the npm registry)"
if command -v npm >/dev/null; then
  npm ci --no-audit --no-fund --silent
else
  echo "   npm is missing: the accessibility checks will be skipped (or fail with REQUIRE_BROWSER=1)"
fi

echo "== ruff"
$BIN/ruff check .
$BIN/ruff format --check .

echo "== import contract (lint-imports: the layers in pyproject.toml)"
$BIN/lint-imports

echo "== manage.py check / makemigrations --check"
$BIN/python manage.py check
$BIN/python manage.py makemigrations --check --dry-run --noinput

echo "== search nodes on 127.0.0.1 (search/node/: OpenSearch and Elasticsearch from Maven Central)"
start_node() {  # start_node NAME SCRIPT URL_VARIABLE REQUIRE_VARIABLE
  local name=$1 script=$2 url_var=$3 require_var=$4 url
  if [ -n "${!url_var:-}" ]; then
    echo "   $name: using ${!url_var}"
  elif command -v java >/dev/null && command -v mvn >/dev/null && url=$("$script" start); then
    export "$url_var=$url"
    STARTED_NODES="$STARTED_NODES $script"
    echo "   $name: started at $url"
  elif [ "${!require_var:-}" = 1 ]; then
    echo "   $name could not start and $require_var=1" >&2
    exit 1
  else
    echo "   $name: NOT AVAILABLE (needs java and mvn) — its contract tests will be SKIPPED"
  fi
}
STARTED_NODES=""
trap 'for s in $STARTED_NODES; do "$s" stop >/dev/null 2>&1 || true; done' EXIT
start_node OpenSearch search/node/run.sh SEARCH_TEST_OPENSEARCH_URL REQUIRE_OPENSEARCH
start_node Elasticsearch search/node/es/run.sh SEARCH_TEST_ELASTICSEARCH_URL REQUIRE_ELASTICSEARCH

echo "== pytest (database: ${DATABASE_URL:-sqlite (default)})"
$BIN/pytest "$@"
