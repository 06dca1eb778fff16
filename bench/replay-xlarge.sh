#!/usr/bin/env bash
# Benchmark of the state pipeline on a 200,000-image cluster: publish its projections (~1M records with all
# referrers) to a local broker, then start the service in the state role and measure
#   (a) start to synced (replay from the beginning), (b) the apply rate, (c) the heap of the live graph,
#   (d) GET /api/v1/plan on the whole live graph.
#   bench/replay-xlarge.sh [GEN_CLUSTER_PY] [OUT_DIR]      (SIZE=large for a quicker run)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
GEN=${1:-$ROOT/../shared/bench/gen_cluster.py}
OUT=${2:-$ROOT/target/bench}
SIZE=${SIZE:-xlarge}
PORT=${HTTP_PORT:-18080}
TOPIC=imageprune.bench-$SIZE-$(date +%s)   # a fresh topic: a republished one would hold every record twice
mkdir -p "$OUT"
SNAPSHOT="$OUT/$SIZE-seed1.json"
[ -s "$SNAPSHOT" ] || python3 "$GEN" --size "$SIZE" --seed 1 --format list --out "$SNAPSHOT" 2> "$OUT/$SIZE-seed1.gen.log"
JAR="$ROOT/target/quarkus-app/quarkus-run.jar"
[ -f "$JAR" ] || (cd "$ROOT" && ./mvnw -B -q package -DskipTests)
[ "$("$ROOT/scripts/kafka/kafka.sh" status)" = running ] || "$ROOT/scripts/kafka/kafka.sh" start
export IMAGEPRUNE_KAFKA_TOPIC_STATE=$TOPIC IMAGEPRUNE_KAFKA_TOPIC_DLQ=$TOPIC.dlq KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9092
echo "publishing $SNAPSHOT to $TOPIC"
java -jar "$JAR" publish --snapshot "$SNAPSHOT" 2>&1 | grep -v '^{' | tail -1
start=$(date +%s.%N)
IMAGEPRUNE_INGEST_ENABLED=false QUARKUS_HTTP_PORT=$PORT java ${JAVA_OPTS:-} -jar "$JAR" > "$OUT/service.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
until curl -sf "localhost:$PORT/q/health/ready" > /dev/null; do
  kill -0 $pid 2>/dev/null || { echo "service died, see $OUT/service.log"; exit 1; }
  sleep 0.2
done
synced=$(date +%s.%N)
records=$(curl -s "localhost:$PORT/q/metrics" | awk '/^imageprune_state_records_total/ {s += $2} END {printf "%d", s}')
replay=$(echo "$synced - $start" | bc)
printf '(a) start to synced: %.1f s for %d records (JVM start included)\n' "$replay" "$records"
echo "(b) apply rate, from the consumer's first poll to synced: $(grep -o 'replayed [0-9]* records in [0-9]* ms ([0-9]* records/s)' "$OUT/service.log")"
jcmd $pid GC.run > /dev/null
heap=$(jcmd $pid GC.heap_info | awk '/garbage-first heap/ {for (i=1;i<=NF;i++) if ($i=="used") print $(i+1)}')
echo "(c) heap used after a full GC: $heap (live graph + the service)"
for i in 1 2 3; do
  t=$(curl -s -o "$OUT/live-plan.json" -w '%{time_total}' "localhost:$PORT/api/v1/plan?now=2025-01-15T12:00:00Z&ignore-invalid-refs=true")
  echo "(d) GET /api/v1/plan run $i: ${t}s ($(stat -c %s "$OUT/live-plan.json") bytes)"
done
