#!/usr/bin/env bash
# A single-node KRaft Kafka broker on 127.0.0.1:9092 for running imageprune locally (tests start their own).
#   scripts/kafka/kafka.sh start|stop|status|jars
# On first start (or `jars`) it says so and downloads the broker (org.apache.kafka:kafka_2.13 of pom.xml next to it,
# Kafka's tools, e.g. ConsumerPerformance for bench/replay-xlarge.sh, and their runtime dependencies) from Maven
# Central through the Maven wrapper into scripts/kafka/lib; data lives in target/kafka.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
DATA=${KAFKA_DATA:-$ROOT/target/kafka}
PORT=${KAFKA_PORT:-9092}
CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
jars() {
  if [ ! -f "$HERE/lib/.complete" ]; then
    # say what is fetched before the (silent, about a minute) download
    echo "downloading Kafka $(sed -n '/<artifactId>kafka_2.13</{n;s:.*<version>\(.*\)</version>.*:\1:p;}' "$HERE/pom.xml")" \
      "(org.apache.kafka:kafka_2.13, kafka-tools and their runtime dependencies) from Maven Central" \
      "(or ~/.m2 when cached) into $HERE/lib, once" >&2
    (cd "$HERE" && "$ROOT/mvnw" -B -q -f pom.xml dependency:copy-dependencies -DoutputDirectory=lib -DincludeScope=runtime) >&2
    echo "downloaded $(ls "$HERE/lib" | wc -l) jars ($(du -sh "$HERE/lib" | cut -f1)) into $HERE/lib" >&2
    touch "$HERE/lib/.complete"
  fi
}
case "${1:-start}" in
  jars) jars;;
  start)
    jars
    mkdir -p "$DATA/logs"
    cat > "$DATA/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$DATA/data
num.partitions=1
offsets.topic.replication.factor=1
offsets.topic.num.partitions=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
PROPS
    cat > "$DATA/log4j2.properties" <<'PROPS'
status = warn
appender.file.type = File
appender.file.name = FILE
appender.file.fileName = ${sys:kafka.logs.dir}/server.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = INFO
rootLogger.appenderRef.file.ref = FILE
logger.apache.name = org.apache.kafka
logger.apache.level = WARN
PROPS
    if [ ! -f "$DATA/data/meta.properties" ]; then
      cid=$(java -cp "$HERE/lib/*" kafka.tools.StorageTool random-uuid)
      java -cp "$HERE/lib/*" kafka.tools.StorageTool format -t "$cid" -c "$DATA/server.properties" --ignore-formatted >/dev/null
    fi
    rm -f "$DATA/logs/server.log"
    nohup java -Xms256m -Xmx1g -Dlog4j2.configurationFile="$DATA/log4j2.properties" -Dkafka.logs.dir="$DATA/logs" \
      -cp "$HERE/lib/*" kafka.Kafka "$DATA/server.properties" > "$DATA/logs/stdout.log" 2>&1 &
    echo $! > "$DATA/kafka.pid"
    for _ in $(seq 1 120); do
      if grep -q "Kafka Server started" "$DATA/logs/server.log" 2>/dev/null; then
        echo "kafka up on 127.0.0.1:$PORT (pid $(cat "$DATA/kafka.pid"), data $DATA)"; exit 0
      fi
      sleep 0.5
    done
    echo "kafka did not start; see $DATA/logs" >&2; exit 1;;
  stop)
    if [ -f "$DATA/kafka.pid" ]; then kill "$(cat "$DATA/kafka.pid")" 2>/dev/null || true; rm -f "$DATA/kafka.pid"; fi
    echo stopped;;
  status)
    if [ -f "$DATA/kafka.pid" ] && kill -0 "$(cat "$DATA/kafka.pid")" 2>/dev/null; then echo running; else echo stopped; fi;;
  *) echo "usage: $0 start|stop|status|jars" >&2; exit 2;;
esac
