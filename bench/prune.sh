#!/usr/bin/env bash
# Benchmark of prune execution against the real distribution registry, the CRUD mock API and an in-process broker:
#   (1) reclamation latency of event-driven pruning (API update that makes an image eligible → first registry DELETE),
#   (2) registry DELETEs per second of a confirmed full run at 1 and 16 workers, without and with a per-DELETE delay.
# Prints the table at the end; the rows are also in target/bench/prune.txt. Not a test: read the numbers.
#
#   bench/prune.sh [extra maven args], e.g. -Dimageprune.bench.repos=200 -Dimageprune.bench.iterations=20
#   (also: -Dimageprune.bench.rounds=2, -Dimageprune.bench.delay-ms=20)
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
mkdir -p target/bench
rm -f target/bench/prune.txt
echo "$(nproc) cores; $(java -version 2>&1 | head -1); started $(date -u +%FT%TZ)" >&2
# the nested classes are the throughput configurations (one Quarkus start each)
./mvnw -B -o test -Dtest='PruneBench*' -Dimageprune.bench=true -Dsurefire.failIfNoSpecifiedTests=false "$@" \
  > target/bench/prune-maven.log 2>&1 || { tail -60 target/bench/prune-maven.log; echo "FAILED, see target/bench/prune-maven.log and target/surefire-reports/" >&2; exit 1; }
grep -E 'Tests run:|WARN.*Flaky' target/bench/prune-maven.log | tail -4 >&2
echo "===== prune benchmark ====="
cat target/bench/prune.txt
awk '/^throughput/ {
  for (i = 1; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
  key = "delay=" v["delay"] " round=" v["round"]; sub("/s", "", v["rate"]); rate[key, v["workers"]] = v["rate"]; keys[key] = 1
} END {
  for (k in keys) if ((k, 1) in rate && (k, 16) in rate)
    printf "ratio       16 vs 1 workers, %s: %.1fx\n", k, rate[k, 16] / rate[k, 1]
}' target/bench/prune.txt | sort
