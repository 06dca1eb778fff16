#!/usr/bin/env bash
# The project's own synthetic cluster generator (io.imageprune.bench.GenerateCluster, JDK only, in the test classes):
#   bench/gen-cluster.sh SIZE OUT_FILE [SEED]        SIZE: tiny, small, medium, large, xlarge (200,000 images)
#   GEN_EXTENSIONS=1: also the objects of issue 12's extensions (signature tags, custom resources, ...; see
#   ExtensionObjects); without it the output is unchanged.
# Writes a v1 List as `oc get -o json` prints it; prints the snapshot's now and options, its counts and its edge cases
# on stderr (also kept in OUT_FILE.stats). A failure leaves no OUT_FILE behind and says why on the terminal.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SIZE=${1:?usage: bench/gen-cluster.sh SIZE OUT_FILE [SEED]}
OUT=${2:?usage: bench/gen-cluster.sh SIZE OUT_FILE [SEED]}
SEED=${3:-1}
CLASSES=$ROOT/target/test-classes
if [ ! -f "$CLASSES/io/imageprune/bench/GenerateCluster.class" ]; then
  echo "compiling the generator (./mvnw test-compile)" >&2
  (cd "$ROOT" && ./mvnw -B -q test-compile) >&2
fi
rm -f "$OUT"
EXTRA=()
[ "${GEN_EXTENSIONS:-0}" = 1 ] && EXTRA=(--extensions)
if ! java -cp "$CLASSES" io.imageprune.bench.GenerateCluster --size "$SIZE" --seed "$SEED" --format list \
    --out "$OUT.partial" "${EXTRA[@]}" 2> "$OUT.stats"; then
  cat "$OUT.stats" >&2
  rm -f "$OUT.partial"
  echo "bench/gen-cluster.sh: generating $SIZE (seed $SEED) failed" >&2
  exit 1
fi
mv "$OUT.partial" "$OUT"
cat "$OUT.stats" >&2
