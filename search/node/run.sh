#!/usr/bin/env bash
# Single-node OpenSearch (embedded, built from Maven Central jars) for local dev and CI.
#   ./run.sh [start]   build if needed, start in background, wait until health >= yellow
#   ./run.sh stop      stop the node started by this script (via the pidfile)
#   ./run.sh status    exit 0 if running and answering
#   ./run.sh build     build only
# Environment: OPENSEARCH_PORT (9201), OPENSEARCH_PIDFILE (/tmp/lp-opensearch.pid),
#   OPENSEARCH_LOG (<pidfile minus .pid>.log), OPENSEARCH_START_TIMEOUT (120 s),
#   OPENSEARCH_JAVA (java), OPENSEARCH_JAVA_OPTS (extra JVM flags), MVN_FLAGS (e.g. -o).
set -euo pipefail

# es/run.sh reuses this script for the Elasticsearch variant through the LP_* variables.
HERE="${LP_NODE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)}"
NAME="${LP_NAME:-opensearch}"
MAIN_CLASS="${LP_MAIN_CLASS:-lp.search.Launcher}"
PORT="${OPENSEARCH_PORT:-9201}"
PIDFILE="${OPENSEARCH_PIDFILE:-/tmp/lp-$NAME.pid}"
LOG="${OPENSEARCH_LOG:-${PIDFILE%.pid}.log}"
HOMEFILE="$PIDFILE.home"          # remembers the temp dir holding path.home / path.data
TIMEOUT="${OPENSEARCH_START_TIMEOUT:-120}"
JAVA="${OPENSEARCH_JAVA:-java}"
URL="http://127.0.0.1:$PORT"
STAMP="$HERE/target/.built"

log() { echo "run.sh[$NAME]: $*" >&2; }
[[ "$PORT" =~ ^[0-9]+$ ]] || { log "OPENSEARCH_PORT must be a number, got '$PORT'"; exit 2; }

needs_build() {
  [[ -f "$STAMP" && -d "$HERE/target/dependency" ]] || return 0
  [[ -n "$(find "$HERE/pom.xml" "$HERE/src" -newer "$STAMP" -print -quit)" ]]
}

build() {
  log "building (mvn package) ..."
  # clean: copy-dependencies never removes jars of old versions from target/dependency
  (cd "$HERE" && mvn -B -q -Dstyle.color=never ${MVN_FLAGS:-} clean package) >&2
  touch "$STAMP"
}

# pid from the pidfile if that process is alive and really is our launcher
running_pid() {
  [[ -f "$PIDFILE" ]] || return 1
  local pid; pid="$(cat "$PIDFILE" 2>/dev/null || true)"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -qF "$MAIN_CLASS" || return 1
  echo "$pid"
}

healthy() {
  curl -s --max-time 5 "$URL/_cluster/health?wait_for_status=yellow&timeout=2s" 2>/dev/null \
    | grep -Eq '"status":"(yellow|green)".*"timed_out":false|"timed_out":false.*"status":"(yellow|green)"'
}

cleanup_files() {
  if [[ -f "$HOMEFILE" ]]; then
    local d; d="$(cat "$HOMEFILE")"
    [[ -n "$d" && -d "$d" && "$d" == */lp-$NAME.* ]] && rm -rf "$d"
    rm -f "$HOMEFILE"
  fi
  rm -f "$PIDFILE"
}

stop() {
  local pid
  if ! pid="$(running_pid)"; then
    log "not running (pidfile $PIDFILE)"
    cleanup_files
    return 0
  fi
  log "stopping pid $pid ..."
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then
    log "still alive after 30 s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 1
  fi
  cleanup_files
  log "stopped"
}

start() {
  local pid
  if pid="$(running_pid)"; then
    if healthy; then echo "$URL"; log "already running (pid $pid)"; return 0; fi
    log "pid $pid is running but $URL is not healthy; use '$0 stop' first"; return 1
  fi
  if curl -s --max-time 2 -o /dev/null "$URL/"; then
    log "something else already answers on $URL (not started by this script)"; return 1
  fi
  cleanup_files
  if needs_build; then build; fi

  local home; home="$(mktemp -d -t "lp-$NAME.XXXXXX")"
  echo "$home" > "$HOMEFILE"
  mkdir -p "$(dirname "$LOG")"
  # shellcheck disable=SC2086
  nohup "$JAVA" -Xms512m -Xmx1g \
    -XX:+UseG1GC -XX:-OmitStackTraceInFastThrow -Djava.awt.headless=true -Dfile.encoding=UTF-8 \
    -Djna.nosys=true -Djava.locale.providers=SPI,COMPAT \
    -Dio.netty.noUnsafe=true -Dio.netty.noKeySetOptimization=true -Dio.netty.recycler.maxCapacityPerThread=0 \
    -Dlog4j.shutdownHookEnabled=false -Dlog4j2.disable.jmx=true -Djava.io.tmpdir="$home" \
    ${LP_EXTRA_JAVA_OPTS:-} ${OPENSEARCH_JAVA_OPTS:-} \
    -cp "$HERE/target/classes:$HERE/target/dependency/*" "$MAIN_CLASS" \
    --http-port="$PORT" --home="$home" --data="$home/data" \
    > "$LOG" 2>&1 < /dev/null &
  pid=$!
  echo "$pid" > "$PIDFILE"

  local deadline=$((SECONDS + TIMEOUT))
  while (( SECONDS < deadline )); do
    if ! kill -0 "$pid" 2>/dev/null; then
      log "$NAME exited during startup; last lines of $LOG:"; tail -n 40 "$LOG" >&2
      cleanup_files; return 1
    fi
    if healthy; then
      echo "$URL"
      log "$NAME ready at $URL (pid $pid, log $LOG, data $home)"
      return 0
    fi
    sleep 1
  done
  log "$NAME not healthy after ${TIMEOUT}s; last lines of $LOG:"; tail -n 40 "$LOG" >&2
  stop; return 1
}

case "${1:-start}" in
  start)  start ;;
  stop)   stop ;;
  status) if pid="$(running_pid)" && healthy; then echo "$URL (pid $pid)"; else echo "not running"; exit 1; fi ;;
  build)  build ;;
  *) echo "usage: $0 [start|stop|status|build]" >&2; exit 2 ;;
esac
