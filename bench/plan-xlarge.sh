#!/usr/bin/env bash
# Benchmark of `plan` on a 200,000-image cluster, run as a user runs it (bin/imageprune, as the README does).
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
echo "snapshot: $SNAPSHOT ($(du -h "$SNAPSHOT" | cut -f1)); $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg); $(java -version 2>&1 | head -1)"
# the floor, measured in the same run: reading the file, and a JVM that starts and exits
/usr/bin/time -f '%e %M' -o "$OUT/time.txt" cat "$SNAPSHOT" > /dev/null
read -r wall rss_kb < "$OUT/time.txt"
printf 'floor: cat of the snapshot %ss; ' "$wall"
/usr/bin/time -f '%e %M' -o "$OUT/time.txt" java -version 2> /dev/null
read -r wall rss_kb < "$OUT/time.txt"
printf 'bare JVM start %ss, %d MiB\n' "$wall" $((rss_kb / 1024))
# as the README runs it: bin/imageprune carries the JVM options of plan (JAVA_OPTS to try others)
: > "$OUT/runs.txt"
for i in $(seq 1 "$RUNS"); do
  /usr/bin/time -f '%e %M %U %S' -o "$OUT/time.txt" env IMAGEPRUNE_JAR="$JAR" \
    JAVA_OPTS="${JAVA_OPTS:-} -Dimageprune.timings=true" "$ROOT/bin/imageprune" plan --snapshot "$SNAPSHOT" \
      --now 2025-01-15T12:00:00Z --ignore-invalid-refs -o json > "$OUT/plan.json" 2> "$OUT/plan.err"
  read -r wall rss_kb user sys < "$OUT/time.txt"
  echo "$wall $rss_kb" >> "$OUT/runs.txt"
  phases=$(grep '^timings: ' "$OUT/plan.err" | sed 's/^timings: //' | paste -sd ';' || echo "phases: n/a")
  printf 'run %d: wall %ss (CPU %ss user, %ss sys), peak RSS %d MiB; %s\n' "$i" "$wall" "$user" "$sys" \
    $((rss_kb / 1024)) "$phases"
done
median_wall=$(cut -d' ' -f1 "$OUT/runs.txt" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
median_rss=$(cut -d' ' -f2 "$OUT/runs.txt" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
printf '| measure | median of %d | goal |\n|---|---|---|\n| plan -o json, whole process | %ss | <= 6 s |\n' \
  "$RUNS" "$median_wall"
printf '| peak RSS | %d MiB | <= 800 MiB |\n' $((median_rss / 1024))
python3 - "$OUT/plan.json" <<'PY'
import json, sys
plan = json.load(open(sys.argv[1]))
print("plan: %d images, %d streams updated, %d blobs, %d layer links, %d manifest links, %d bytes reclaimable" % (
    len(plan["imageDeletions"]), len(plan["streamUpdates"]), len(plan["blobDeletions"]),
    len(plan["layerLinkDeletions"]), len(plan["manifestDeletions"]), plan["bytesReclaimable"]))
PY
