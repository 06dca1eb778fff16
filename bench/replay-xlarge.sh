#!/usr/bin/env bash
# Benchmark of the state pipeline on a 200,000-image cluster: publish its projections to a broker, then start the
# service in the state role and measure (a) start to synced (replay from the beginning), (b) the apply rate beside
# Kafka's own ConsumerPerformance (kafka-consumer-perf-test) on the same topic in the same run, (c) the heap of the
# live graph, (d) GET /api/v1/plan on the whole live graph. Not a test: read the numbers.
#
#   bench/replay-xlarge.sh [OUT_DIR]      SIZE=xlarge (tiny..xlarge) PLAN_RUNS=3 HTTP_PORT=18080 JAVA_OPTS=…
#
# The broker: KAFKA_BOOTSTRAP_SERVERS when set, else the local one of scripts/kafka/kafka.sh (started if stopped).
# The cluster comes from bench/gen-cluster.sh, cached in OUT_DIR (default target/bench). Failures go to the terminal.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$ROOT/target/bench}
SIZE=${SIZE:-xlarge}
PORT=${HTTP_PORT:-18080}
PLAN_RUNS=${PLAN_RUNS:-3}
JAVA_OPTS=${JAVA_OPTS:-}
TOPIC=imageprune.bench-$SIZE-$(date +%s)-$$   # a fresh topic: a republished one would hold every record twice
mkdir -p "$OUT"
fail() { echo "bench/replay-xlarge.sh: $*" >&2; exit 1; }
SNAPSHOT="$OUT/$SIZE-seed1.json"
[ -s "$SNAPSHOT" ] || "$ROOT/bench/gen-cluster.sh" "$SIZE" "$SNAPSHOT" 1 || fail "no cluster to publish"
JAR="$ROOT/target/quarkus-app/quarkus-run.jar"
[ -f "$JAR" ] || (cd "$ROOT" && ./mvnw -B -q package -DskipTests) >&2 || fail "cannot build $JAR"
"$ROOT/scripts/kafka/kafka.sh" jars || fail "cannot fetch Kafka's jars (ConsumerPerformance) into scripts/kafka/lib"
if [ -z "${KAFKA_BOOTSTRAP_SERVERS:-}" ]; then
  [ "$("$ROOT/scripts/kafka/kafka.sh" status)" = running ] || "$ROOT/scripts/kafka/kafka.sh" start >&2 \
    || fail "no broker: scripts/kafka/kafka.sh start failed (see target/kafka/logs)"
  KAFKA_BOOTSTRAP_SERVERS=127.0.0.1:9092
fi
export IMAGEPRUNE_KAFKA_TOPIC_STATE=$TOPIC IMAGEPRUNE_KAFKA_TOPIC_DLQ=$TOPIC.dlq KAFKA_BOOTSTRAP_SERVERS
echo "snapshot: $SNAPSHOT ($(du -h "$SNAPSHOT" | cut -f1)); broker $KAFKA_BOOTSTRAP_SERVERS, topic $TOPIC; $(nproc) cores"

# (0) publish
# through bin/imageprune, as the README runs it (its JVM options for publish)
# shellcheck disable=SC2086
IMAGEPRUNE_JAR="$JAR" JAVA_OPTS="$JAVA_OPTS" "$ROOT/bin/imageprune" publish --snapshot "$SNAPSHOT" > "$OUT/publish.log" 2>&1 \
  || { tail -20 "$OUT/publish.log" >&2; fail "publish failed"; }
published=$(grep -o 'published [0-9,]* records and a sync marker in [0-9,]* ms' "$OUT/publish.log" | tr -d ,) \
  || { tail -20 "$OUT/publish.log" >&2; fail "publish printed no count"; }
records=$(echo "$published" | awk '{print $2 + 1}')   # and the marker
publish_rate=$(echo "$published" | awk '{printf "%d", $2 * 1000 / ($(NF-1) > 0 ? $(NF-1) : 1)}')
echo "$published: $publish_rate records/s"

# (a)-(d) the service. No ingest publishes heartbeats here: the one sync marker must not count as stale while the
# service starts (imageprune.state.max-marker-age is 45 s; a loaded machine takes longer to start).
start=$(date +%s.%N)
# shellcheck disable=SC2086
IMAGEPRUNE_INGEST_ENABLED=false IMAGEPRUNE_STATE_MAX_MARKER_AGE=24h QUARKUS_HTTP_PORT=$PORT \
  java $JAVA_OPTS -jar "$JAR" > "$OUT/service.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
deadline=$(( $(date +%s) + ${SYNC_TIMEOUT:-900} ))
until curl -sf "localhost:$PORT/q/health/ready" > /dev/null; do
  kill -0 $pid 2>/dev/null || { tail -30 "$OUT/service.log" >&2; fail "the service died before it was synced"; }
  [ "$(date +%s)" -lt "$deadline" ] || { curl -s "localhost:$PORT/q/health/ready" >&2; tail -10 "$OUT/service.log" >&2
    fail "the service was not synced within ${SYNC_TIMEOUT:-900} s"; }
  sleep 0.2
