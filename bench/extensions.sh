#!/usr/bin/env bash
# What each of issue 12's extensions keeps on a generated cluster, and what it costs in plan time: `plan` with
# --oc-exact, with the defaults, with each extension's switch off alone, and with --prune-orphan-signatures, as a
# table (images deleted and kept, revisions removed, blobs deleted, CPU of the planning). Not a test: read the numbers.
#
#   bench/extensions.sh [OUT_DIR]          SIZE=xlarge (tiny..xlarge) RUNS=1 JAVA_OPTS=…
#
# The cluster comes from bench/gen-cluster.sh with GEN_EXTENSIONS=1 (signature tags, custom resources, ephemeral
# containers, spec-tag streams, annotated namespaces added to the plain cluster), cached in OUT_DIR (default
# target/bench). The snapshot is read once; each row is the dry run `plan` makes after reading
# (io.imageprune.bench.ExtensionsBench). Every failure is reported on the terminal.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT=${1:-$ROOT/target/bench}
SIZE=${SIZE:-xlarge}
RUNS=${RUNS:-1}
JAVA_OPTS=${JAVA_OPTS:-}
mkdir -p "$OUT"
fail() { echo "bench/extensions.sh: $*" >&2; exit 1; }
SNAPSHOT="$OUT/$SIZE-seed1-extensions.json"
[ -s "$SNAPSHOT" ] || GEN_EXTENSIONS=1 "$ROOT/bench/gen-cluster.sh" "$SIZE" "$SNAPSHOT" 1 || fail "no cluster to plan"
[ -f "$ROOT/target/test-classes/io/imageprune/bench/ExtensionsBench.class" ] \
  || (cd "$ROOT" && ./mvnw -B -q test-compile) >&2 || fail "cannot compile the bench"
# the bench runs from the classes (no packaging needed) with the project's dependencies
[ -s "$OUT/classpath.txt" ] || (cd "$ROOT" && ./mvnw -B -q dependency:build-classpath \
  -Dmdep.outputFile="$OUT/classpath.txt") >&2 || fail "cannot list the dependencies"
echo "snapshot: $SNAPSHOT ($(du -h "$SNAPSHOT" | cut -f1)); $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg);" \
  "$(java -version 2>&1 | head -1)"
grep -h '"extensions"' "$SNAPSHOT.stats" || true
echo
echo "===== issue 12's extensions, $SIZE, best of $RUNS ====="
# shellcheck disable=SC2086
java $JAVA_OPTS -cp "$ROOT/target/test-classes:$ROOT/target/classes:$(cat "$OUT/classpath.txt")" \
  io.imageprune.bench.ExtensionsBench \
  "$SNAPSHOT" "$RUNS" || fail "the bench failed"
