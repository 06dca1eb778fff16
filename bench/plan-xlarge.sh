#!/usr/bin/env bash
# Benchmark of `plan` on a 200,000-image cluster, run as a user runs it (bin/imageprune, as the README does), beside its floor measured
# in the same run (reading the file: `cat` to /dev/null; a bare JVM start: `java -version`) and oc's recorded figures
# (oc's planner is not available to the project's builds). Not a test: read the numbers.
#
#   bench/plan-xlarge.sh [OUT_DIR]          SIZE=xlarge (tiny..xlarge) RUNS=3 JAVA_OPTS=…
#
# The cluster comes from bench/gen-cluster.sh (the project's own generator), cached in OUT_DIR (default
# target/bench). Every failure is reported on the terminal.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$ROOT/target/bench}
SIZE=${SIZE:-xlarge}
RUNS=${RUNS:-3}
JAVA_OPTS=${JAVA_OPTS:-}
mkdir -p "$OUT"
fail() { echo "bench/plan-xlarge.sh: $*" >&2; exit 1; }
SNAPSHOT="$OUT/$SIZE-seed1.json"
[ -s "$SNAPSHOT" ] || "$ROOT/bench/gen-cluster.sh" "$SIZE" "$SNAPSHOT" 1 || fail "no cluster to plan"
JAR="$ROOT/target/quarkus-app/quarkus-run.jar"
[ -f "$JAR" ] || (cd "$ROOT" && ./mvnw -B -q package -DskipTests) >&2 || fail "cannot build $JAR"
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
echo "snapshot: $SNAPSHOT ($(du -hL "$SNAPSHOT" | cut -f1)); $(nproc) cores; $(java -version 2>&1 | head -1)"
echo "load average before: $(loadavg)"

# time_it NAME COMMAND...: one row "NAME wall_s rss_mib cpu_s" in $OUT/plan-times.txt; the command's stderr on failure
time_it() {
  local name=$1; shift
  /usr/bin/time -f '%e %M %U %S' -o "$OUT/time.txt" "$@" 2> "$OUT/step.err" \
    || { cat "$OUT/step.err" >&2; fail "$name failed"; }
  read -r wall rss_kb user sys < "$OUT/time.txt"
  echo "$name $wall $((rss_kb / 1024)) $(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}')" >> "$OUT/plan-times.txt"
}
median() { sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

rm -f "$OUT/plan-times.txt"
for i in $(seq 1 "$RUNS"); do
  time_it cat sh -c 'cat "$1" > /dev/null' sh "$SNAPSHOT"
  time_it jvm java $JAVA_OPTS -version
  # shellcheck disable=SC2086
  /usr/bin/time -f '%e %M %U %S' -o "$OUT/time.txt" env IMAGEPRUNE_JAR="$JAR" JAVA_OPTS="$JAVA_OPTS -Dimageprune.timings=true" \
    "$ROOT/bin/imageprune" plan \
    --snapshot "$SNAPSHOT" --now 2025-01-15T12:00:00Z --ignore-invalid-refs -o json > "$OUT/plan.json" \
    2> "$OUT/plan.err" || { tail -20 "$OUT/plan.err" >&2; fail "plan failed (run $i)"; }
  read -r wall rss_kb user sys < "$OUT/time.txt"
  cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN {print u + s}')
  echo "plan $wall $((rss_kb / 1024)) $cpu" >> "$OUT/plan-times.txt"
  phases=$(grep '^timings: ' "$OUT/plan.err" | sed 's/^timings: //' | paste -sd ';' || true)
  printf 'run %d: plan wall %ss, CPU %ss, peak RSS %d MiB, load average %s; %s\n' "$i" "$wall" "$cpu" \
    $((rss_kb / 1024)) "$(loadavg)" "${phases:-no timings}"
done
java -cp "$ROOT/target/test-classes:$ROOT/target/quarkus-app/lib/main/*" io.imageprune.bench.PlanSummary \
  "$OUT/plan.json" || fail "the plan document does not read as JSON"

row() { # NAME LABEL: median wall, RSS and CPU time (user + system) of the NAME rows
  printf '| %-46s | %8s s | %7s MiB | %7s s |\n' "$2" \
    "$(awk -v n="$1" '$1 == n {print $2}' "$OUT/plan-times.txt" | median)" \
    "$(awk -v n="$1" '$1 == n {print $3}' "$OUT/plan-times.txt" | median)" \
    "$(awk -v n="$1" '$1 == n {print $4}' "$OUT/plan-times.txt" | median)"
}
echo
echo "===== plan benchmark, $SIZE, median of $RUNS ====="
printf '| %-46s | %10s | %11s | %9s |\n' measure "wall" "peak RSS" "CPU"
printf '|%s|%s|%s|%s|\n' "$(printf -- '-%.0s' {1..48})" "$(printf -- '-%.0s' {1..12})" "$(printf -- '-%.0s' {1..13})" \
  "$(printf -- '-%.0s' {1..11})"
row plan "plan -o json, whole process"
row cat "floor: cat of the file to /dev/null"
row jvm "floor: a bare JVM start (java -version)"
case "$SIZE" in
  xlarge) echo "| oc adm prune images (recorded, not this run)    |   36-37 s |   2,598 MiB |           |" ;;
  large)  echo "| oc adm prune images (recorded, not this run)    |     7.1 s |     668 MiB |           |" ;;
  *)      echo "| oc adm prune images (recorded only for large and xlarge)                  |" ;;
esac
echo "load average after: $(loadavg)"
[ "$SIZE" = xlarge ] && echo "goal: plan ≤ 6 s and ≤ 800 MiB"
exit 0