done
synced=$(date +%s.%N)
replay=$(echo "$synced - $start" | bc)
applied=$(curl -s "localhost:$PORT/q/metrics" | awk '/^imageprune_state_records_total/ {s += $2} END {printf "%d", s}')
apply=$(grep -o 'replayed [0-9]* records in [0-9]* ms ([0-9]* records/s)' "$OUT/service.log" | tail -1 || true)
[ -n "$apply" ] || { tail -30 "$OUT/service.log" >&2; fail "the service logged no replay rate"; }
apply_rate=$(echo "$apply" | sed 's/.*(\([0-9]*\) records\/s)/\1/')
jcmd $pid GC.run > /dev/null
heap=$(jcmd $pid GC.heap_info | awk '/garbage-first heap/ {for (i=1;i<=NF;i++) if ($i=="used") print $(i+1)}')
plans=""
for i in $(seq 1 "$PLAN_RUNS"); do
  t=$(curl -s -o "$OUT/live-plan.json" -w '%{time_total} %{http_code}' \
    "localhost:$PORT/api/v1/plan?now=2025-01-15T12:00:00Z&ignore-invalid-refs=true")
  [ "${t#* }" = 200 ] || { head -c 2000 "$OUT/live-plan.json" >&2; fail "GET /api/v1/plan answered ${t#* }"; }
  plans="$plans ${t% *}"
done
summaries=""
for i in $(seq 1 "$PLAN_RUNS"); do
  t=$(curl -s -o "$OUT/live-summary.json" -w '%{time_total} %{http_code}' \
    "localhost:$PORT/api/v1/plan/summary?now=2025-01-15T12:00:00Z&ignore-invalid-refs=true")
  [ "${t#* }" = 200 ] || { head -c 2000 "$OUT/live-summary.json" >&2; fail "GET /api/v1/plan/summary answered ${t#* }"; }
  summaries="$summaries ${t% *}"
done
kill $pid; wait $pid 2>/dev/null || true
trap - EXIT

# the reference: Kafka's ConsumerPerformance reading the same topic (a consumer group, from the beginning)
java -Xmx1g -cp "$ROOT/scripts/kafka/lib/*" org.apache.kafka.tools.ConsumerPerformance --bootstrap-server \
  "$KAFKA_BOOTSTRAP_SERVERS" --topic "$TOPIC" --messages "$records" --timeout 60000 \
  --group "imageprune-bench-$$" > "$OUT/consumer-perf.txt" 2>&1 \
  || { tail -20 "$OUT/consumer-perf.txt" >&2; fail "ConsumerPerformance failed"; }
# start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms,
# fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec
perf=$(grep -E '^[0-9]{4}-' "$OUT/consumer-perf.txt" | tail -1) \
  || { cat "$OUT/consumer-perf.txt" >&2; fail "ConsumerPerformance printed no result"; }
consumed=$(echo "$perf" | awk -F', *' '{printf "%d", $5}')
[ "$consumed" -ge "$records" ] || { cat "$OUT/consumer-perf.txt" >&2; fail "ConsumerPerformance read $consumed of $records records"; }
raw_rate=$(echo "$perf" | awk -F', *' '{printf "%d", $10}')

echo
echo "===== replay benchmark, $SIZE: $records records ====="
printf '| %-34s | %-28s | %-40s |\n' measure "this run" "reference in the same run"
printf '| %-34s | %-28s | %-40s |\n' "publish of the snapshot" "$publish_rate records/s" "— (goal ≥ 100,000 records/s)"
printf '| %-34s | %-28s | %-40s |\n' "service start → synced" "$(printf '%.1f s' "$replay")" "— (goal ≤ 8 s)"
printf '| %-34s | %-28s | %-40s |\n' "state replay apply rate" "$apply_rate records/s" \
  "ConsumerPerformance $raw_rate records/s ($(awk -v a="$apply_rate" -v r="$raw_rate" 'BEGIN {printf "%.2f", (r > 0 ? a / r : 0)}')×; goal ≥ 0.5×)"
printf '| %-34s | %-28s | %-40s |\n' "heap after a full GC" "$heap" "—"
printf '| %-34s | %-28s | %-40s |\n' "GET /api/v1/plan (live graph)" "$(echo $plans | tr ' ' '\n' | sort -n | awk '{v[NR]=$1} END {printf "%.2f s median of %d", v[int((NR+1)/2)], NR}')" \
  "$(stat -c %s "$OUT/live-plan.json") bytes (goal ≤ 2 s)"
printf '| %-34s | %-28s | %-40s |\n' "GET /api/v1/plan/summary" "$(echo $summaries | tr ' ' '\n' | sort -n | awk '{v[NR]=$1} END {printf "%.2f s median of %d", v[int((NR+1)/2)], NR}')" \
  "— (goal ≤ 1 s)"
echo "applied by the service: $applied records; $apply"
