#!/usr/bin/env bash
# Chaos soak of the packaged service: a real KRaft broker process, the real docker-registry behind a fault proxy, the
# fabric8 mock API server, the service in one process and then with its roles split in two; seeded churn and seeded
# faults (broker stopped/killed, service kill -9 also mid-run, registry 5xx/slow/stopped, API watches dropped and the
# API server replaced) for DURATION, then quiescence, convergence and the invariants. Prints the figures table; the
# table and every process log stay in target/chaos/<seed>-<time>/. Stops by itself and stops everything it started.
#
#   bench/chaos.sh [DURATION] [extra maven args]      DURATION: 10m (default), 30m, 90s, 1h
#   e.g. bench/chaos.sh 30m -Dimageprune.chaos.seed=42 -Dimageprune.chaos.rate=5 -Dimageprune.chaos.fault-gap=PT10S
# Exit status 0 when every invariant held; a failing run prints its seed, which replays the same churn and faults.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
DURATION=${1:-10m}
[ $# -gt 0 ] && shift
case "$DURATION" in
  *h) ISO="PT${DURATION%h}H";;
  *m) ISO="PT${DURATION%m}M";;
  *s) ISO="PT${DURATION%s}S";;
  *[!0-9]*) echo "duration: a number with h, m or s, e.g. 10m (got '$DURATION')" >&2; exit 2;;
  *) ISO="PT${DURATION}S";;
esac
mkdir -p target/chaos
LOG=target/chaos/maven-$(date -u +%Y%m%dT%H%M%SZ).log
STARTED=$(mktemp -p target/chaos started.XXXXXX)
echo "$(nproc) cores; chaos soak for $ISO; started $(date -u +%FT%TZ); maven log $LOG" >&2
set -m
# a new schedule each run unless one is given (the IT alone keeps the build's fixed one)
case " $* " in *imageprune.chaos.seed=*) ;; *) set -- "$@" -Dimageprune.chaos.seed=random;; esac
./mvnw -B -o verify -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dit.test=ChaosSoakIT \
  -Dimageprune.chaos.duration="$ISO" -Dimageprune.chaos.quiet=PT60S -Dimageprune.chaos.converge=PT3M "$@" \
  > "$LOG" 2>&1 &
MAVEN=$!
# the harness closes what it started on its own, also when its JVM is asked to stop
trap 'kill -TERM -- -$MAVEN 2>/dev/null || true; wait $MAVEN 2>/dev/null || true' INT TERM
rc=0
wait $MAVEN || rc=$?
REPORT=$(ls -t target/chaos/*/report.txt 2>/dev/null | head -1 || true)
if [ -n "$REPORT" ] && [ "$REPORT" -nt "$STARTED" ]; then
  sed -n '/^=====/,/^----- timeline/p' "$REPORT" | sed '$d'
  echo "(full report with its timeline: $REPORT)"
else
  grep -E 'ERROR|FAIL' "$LOG" | head -20
  echo "no report written; see $LOG" >&2
fi
rm -f "$STARTED"
exit $rc
