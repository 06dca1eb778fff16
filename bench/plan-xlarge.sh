#!/usr/bin/env bash
# Benchmark of `plan` on a 200,000-image cluster, run as a user runs it (plain java -jar).
# Prints wall time, peak RSS and the time spent loading and deciding. Not a test: read the numbers.
#
#   bench/plan-xlarge.sh [GEN_CLUSTER_PY] [OUT_DIR]
#
# GEN_CLUSTER_PY defaults to ../shared/bench/gen_cluster.py next to the repository; the generated file (~600 MB) is
# cached in OUT_DIR (default target/bench) and reused.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
GEN=${1:-$ROOT/../shared/bench/gen_cluster.py}
OUT=${2:-$ROOT/target/bench}
SIZE=${SIZE:-xlarge}
RUNS=${RUNS:-3}
mkdir -p "$OUT"
SNAPSHOT="$OUT/$SIZE-seed1.json"
if [ ! -s "$SNAPSHOT" ]; then
  echo "generating $SNAPSHOT with $GEN --size $SIZE --seed 1 --format list" >&2
  python3 "$GEN" --size "$SIZE" --seed 1 --format list --out "$SNAPSHOT" 2> "$OUT/$SIZE-seed1.gen.log"
fi
JAR="$ROOT/target/quarkus-app/quarkus-run.jar"
[ -f "$JAR" ] || (cd "$ROOT" && ./mvnw -B -q package -DskipTests)
echo "snapshot: $SNAPSHOT ($(du -h "$SNAPSHOT" | cut -f1)); $(nproc) cores; $(java -version 2>&1 | head -1)"
for i in $(seq 1 "$RUNS"); do
  /usr/bin/time -f '%e %M' -o "$OUT/time.txt" \
    java -Dimageprune.timings=true -jar "$JAR" plan --snapshot "$SNAPSHOT" \
      --now 2025-01-15T12:00:00Z --ignore-invalid-refs -o json > "$OUT/plan.json" 2> "$OUT/plan.err"
  read -r wall rss_kb < "$OUT/time.txt"
  phases=$(grep '^timings: ' "$OUT/plan.err" | sed 's/^timings: //' | paste -sd ';' || echo "phases: n/a")
  printf 'run %d: wall %ss, peak RSS %d MiB; %s\n' "$i" "$wall" $((rss_kb / 1024)) "$phases"
done
python3 - "$OUT/plan.json" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1]))
print("plan: %d images, %d streams updated, %d blobs, %d layer links, %d manifest links, %d bytes reclaimable" % (
    len(plan["imageDeletions"]), len(plan["streamUpdates"]), len(plan["blobDeletions"]),
    len(plan["layerLinkDeletions"]), len(plan["manifestDeletions"]), plan["bytesReclaimable"]))
PY
