#!/usr/bin/env bash
# Memory of the service's live graph by cluster size: the numbers behind the Deployment's memory request and limit
# (k8s/README.md, "Memory"). For each size: publish a generated cluster to a broker, start the service in the state
# role (no ingest, no leader election), wait until it is synced, then read the heap used after a full GC (the live
# set) and the process RSS. Not a test: read the numbers.
#
#   bench/memory.sh [OUT_DIR]        SIZES="small medium large" (tiny..xlarge), HTTP_PORT=18181, JAVA_OPTS=…
#
# The broker: KAFKA_BOOTSTRAP_SERVERS when set, else the local one of scripts/kafka/kafka.sh (started, and stopped at
# the end, on ports 19192/19193). Clusters come from bench/gen-cluster.sh, cached in OUT_DIR (default target/bench).
# Failures go to the terminal.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$ROOT/target/bench}
SIZES=${SIZES:-small medium large}
JAR=$ROOT/target/quarkus-app/quarkus-run.jar
PORT=${HTTP_PORT:-18181}
mkdir -p "$OUT"
fail() { echo "bench/memory.sh: $*" >&2; exit 1; }
[ -f "$JAR" ] || (cd "$ROOT" && ./mvnw -B -q package -DskipTests) >&2 || fail "cannot build $JAR"
pid=
cleanup() {
  [ -z "$pid" ] || kill "$pid" 2>/dev/null || true
  [ -z "${OWN_BROKER:-}" ] || "$ROOT/scripts/kafka/kafka.sh" stop > /dev/null
}
trap cleanup EXIT
if [ -z "${KAFKA_BOOTSTRAP_SERVERS:-}" ]; then
  export KAFKA_PORT=${KAFKA_PORT:-19192} KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-19193}
  export KAFKA_DATA=$OUT/kafka-memory
  if [ "$("$ROOT/scripts/kafka/kafka.sh" status)" != running ]; then
    "$ROOT/scripts/kafka/kafka.sh" start >&2 || fail "no broker: scripts/kafka/kafka.sh start failed"
    OWN_BROKER=1
  fi
  KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$KAFKA_PORT
fi
export KAFKA_BOOTSTRAP_SERVERS
echo "===== memory benchmark, sizes: $SIZES; broker $KAFKA_BOOTSTRAP_SERVERS; $(nproc) cores"
echo "| images | objects | heap after full GC | RSS synced | RSS peak |"
echo "| ---: | ---: | ---: | ---: | ---: |"
for size in $SIZES; do
  snapshot="$OUT/$size-seed1.json"
  [ -s "$snapshot" ] || "$ROOT/bench/gen-cluster.sh" "$size" "$snapshot" 1 || fail "no $size cluster"
  topic=imageprune.memory-$size-$(date +%s)-$$
  export IMAGEPRUNE_KAFKA_TOPIC_STATE=$topic IMAGEPRUNE_KAFKA_TOPIC_DLQ=$topic.dlq
  # shellcheck disable=SC2086
  java ${JAVA_OPTS:-} -jar "$JAR" publish --snapshot "$snapshot" > "$OUT/memory-$size-publish.log" 2>&1 \
    || { tail -20 "$OUT/memory-$size-publish.log" >&2; fail "publish of $size failed"; }
  # no ingest publishes fresh markers here: the published snapshot is the state, however long replay takes
  # shellcheck disable=SC2086
  IMAGEPRUNE_INGEST_ENABLED=false IMAGEPRUNE_LEADER_ENABLED=false IMAGEPRUNE_STATE_MAX_MARKER_AGE=24h \
    QUARKUS_HTTP_PORT=$PORT java ${JAVA_OPTS:-} -jar "$JAR" > "$OUT/memory-$size-service.log" 2>&1 &
  pid=$!
  deadline=$(( $(date +%s) + ${SYNC_TIMEOUT:-900} ))
  until curl -sf "localhost:$PORT/q/health/ready" > /dev/null; do
    kill -0 $pid 2>/dev/null || { tail -30 "$OUT/memory-$size-service.log" >&2; fail "the service died before it was synced"; }
    [ "$(date +%s)" -lt "$deadline" ] || fail "the service was not synced within ${SYNC_TIMEOUT:-900} s"
    sleep 0.5
  done
  rss=$(awk '/^VmRSS/ {print int($2 / 1024)}' /proc/$pid/status)
  peak=$(awk '/^VmHWM/ {print int($2 / 1024)}' /proc/$pid/status)
  jcmd $pid GC.run > /dev/null
  heap=$(jcmd $pid GC.heap_info | awk '/garbage-first heap/ {for (i=1;i<=NF;i++) if ($i=="used") print $(i+1)}')
  [ -n "$heap" ] || fail "jcmd GC.heap_info gave no used heap for $pid"
  counts=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); o=d["items"] if "items" in d else d["objects"]; print(sum(1 for x in o if x.get("kind")=="Image"), len(o))' "$snapshot")
  echo "| ${counts% *} | ${counts#* } | $heap | ${rss} MiB | ${peak} MiB |"
  kill $pid; wait $pid 2>/dev/null || true
  pid=
done
