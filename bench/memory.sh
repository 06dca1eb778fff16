#!/usr/bin/env bash
# Memory of the service's live graph by cluster size: the numbers behind the Deployment's memory request and limit
# (k8s/README.md, "Memory"). For each size: publish a generated cluster to a local broker, start the service in the
# state role (no ingest, no leader election), wait until it is synced, then read the heap used after a full GC (the
# live set) and the process RSS. Not a test: read the numbers.
#
#   bench/memory.sh [GEN_CLUSTER_PY] [OUT_DIR]        SIZES="small medium large" (default), JAR=... to use a built jar
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
GEN=${1:-$ROOT/../shared/bench/gen_cluster.py}
OUT=${2:-$ROOT/target/bench}
SIZES=${SIZES:-small medium large}
JAR=${JAR:-$ROOT/target/quarkus-app/quarkus-run.jar}
PORT=${HTTP_PORT:-18181}
export KAFKA_PORT=${KAFKA_PORT:-19192} KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-19193}
export KAFKA_DATA=$OUT/kafka-memory
mkdir -p "$OUT"
[ -f "$JAR" ] || (cd "$ROOT" && ./mvnw -B -q package -DskipTests)
[ "$("$ROOT/scripts/kafka/kafka.sh" status)" = running ] || "$ROOT/scripts/kafka/kafka.sh" start
trap '"$ROOT/scripts/kafka/kafka.sh" stop > /dev/null' EXIT
echo "| images | objects | heap after full GC | RSS synced | RSS peak |"
echo "| ---: | ---: | ---: | ---: | ---: |"
for size in $SIZES; do
  snapshot="$OUT/$size-seed1.json"
  [ -s "$snapshot" ] || python3 "$GEN" --size "$size" --seed 1 --format list --out "$snapshot" 2> "$OUT/$size-seed1.gen.log"
  topic=imageprune.memory-$size-$(date +%s)
  export IMAGEPRUNE_KAFKA_TOPIC_STATE=$topic IMAGEPRUNE_KAFKA_TOPIC_DLQ=$topic.dlq
  export KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:$KAFKA_PORT
  java -jar "$JAR" publish --snapshot "$snapshot" > "$OUT/memory-$size-publish.log" 2>&1
  # no ingest publishes fresh markers here: the published snapshot is the state, however long replay takes
  IMAGEPRUNE_INGEST_ENABLED=false IMAGEPRUNE_LEADER_ENABLED=false IMAGEPRUNE_STATE_MAX_MARKER_AGE=1h QUARKUS_HTTP_PORT=$PORT \
    java ${JAVA_OPTS:-} -jar "$JAR" > "$OUT/memory-$size-service.log" 2>&1 &
  pid=$!
  until curl -sf "localhost:$PORT/q/health/ready" > /dev/null; do
    kill -0 $pid 2>/dev/null || { echo "service died, see $OUT/memory-$size-service.log"; exit 1; }
    sleep 0.5
  done
  rss=$(awk '/^VmRSS/ {print int($2 / 1024)}' /proc/$pid/status)
  peak=$(awk '/^VmHWM/ {print int($2 / 1024)}' /proc/$pid/status)
  jcmd $pid GC.run > /dev/null
  heap=$(jcmd $pid GC.heap_info | awk '/garbage-first heap/ {for (i=1;i<=NF;i++) if ($i=="used") print $(i+1)}')
  images=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); o=d["items"] if "items" in d else d["objects"]; print(sum(1 for x in o if x.get("kind")=="Image"), len(o))' "$snapshot")
  echo "| ${images% *} | ${images#* } | $heap | ${rss} MiB | ${peak} MiB |"
  kill $pid; wait $pid 2>/dev/null || true
done
