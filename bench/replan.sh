#!/usr/bin/env bash
# Latency of a targeted re-plan after one event (a pod deleted, a new tag revision) and of the plan endpoints (the
# summary, beside its former dry-run path, and the full document), on a generated cluster, in one JVM each
# (io.imageprune.bench.ReplanBench and SummaryBench, in the test classes):
# warm-up, then samples with their mean ± 99.9 % interval, percentiles and max, on the wall clock and in the
# sampling thread's CPU time. The re-plan run also measures, from the same run, the same events with a whole-graph
# stage 2 (the cost before targeted stage 2). docs/performance.md explains the figures.
#
#   bench/replan.sh [OUT_DIR]      SIZE=xlarge (tiny..xlarge) SAMPLES=3000 WARMUP=1000 SUMMARY_SAMPLES=6 JAVA_OPTS=…
#
# The cluster comes from bench/gen-cluster.sh, cached in OUT_DIR (default target/bench). Failures reach the terminal.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$ROOT/target/bench}
SIZE=${SIZE:-xlarge}
SAMPLES=${SAMPLES:-3000}
WARMUP=${WARMUP:-1000}
SUMMARY_SAMPLES=${SUMMARY_SAMPLES:-6}
JAVA_OPTS=${JAVA_OPTS:--Xmx6g}
mkdir -p "$OUT"
fail() { echo "bench/replan.sh: $*" >&2; exit 1; }
SNAPSHOT="$OUT/$SIZE-seed1.json"
[ -s "$SNAPSHOT" ] || "$ROOT/bench/gen-cluster.sh" "$SIZE" "$SNAPSHOT" 1 || fail "no cluster to plan"
if [ ! -f "$ROOT/target/test-classes/io/imageprune/bench/ReplanBench.class" ]; then
  (cd "$ROOT" && ./mvnw -B -q test-compile) >&2 || fail "cannot compile the benchmarks"
fi
CP_FILE="$OUT/bench-classpath.txt"
(cd "$ROOT" && ./mvnw -B -q -o dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$CP_FILE") \
  > "$OUT/classpath.log" 2>&1 || { cat "$OUT/classpath.log" >&2; fail "cannot resolve the benchmark's classpath"; }
CP="$ROOT/target/test-classes:$ROOT/target/classes:$(cat "$CP_FILE")"
echo "===== re-plan and summary benchmark, $SIZE"
echo "snapshot: $SNAPSHOT; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg); $(java -version 2>&1 | head -1)"
echo "(wall figures include the time the thread waited for a core on a shared machine; the [cpu] rows do not)"
# shellcheck disable=SC2086
java $JAVA_OPTS -cp "$CP" io.imageprune.bench.ReplanBench "$SNAPSHOT" --warmup "$WARMUP" --samples "$SAMPLES" \
  || fail "the re-plan benchmark failed"
# shellcheck disable=SC2086
java $JAVA_OPTS -cp "$CP" io.imageprune.bench.SummaryBench "$SNAPSHOT" --warmup 2 --samples "$SUMMARY_SAMPLES" \
  || fail "the summary benchmark failed"
