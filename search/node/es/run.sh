#!/usr/bin/env bash
# Single-node Elasticsearch 7.10.2 (embedded, Maven Central jars): same commands as ../run.sh
#   ./run.sh [start|stop|status|build]
# Environment: ELASTICSEARCH_PORT (9202), ELASTICSEARCH_PIDFILE (/tmp/lp-elasticsearch.pid),
#   ELASTICSEARCH_LOG, ELASTICSEARCH_START_TIMEOUT (120), ELASTICSEARCH_JAVA (java),
#   ELASTICSEARCH_JAVA_OPTS, MVN_FLAGS.
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export LP_NODE_DIR="$HERE" LP_NAME=elasticsearch LP_MAIN_CLASS=lp.search.es.EsLauncher
# Report "build_flavor: default" like the official tarball: elasticsearch-py >= 7.14 refuses
# servers < 7.14 whose flavor is not "default" (UnsupportedProductError).
export LP_EXTRA_JAVA_OPTS="-Des.distribution.flavor=default -Des.distribution.type=tar"
export OPENSEARCH_PORT="${ELASTICSEARCH_PORT:-9202}"
export OPENSEARCH_PIDFILE="${ELASTICSEARCH_PIDFILE:-/tmp/lp-elasticsearch.pid}"
export OPENSEARCH_LOG="${ELASTICSEARCH_LOG:-${OPENSEARCH_PIDFILE%.pid}.log}"
export OPENSEARCH_START_TIMEOUT="${ELASTICSEARCH_START_TIMEOUT:-120}"
export OPENSEARCH_JAVA="${ELASTICSEARCH_JAVA:-java}"
export OPENSEARCH_JAVA_OPTS="${ELASTICSEARCH_JAVA_OPTS:-}"
exec "$HERE/../run.sh" "$@"
